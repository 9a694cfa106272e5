//! Sales from the tills: invoices submitted exactly once, cancelled and returned, and what
//! customers owe on account. `submit` is the pipeline other areas hook their steps into.

pub mod api;
pub mod body;
pub mod cancel;
pub mod chart;
pub mod customer_panels;
pub mod history;
pub mod home;
pub mod invoice_routes;
pub mod list;
pub mod list_routes;
pub mod model;
pub mod payment_routes;
pub mod submit;
pub mod synthetic;
pub mod views;

use actix_web::web;

/// Mounts the sales pages: the invoices list and its CSV (before `/invoices/{uuid}`), the
/// invoice page, and recording a payment towards a customer's account.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(list_routes::config)
        .configure(invoice_routes::config)
        .configure(payment_routes::config);
}
