//! The pages of the trees people keep: Customer Groups and Territories (customers) and Item
//! Groups (catalogue). The pages are one design over three tables, so they sit above both
//! areas instead of one area mounting the other's pages.

pub mod routes;
