//! Offers and campaigns as stored: campaigns (`campaigns`), offers kept by version (`versions`) and
//! the lists and lookups the pages and the engine read (`queries`); the only place that writes
//! their tables.

pub mod campaigns;
pub mod names;
pub mod queries;
pub mod versions;
