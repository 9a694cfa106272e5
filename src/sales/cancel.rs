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

/// Cancels invoice `uuid` for `till` (any store of the invoice's company).
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
