//! Patron's integration tests: one binary, a module per area. Each test starts the real app on
//! a free port over a database of its own and speaks HTTP to it, as a browser or a till would.
#![expect(
    clippy::unwrap_used,
    reason = "the harness fails loudly, like the tests"
)]

mod common;

mod api_input;
mod architecture;
mod audit;
mod auth;
mod backup;
mod browser;
mod business_day;
mod catalog;
mod cli;
mod companies;
mod coupons_api;
mod coupons_pages;
mod csrf;
mod customer_page;
mod customers;
mod embedded;
mod errors;
mod gift_cards;
mod gift_cards_api;
mod gift_cards_report;
mod gift_cards_sales;
mod groups;
mod guessing;
mod home;
mod import;
mod invoices;
mod lists;
mod loyalty;
mod loyalty_programs;
mod loyalty_reports;
mod marketing_pages;
mod migrations;
mod offers_api;
mod offers_carts;
mod offers_pages;
mod offers_returns;
mod offers_segments;
mod offers_sentence;
mod offers_simulator;
mod offers_till;
mod openapi;
mod permissions;
mod referral_pages;
mod referrals;
mod report_ranking;
mod reports;
mod rollups;
mod sales_pages;
mod sales_persons;
mod schema;
mod segment_actions;
mod segment_lists;
mod segments;
mod sessions;
mod spreadsheets;
mod stores;
mod stories;
mod supervisor_lookup;
mod sync;
mod terminal;
mod users;
