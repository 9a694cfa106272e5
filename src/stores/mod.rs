//! Stores of the chain and what their tills obey: companies and currencies, stores, POS
//! profiles, delivery charges, sales persons and the terminal tokens tills call the API with.

pub mod company_routes;
pub mod delivery;
pub mod demo;
pub mod forms;
pub mod model;
pub mod profile;
pub mod profile_routes;
pub mod routes;
pub mod rules;
pub mod sales_person_routes;
pub mod sales_persons;
pub mod till;
pub mod token_routes;
pub mod tokens;
