//! The customer database: customers, their groups and territories, search.

pub mod api;
pub mod export;
pub mod feed;
pub mod forms;
pub mod group_import;
pub mod groups;
pub mod head;
pub mod home;
pub mod hooks;
pub mod import;
pub mod import_job;
pub mod import_routes;
pub mod merge;
pub mod model;
pub mod panels;
pub mod picker;
pub mod routes;
pub mod rules;
pub mod sync;
pub mod sync_rules;
pub mod synthetic;
