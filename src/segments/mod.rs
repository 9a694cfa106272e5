//! Customer segments: saved sets of filters over a company's active customers (recency,
//! frequency and spend from the report rollups, RFM scores, groups, loyalty, what they bought,
//! offers, coupons and referrals), counted live as they are built, written down nightly as
//! snapshots (which offers aimed at a segment read) with their size over time, exported, and
//! acted on: a Gift Card coupon for each customer, or enrolment in a loyalty program.

pub mod action_routes;
pub mod customer_list;
pub mod facts;
pub mod form;
pub mod model;
pub mod names;
pub mod panel;
pub mod query;
pub mod rfm;
pub mod routes;
pub mod snapshot;
pub mod view;

use patron_rules::users::Permission;

/// Who may read segments: whoever reads the reports they are built on.
pub const READERS: [Permission; 2] = [Permission::ReportsView, Permission::SegmentsManage];

/// Mounts the segment pages.
pub fn config(cfg: &mut actix_web::web::ServiceConfig) {
    action_routes::config(cfg);
    routes::config(cfg);
}
