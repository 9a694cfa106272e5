//! The customer database: customers, their groups and territories, search.

pub mod api;
pub mod demo;
pub mod export;
pub mod feed;
pub mod filters_on;
pub mod forms;
pub mod group_import;
pub mod head;
pub mod home;
pub mod hooks;
pub mod import;
pub mod import_job;
pub mod list_page;
pub mod list_segments;
pub mod merge;
pub mod model;
pub mod name_starts;
pub mod panels;
pub mod picker;
pub mod routes;
pub mod sync;
pub mod synthetic;

use actix_web::web;

/// Mounts the customer pages: merge, the picker and the import (their literal paths before
/// `/customers/{id}`, which would take "import" for an id), then the list, form and page.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(merge::config)
        .configure(picker::config)
        .configure(crate::imports::pages::mount::<import_job::CustomerImport>)
        .configure(routes::config);
}
