//! One code record, two areas: coupons and referral codes are both "a code of a company, with
//! offers, a campaign and Disabled, a list, a form and a page". What they share is written here
//! once; each area keeps only what differs (its table, its fields, its extra columns and filters,
//! its wording).
//!
//! The shape, and why: a trait per side names what differs, and plain generic functions do the
//! rest, so that a newcomer reads ordinary Rust and finds an area's differences in one `impl`.
//! - `model`: [`model::CodeTable`], the audited writes (create, save, Disable/Enable) and a free
//!   code. Diesel gives each table its own types, so the few table-specific queries are written
//!   by one small macro (`code_table_queries!`) inside each area's `impl`; the audit logic stays
//!   generic code.
//! - `list`: the list query both lists build (company, filters, keyset paging by id).
//! - `form`: the form helpers and database checks both forms make (code, offer, campaign).
//! - `pages`: [`pages::CodePages`] and the generic handlers behind New, Edit, Save, Disable and
//!   Enable, plus the list's paging; each area mounts them beside its own list and record page.
//!
//! Coupons sit below referrals, so this lives in coupons and referrals import it.

pub mod form;
pub mod list;
pub mod model;
pub mod pages;
