//! Sales from the tills: invoices submitted exactly once, cancelled and returned, and what
//! customers owe on account. `submit` is the pipeline other areas hook their steps into.

pub mod api;
pub mod body;
pub mod cancel;
pub mod chart;
pub mod customer_panels;
pub mod history;
pub mod home;
pub mod invoice_page;
pub mod list;
pub mod list_routes;
pub mod model;
pub mod routes;
pub mod rules;
pub mod submit;
pub mod synthetic;
