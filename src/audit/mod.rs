//! The audit log: every change a person makes, and the page that lists them.

pub mod changes;
pub mod home;
pub mod labels;
pub mod model;
pub mod names;
pub mod readable;
pub mod routes;

pub use model::{record, record_change, snapshot, switch};
pub use readable::{Readable, describe, latest_activity};
