//! Referrals: codes customers share, new customers registered with one (at HQ or a till) getting a
//! welcome coupon and the referrer a reward coupon (at registration or with the first purchase).
//! The pure rules (`patron_rules::referrals`), codes and registrations as stored (`model`), the
//! customers `created` hook (`register`), the coupons handed out (`rewards`), the invoice step that
//! rewards a first purchase (`invoice`) and the till API (`api`).

pub mod api;
pub mod defaults_routes;
pub mod form;
pub mod funnel;
pub mod funnel_chart;
pub mod funnel_routes;
pub mod invoice;
pub mod list;
pub mod model;
pub mod panel;
pub mod register;
pub mod rewards;
pub mod routes;
pub mod synthetic;

/// Mounts the referral pages.
pub fn config(cfg: &mut actix_web::web::ServiceConfig) {
    routes::config(cfg);
    defaults_routes::config(cfg);
    funnel_routes::config(cfg);
}

/// Adds the referral endpoints to the till API.
pub fn till_routes(routes: &mut crate::web::till::ApiRoutes) {
    api::routes(routes);
}
