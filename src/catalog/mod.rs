//! The item catalogue that offers and invoices refer to: items, item groups (a tree) and brands,
//! their pages, CSV import and export, pickers other forms reuse, and the tills' change feed.

pub mod api;
pub mod brands;
pub mod demo;
pub mod export;
pub mod forms;
pub mod import;
pub mod list;
pub mod list_page;
pub mod model;
pub mod pickers;
pub mod routes;

use actix_web::web;

/// Mounts the catalogue: items, their import and export, brands and the pickers (the literal
/// `/items/...` routes before `/items/{id}`). Item groups are `trees`' pages.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/items/export.csv", web::get().to(export::download))
        .configure(crate::imports::pages::mount::<import::ItemImport>)
        .configure(routes::config)
        .configure(brands::config)
        .configure(pickers::config);
}
