//! What an invoice has left to return: its live returns and, per item, sold and returned.

use diesel::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

use patron_rules::sales::InvoiceStatus;

use crate::db::schema::{invoice_lines, invoices};

/// Uuids and numbers of the live (not cancelled) returns against invoice `id`.
pub fn live_returns(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<(Uuid, String)>> {
    invoices::table
        .filter(invoices::return_against_id.eq(id))
        .filter(invoices::status.eq(InvoiceStatus::Submitted.as_str()))
        .select((invoices::uuid, invoices::number))
        .load(conn)
}

/// Per item: sold on invoice `id`, and already returned by its live returns (negative).
pub fn returnable(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<(i64, Decimal, Decimal)>> {
    let sold: Vec<(i64, Decimal)> = invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(id))
        .select((invoice_lines::item_id, invoice_lines::qty))
        .load(conn)?;
    let returned: Vec<(i64, Decimal)> = invoice_lines::table
        .inner_join(invoices::table)
        .filter(invoices::return_against_id.eq(id))
        .filter(invoices::status.eq(InvoiceStatus::Submitted.as_str()))
        .select((invoice_lines::item_id, invoice_lines::qty))
        .load(conn)?;
    let mut out: Vec<(i64, Decimal, Decimal)> = Vec::new();
    for (item, qty) in sold {
        match out.iter_mut().find(|(i, ..)| *i == item) {
            Some(entry) => entry.1 += qty,
            None => out.push((item, qty, Decimal::ZERO)),
        }
    }
    for (item, qty) in returned {
        if let Some(entry) = out.iter_mut().find(|(i, ..)| *i == item) {
            entry.2 += qty;
        }
    }
    Ok(out)
}
