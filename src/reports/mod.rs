//! Reports: the daily rollups the invoice pipeline keeps (`rollups`, `invoice`), the customers'
//! figures folded from them after the sale (`fold`), their rebuild (`rebuild`), and the report
//! pages that read them.

pub mod chart;
pub mod filters;
pub mod fold;
pub mod home;
pub mod invoice;
pub mod model;
pub mod page;
pub mod promotion_routes;
pub mod rebuild;
pub mod rollups;
pub mod routes;
pub mod table;

/// Mounts the report pages.
pub fn config(cfg: &mut actix_web::web::ServiceConfig) {
    routes::config(cfg);
    promotion_routes::config(cfg);
}
