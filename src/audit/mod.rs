//! The audit log: every change a person makes, and the page that lists them.

pub mod changes;
pub mod home;
pub mod labels;
pub mod model;
pub mod names;
pub mod readable;
pub mod routes;

pub(crate) use model::keyed_by_id;
pub use model::{
    Audited, Keyed, create, record, record_change, record_each, snapshot, switch, update,
};
pub use readable::{Readable, describe, latest_activity};
