//! Coupons: codes that make a coupon-based offer apply to a sale. The validation chain (`rules`,
//! pure; `validate` against the database), codes people can type (`codes`), coupons as stored
//! and each use counted exactly under concurrency (`model`), the invoice step that validates
//! and counts a sale's coupons (`invoice`), the till API (`api`) and the pages.

pub mod api;
pub mod codes;
pub mod invoice;
pub mod model;
pub mod queries;
pub mod rules;
pub mod validate;
