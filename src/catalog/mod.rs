//! The item catalogue that offers and invoices refer to: items, item groups (a tree) and brands,
//! their pages, CSV import and export, pickers other forms reuse, and the tills' change feed.

pub mod api;
pub mod brands;
pub mod demo;
pub mod export;
pub mod forms;
pub mod import;
pub mod list;
pub mod model;
pub mod pickers;
pub mod routes;
pub mod rules;
