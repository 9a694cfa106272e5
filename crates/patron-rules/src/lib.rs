//! Patron's pure rules: what every area computes without a database, a web framework or a clock
//! of its own. Money and currency, typed ids, the company's business day, search terms, trees and
//! spreadsheet-safe CSV cells at the root; each business area's rules in its module (the offer
//! engine, the coupon chain, loyalty's earn, redeem and tiers, referral checks, the customer sync
//! merge, ...).
//!
//! This crate's Cargo.toml names no web or database crate, so purity is a compile error here,
//! not a convention: the app (`patron`) maps these types to rows, forms and JSON schemas.

pub mod activation;
pub mod clock;
pub mod ids;
pub mod keyset;
pub mod money;
pub mod search;
pub mod spreadsheet;
pub mod tree;

pub mod catalog;
pub mod coupons;
pub mod customers;
pub mod gift_cards;
pub mod loyalty;
pub mod offers;
pub mod period_sums;
pub mod referrals;
pub mod reports;
pub mod sales;
pub mod segments;
pub mod stores;
pub mod users;

pub use activation::Activation;
pub use clock::Clock;
pub use ids::{CompanyId, CustomerId, InvoiceId, ItemId, StoreId, UserId};
pub use money::Currency;
