//! Loyalty programs: setup (programs and their tiers), enrolment, the points ledger that invoices
//! earn and redeem through, expiry, and the reports that say what the points are worth.

pub mod api;
pub mod bonus;
pub mod customer_ledger_routes;
pub mod enrolment;
pub mod expiry;
pub mod home;
pub mod invoice;
pub mod model;
pub mod opening_import;
pub mod panel;
pub mod program_demo;
pub mod program_form;
pub mod program_routes;
pub mod report_routes;
pub mod summary;
pub mod synthetic;

use actix_web::web;

/// Mounts the loyalty pages: programs, the customer page's Loyalty panel and ledger, the
/// reports and the opening-balance import.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(program_routes::config)
        .configure(panel::config)
        .configure(customer_ledger_routes::config)
        .configure(report_routes::config);
}
