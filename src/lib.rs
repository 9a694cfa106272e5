//! Patron: the head-office back office of a retail chain's point of sale.
//!
//! `app::build` mounts every area; `main.rs` is the command line around it.

pub mod api;
pub mod app;
pub mod audit;
pub mod catalog;
pub mod config;
pub mod coupons;
pub mod customers;
pub mod db;
pub mod gift_cards;
pub mod home;
pub mod imports;
pub mod kernel;
pub mod loyalty;
pub mod offers;
pub mod ops;
pub mod referrals;
pub mod reports;
pub mod sales;
pub mod seed;
pub mod segments;
pub mod state;
pub mod stores;
pub mod trees;
pub mod users;
pub mod web;
