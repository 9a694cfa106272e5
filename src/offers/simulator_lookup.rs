//! What the offer simulator reads besides the offers: the stores a cart can be priced for, the
//! items and customers the form names, the coupon codes it carries, and a past invoice to try
//! ("Try on invoice").

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use patron_rules::Clock;
use patron_rules::catalog::rate_text;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::in_force;
use super::pricing::{CouponAsk, CouponCheck, StoreScope};
use super::simulator_model::{LineInput, SimForm};
use crate::db::schema::{
    companies, customers, invoice_lines, invoices, items, pos_profiles, stores,
};
use crate::web::format::count;

/// A store a cart can be priced for (one with a POS profile).
#[derive(Debug, Clone, Queryable)]
pub struct StoreChoice {
    /// Id.
    pub id: i64,
    /// Code: what the form carries.
    pub code: String,
    /// Name.
    pub name: String,
    /// Its company.
    pub company_id: i64,
    /// Its company's time zone.
    pub time_zone: String,
    /// Whether it still sells.
    pub active: bool,
}

impl StoreChoice {
    /// "Store North (NORTH)".
    pub fn label(&self) -> String {
        if self.active {
            format!("{} ({})", self.name, self.code)
        } else {
            format!("{} ({}, deactivated)", self.name, self.code)
        }
    }

    /// Its company's clock.
    pub fn clock(&self) -> Clock {
        Clock::from_name(&self.time_zone)
    }
}

/// Every store with a POS profile: active ones first, by name.
pub fn stores(conn: &mut PgConnection) -> QueryResult<Vec<StoreChoice>> {
    stores::table
        .inner_join(pos_profiles::table)
        .inner_join(companies::table)
        .order((stores::active.desc(), stores::name.asc()))
        .select((
            stores::id,
            stores::code,
            stores::name,
            stores::company_id,
            companies::time_zone,
            stores::active,
        ))
        .load(conn)
}

/// An item as the simulator prices it.
#[derive(Debug, Clone, Queryable)]
pub struct ItemFacts {
    /// Item Code.
    pub item_code: String,
    /// Item Name.
    pub name: String,
    /// Its price (Standard Rate): a line's Rate when none is typed.
    pub standard_rate: Decimal,
}

/// The items of `codes` (upper case) that exist, by code.
pub fn items(conn: &mut PgConnection, codes: &[String]) -> QueryResult<HashMap<String, ItemFacts>> {
    Ok(items::table
        .filter(items::item_code.eq_any(codes))
        .select((items::item_code, items::name, items::standard_rate))
        .load::<ItemFacts>(conn)?
        .into_iter()
        .map(|i| (i.item_code.clone(), i))
        .collect())
}

/// The customer with `code`: id and name.
pub fn customer_by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Option<(i64, String)>> {
    customers::table
        .filter(customers::code.eq(code))
        .select((customers::id, customers::first_name, customers::last_name))
        .first::<(i64, String, String)>(conn)
        .optional()
        .map(|c| c.map(|(id, first, last)| (id, format!("{first} {last}").trim().to_owned())))
}

/// Customer `id`'s code and name.
pub fn customer(conn: &mut PgConnection, id: i64) -> QueryResult<(String, String)> {
    customers::table
        .find(id)
        .select((customers::code, customers::first_name, customers::last_name))
        .first::<(String, String, String)>(conn)
        .map(|(code, first, last)| (code, format!("{first} {last}").trim().to_owned()))
}

/// Each of `codes` checked as the till's coupon validation checks it (`check`, the rule the app
/// wires in) for `customer` at `store` at `at`: the offer it makes eligible, or the till's
/// sentence for why it may not be used.
pub fn coupons(
    conn: &mut PgConnection,
    store: &StoreScope,
    customer: Option<i64>,
    at: DateTime<Utc>,
    codes: &[String],
    check: CouponCheck,
) -> QueryResult<Vec<(String, Result<i64, String>)>> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let loaded = in_force::of_company(conn, store.company_id)?;
    let offers = loaded.at(at);
    let on = store.clock.date(at);
    codes
        .iter()
        .map(|code| {
            let ask = CouponAsk {
                code,
                store,
                customer,
                on,
            };
            Ok((code.clone(), check(conn, &ask, &offers)?))
        })
        .collect()
}

/// An invoice a typed number names when several do, for the person to choose.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Its uuid: what choosing it loads.
    pub uuid: String,
    /// "S1-000123 · Store North · 20 Nov 2026, 14:03 · 3 lines".
    pub label: String,
}

/// A past invoice read into the simulator's form.
#[derive(Debug, Clone)]
pub struct Tried {
    /// The form: the invoice's sold lines, store, customer, posting date and coupon codes.
    pub form: SimForm,
    /// "Invoice S1-000123 of 20 Nov 2026, 14:03 CET at Store North".
    pub said: String,
}

/// What "Try on invoice" found for what was typed.
#[derive(Debug, Clone)]
pub enum Found {
    /// One invoice, loaded.
    One(Tried),
    /// None, or several (to choose from), with what to tell the person.
    Not(String, Vec<Candidate>),
}

/// The invoice `typed` names (a uuid, or a till's invoice number), read into the form.
pub fn invoice(conn: &mut PgConnection, typed: &str) -> QueryResult<Found> {
    let typed = typed.trim();
    type Row = (
        i64,
        Uuid,
        String,
        DateTime<Utc>,
        String,
        String,
        String,
        String,
        Vec<String>,
    );
    let query = invoices::table
        .inner_join(stores::table.inner_join(companies::table))
        .inner_join(customers::table)
        .select((
            invoices::id,
            invoices::uuid,
            invoices::number,
            invoices::posted_at,
            stores::code,
            stores::name,
            companies::time_zone,
            customers::code,
            invoices::coupon_codes,
        ))
        .order((invoices::posted_at.desc(), invoices::id.desc()))
        .limit(11);
    let rows: Vec<Row> = match Uuid::parse_str(typed) {
        Ok(uuid) => query.filter(invoices::uuid.eq(uuid)).load(conn)?,
        Err(_) => query.filter(invoices::number.eq(typed)).load(conn)?,
    };
    let when = |at: DateTime<Utc>, zone: &str| Clock::from_name(zone).at_labelled(at);
    match rows.as_slice() {
        [] => Ok(Found::Not(
            format!("No invoice has the number or uuid {typed}."),
            Vec::new(),
        )),
        [(id, _, number, posted_at, store, store_name, zone, customer, coupons)] => {
            let lines: Vec<(String, Decimal, Decimal)> = invoice_lines::table
                .filter(invoice_lines::invoice_id.eq(id))
                .filter(invoice_lines::is_offer.eq(false))
                .filter(invoice_lines::qty.gt(Decimal::ZERO))
                .order(invoice_lines::line_no.asc())
                .select((
                    invoice_lines::item_code,
                    invoice_lines::qty,
                    invoice_lines::price_list_rate,
                ))
                .load(conn)?;
            if lines.is_empty() {
                return Ok(Found::Not(
                    format!(
                        "Invoice {number} sold nothing (a return): there are no lines to price."
                    ),
                    Vec::new(),
                ));
            }
            let clock = Clock::from_name(zone);
            Ok(Found::One(Tried {
                form: SimForm {
                    lines: lines
                        .into_iter()
                        .map(|(item, qty, rate)| LineInput {
                            item,
                            qty: qty.normalize().to_string(),
                            rate: rate_text(rate),
                        })
                        .collect(),
                    store: store.clone(),
                    date: clock.date(*posted_at).format("%Y-%m-%d").to_string(),
                    customer: customer.clone(),
                    coupons: coupons.join(" "),
                    invoice: typed.to_owned(),
                },
                said: format!(
                    "Invoice {number} of {} at {store_name}",
                    when(*posted_at, zone)
                ),
            }))
        }
        several => {
            let shown = several.len().min(10);
            let more = if several.len() > 10 {
                "More than 10"
            } else {
                ""
            };
            let candidates = several[..shown]
                .iter()
                .map(
                    |(_, uuid, number, posted_at, _, store_name, zone, customer, _)| Candidate {
                        uuid: uuid.to_string(),
                        label: format!(
                            "{number} · {store_name} · {} · {customer}",
                            when(*posted_at, zone)
                        ),
                    },
                )
                .collect();
            let how_many = if more.is_empty() {
                count(several.len() as i64)
            } else {
                more.to_owned()
            };
            Ok(Found::Not(
                format!("{how_many} invoices have the number {typed}: choose one."),
                candidates,
            ))
        }
    }
}
