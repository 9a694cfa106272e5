//! The trees people keep: Customer Groups and Territories (their rows and queries, in `groups`;
//! the audited saves of all three trees, in `model`) and the pages of all three trees with Item Groups (catalogue). The pages are one design over
//! three tables, so they sit above the catalogue; customers, stores, offers and loyalty read
//! groups and territories from here.

pub mod model;
pub mod routes;
