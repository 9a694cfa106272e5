//! Bonus points another area gives with a sale (a Loyalty Point offer, a referral): a credit
//! entry in the customer's program of the sale's company, expiring like earned points. Loyalty's
//! own cancel step reverses it with the invoice's other entries. A return whose kept goods no
//! longer earn a bonus takes it back (`plan_cut`).

use chrono::NaiveDate;
use diesel::prelude::*;
use patron_rules::loyalty as rules;

pub use super::invoice::{BonusCut, plan_bonus_cut as plan_cut};
use super::model::ledger::{self, NewEntry};
use super::model::programs;

/// Bonus points given with an invoice.
#[derive(Debug, Clone)]
pub struct Bonus<'a> {
    /// Who gets them.
    pub customer_id: i64,
    /// In their program of this company.
    pub company_id: i64,
    /// The invoice they come with.
    pub invoice_id: i64,
    /// Its posting day.
    pub day: NaiveDate,
    /// How many.
    pub points: i64,
    /// Why, as the ledger shows it ("Offer: Double points").
    pub reason: &'a str,
}

/// Credits `bonus` to the customer in their program of the company; nothing when they are in no
/// program running that day. Returns whether points were credited.
pub fn award(conn: &mut PgConnection, bonus: &Bonus, by: &str) -> QueryResult<bool> {
    let Bonus {
        customer_id,
        company_id,
        invoice_id,
        day,
        points,
        reason,
    } = *bonus;
    if points <= 0 {
        return Ok(false);
    }
    let Some(member) = ledger::membership(conn, customer_id, company_id)? else {
        return Ok(false);
    };
    let program = programs::find(conn, member.program_id)?;
    if !program.runs_on(day) {
        return Ok(false);
    }
    ledger::insert(
        conn,
        &[NewEntry {
            invoice_id: Some(invoice_id),
            expiry_date: rules::expiry_date(day, program.fields.expiry_days),
            reason: reason.to_owned(),
            ..NewEntry::new(&member, "bonus", points, day, by)
        }],
    )?;
    Ok(true)
}
