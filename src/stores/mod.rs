//! Stores of the chain. This first cut holds what users need (a supervisor's store); the stores
//! issue adds companies, POS profiles and their pages.

pub mod model;
