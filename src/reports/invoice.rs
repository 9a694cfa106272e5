//! Reports' step of the invoice pipeline, last of the Rewards phase: once the invoice is written,
//! its figures go into the daily rollups in the same transaction (a return's too, negative); a
//! cancel takes them off again. A bench-only setting can switch it off (`RollupsStep::OFF`) to
//! measure what it costs a sale.

use chrono::NaiveDate;
use diesel::PgConnection;
use patron_rules::InvoiceId;

use super::rollups;
use crate::kernel::Till;
use crate::sales::model::InvoiceRow;
use crate::sales::submit::{InvoiceStep, Phase, Posting, Sale};
use crate::web::{AppError, FieldErrors};

/// Reports' step; `keeps` false only in benches.
pub struct RollupsStep {
    keeps: bool,
}

impl RollupsStep {
    /// The step as the product runs it.
    pub const ON: RollupsStep = RollupsStep { keeps: true };
    /// No rollups kept: for `bench/invoices.sh` to measure the step's cost, never in production.
    pub const OFF: RollupsStep = RollupsStep { keeps: false };
}

struct AddToRollups;

impl Posting for AddToRollups {
    fn post(
        self: Box<Self>,
        conn: &mut PgConnection,
        invoice: InvoiceId,
        _till: &Till,
    ) -> Result<(), AppError> {
        Ok(rollups::add_invoice(conn, invoice.get(), 1)?)
    }
}

impl InvoiceStep for RollupsStep {
    fn phase(&self) -> Phase {
        Phase::Rewards
    }

    fn plan(
        &self,
        _conn: &mut PgConnection,
        _sale: &mut Sale,
        _errors: &mut FieldErrors,
    ) -> Result<Option<Box<dyn Posting>>, AppError> {
        Ok(self
            .keeps
            .then(|| Box::new(AddToRollups) as Box<dyn Posting>))
    }

    fn on_return(
        &self,
        conn: &mut PgConnection,
        sale: &mut Sale,
        errors: &mut FieldErrors,
    ) -> Result<Option<Box<dyn Posting>>, AppError> {
        self.plan(conn, sale, errors)
    }

    fn reverse(
        &self,
        conn: &mut PgConnection,
        invoice: &InvoiceRow,
        _today: NaiveDate,
        _till: &Till,
    ) -> Result<(), AppError> {
        if self.keeps {
            rollups::add_invoice(conn, invoice.id, -1)?;
        }
        Ok(())
    }
}
