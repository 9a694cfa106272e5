//! Cancelling an invoice: idempotent (a second cancel answers the same), refused while returns
//! against it stand, audited. What submission did is undone by the status: balances and reports
//! count only submitted invoices; loyalty points are reversed by entries. Later issues reverse
//! their own effects here (coupons).

use diesel::PgConnection;
use uuid::Uuid;

use super::model::{self, InvoiceJson};
use crate::api::terminal::Terminal;
use crate::audit::model as audit;
use crate::web::AppError;

/// Cancels invoice `uuid` for `till` (any store of the invoice's company).
pub fn cancel(
    conn: &mut PgConnection,
    till: &Terminal,
    uuid: Uuid,
) -> Result<InvoiceJson, AppError> {
    let row = model::lock_by_uuid(conn, uuid)?;
    if row.facts.company_id != till.company_id {
        return Err(AppError::NotFound);
    }
    if row.status == "cancelled" {
        return Ok(model::invoice_json(conn, row.id)?);
    }
    let returns = model::live_returns(conn, row.id)?;
    if let Some((_, number)) = returns.first() {
        return Err(AppError::field(
            "id",
            format!("Return {number} stands against this invoice: cancel the return first."),
        ));
    }
    let actor = till.actor();
    let (_, label) = actor.parts();
    let before = model::invoice_json(conn, row.id)?;
    crate::loyalty::invoice::reverse(conn, row.id, chrono::Utc::now().date_naive(), &label)?;
    model::cancel(conn, row.id, &label)?;
    let after = model::invoice_json(conn, row.id)?;
    audit::record_change(conn, &actor, "invoice", row.id, "cancel", &before, &after)?;
    Ok(after)
}
