//! Loyalty programs: setup (programs and their tiers), enrolment, the points ledger that invoices
//! earn and redeem through, expiry, and the reports that say what the points are worth.

pub mod customer_ledger;
pub mod customer_ledger_routes;
pub mod opening_import;
pub mod programs;
pub mod report_routes;
pub mod reports;
pub mod rules;
pub mod synthetic;
