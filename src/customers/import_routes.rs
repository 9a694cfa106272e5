//! The customer import pages (customers.create): the shared import pages of `crate::imports`
//! over `CustomerImport`.

use actix_web::web;

use super::import_job::CustomerImport;

/// Mounts the routes (before `/customers/{id}`, which would take "import" for an id).
pub fn config(cfg: &mut web::ServiceConfig) {
    crate::imports::pages::mount::<CustomerImport>(cfg);
}
