//! Offers: POS promotions (item price, free product, grand-total discount, bonus points) and the
//! campaigns they run in. The pure engine that prices a cart (`patron_rules::offers`), offers kept
//! by version (`versions`) and loaded for the engine (`in_force`), campaigns and their budgets, and
//! the invoice step that checks every offer a sale claims (`invoice`, `claims`) and takes back
//! what a return gives back (`returns`), the editor's pages
//! for offers and campaigns, and the offer simulator that prices a cart as the tills would.

pub mod access;
pub mod api;
pub mod campaign_form;
pub mod campaign_routes;
pub mod claims;
pub mod feed;
pub mod form_rules;
pub mod home;
pub mod in_force;
pub mod invoice;
pub mod model;
pub mod offer_form;
pub mod offer_routes;
pub mod pricing;
pub mod returns;
pub mod sentence;
pub mod sentence_routes;
pub mod shopper;
pub mod simulator;
pub mod simulator_lookup;
pub mod simulator_model;
pub mod simulator_names;
pub mod terms_view;
pub mod uses;

/// Mounts the offer and campaign pages (the simulator's before `/offers/{id}`).
pub fn config(cfg: &mut actix_web::web::ServiceConfig) {
    simulator::config(cfg);
    sentence_routes::config(cfg);
    offer_routes::config(cfg);
    campaign_routes::config(cfg);
}
