//! Cancelling an invoice: idempotent (a second cancel answers the same), refused while returns
//! against it stand, audited. What submission did is undone by the status (balances and reports
//! count only submitted invoices) and by each area's `reverse` step, run once.

use diesel::PgConnection;
use patron_rules::InvoiceId;
use patron_rules::sales::InvoiceStatus;
use uuid::Uuid;

use super::model;
use super::submit::InvoiceSteps;
use super::views::InvoiceJson;
use crate::kernel::Till;
use crate::web::AppError;

/// Cancels invoice `uuid` for `till`: an invoice of the till's own store (a till reads its
/// company's invoices, to take returns of a sale made at another store, but cancels only its
/// store's: a sale is undone where it was made).
pub fn cancel(
    conn: &mut PgConnection,
    steps: &InvoiceSteps,
    till: &Till,
    uuid: Uuid,
) -> Result<InvoiceJson, AppError> {
    let row = model::lock_by_uuid(conn, uuid)?;
    if row.facts.company_id != till.company_id.get() {
        return Err(AppError::NotFound);
    }
    if row.facts.store_id != till.store_id.get() {
        return Err(AppError::Refused(
            "This invoice was made at another store: only that store's tills cancel it.".into(),
        ));
    }
    if row.state() == InvoiceStatus::Cancelled {
        return Ok(steps.answer(conn, InvoiceId(row.id))?);
    }
    let returns = model::returns::live_returns(conn, row.id)?;
    if let Some((_, number)) = returns.first() {
        return Err(AppError::field(
            "id",
            format!("Return {number} stands against this invoice: cancel the return first."),
        ));
    }
    let before = steps.answer(conn, InvoiceId(row.id))?;
    steps.reverse(conn, &row, till.clock.today(), till)?;
    Ok(model::cancel(conn, row.id, till, &before, |conn| {
        steps.answer(conn, InvoiceId(row.id))
    })?)
}
