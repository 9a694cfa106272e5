//! Gift cards: stored value a customer spends at the tills. Card numbers and the pure rules
//! (`patron_rules::gift_cards`), cards as stored (`model`) and the ledger whose sum is every
//! balance (`ledger`), the invoice step that pays with a card, refunds onto one and gives back on a
//! cancel (`invoice`), the till API (`api`, guarded against guessing numbers by
//! `crate::web::till::guesses`), the pages, the customer page's Store credit card, the liability
//! report and the expiry run.

pub mod api;
pub mod card_routes;
pub mod expiry;
pub mod forms;
pub mod home;
pub mod invoice;
pub mod list_routes;
pub mod model;
pub mod panel;
pub mod report;
pub mod report_csv;
pub mod report_months;
pub mod report_routes;

/// Mounts the gift card pages and the liability report.
pub fn config(cfg: &mut actix_web::web::ServiceConfig) {
    // The list and /gift-cards/new before /gift-cards/{id}.
    list_routes::config(cfg);
    card_routes::config(cfg);
    report_routes::config(cfg);
}

/// Adds the gift card endpoints to the till API's route table.
pub fn till_routes(routes: &mut crate::web::till::ApiRoutes) {
    api::routes(routes);
}
