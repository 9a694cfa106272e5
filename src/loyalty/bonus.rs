//! Bonus points another area gives with a sale (a Loyalty Point offer, a referral): a credit
//! entry in the customer's program of the sale's company, expiring like earned points. Loyalty's
//! own cancel step reverses it with the invoice's other entries.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::ledger::{self, NewEntry};
use super::{programs, rules};

/// Credits `points` to customer `customer_id` in their program of `company_id` for invoice
/// `invoice_id`, posted on `day`; nothing when they are in no program running that day.
/// Returns whether points were credited.
pub fn award(
    conn: &mut PgConnection,
    customer_id: i64,
    company_id: i64,
    invoice_id: i64,
    day: NaiveDate,
    points: i64,
    reason: &str,
    by: &str,
) -> QueryResult<bool> {
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
