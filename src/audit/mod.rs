//! The audit log: every change a person makes, and the page that lists them.

pub mod home;
pub mod model;
pub mod routes;

pub use model::{Actor, record, record_change, snapshot, switch};
