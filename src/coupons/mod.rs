//! Coupons: codes that make a coupon-based offer apply to a sale. The validation chain
//! (`patron_rules::coupons`, pure; `validate` against the database), codes people can type
//! (`codes`), coupons as stored and each use counted exactly under concurrency (`model`), the
//! invoice step that validates and counts a sale's coupons (`invoice`), the till API (`api`) and
//! the pages.

pub mod api;
pub mod batch_routes;
pub mod code_record;
pub mod demo;
pub mod form;
pub mod invoice;
pub mod list;
pub mod model;
pub mod routes;
pub mod validate;

/// Who may read the coupon pages (and the batches' figures).
pub const READERS: [patron_rules::users::Permission; 2] = [
    patron_rules::users::Permission::CouponsManage,
    patron_rules::users::Permission::ReportsView,
];

/// Mounts the coupon pages.
pub fn config(cfg: &mut actix_web::web::ServiceConfig) {
    // Batches first: `/coupons/batches/...` before `/coupons/{id}`.
    batch_routes::config(cfg);
    routes::config(cfg);
}
