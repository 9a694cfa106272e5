//! Stores of the chain and what their tills obey: companies and currencies, stores, POS
//! profiles, delivery charges, sales persons and the terminal tokens tills call the API with.

pub mod accounts;
pub mod company_routes;
pub mod demo;
pub mod forms;
pub mod model;
pub mod profile_routes;
pub mod routes;
pub mod sales_person_routes;
pub mod token_routes;

use crate::web::tabs::Tab;
use model::Store;

/// The tabs of a store's page, marking the one at `current`.
pub fn store_tabs(store: &Store, current: &str) -> Vec<Tab> {
    Tab::list(
        &[
            ("Details", format!("/stores/{}", store.id)),
            ("POS Profile", format!("/stores/{}/profile", store.id)),
            ("Terminal Tokens", format!("/stores/{}/tokens", store.id)),
        ],
        current,
    )
}
