//! The contract an area signs to take part in an invoice's life. The pipeline calls each step's
//! `plan` (or `on_return`) in its phase, with the sale resolved so far; what a plan returns is
//! posted once the invoice has its id, in the same transaction; a cancel calls `reverse` once.
//! Sales knows no area above it: the app hands it the list (`InvoiceSteps`).

use chrono::NaiveDate;
use diesel::{PgConnection, QueryResult};
use patron_rules::InvoiceId;

use super::sale::Sale;
use crate::kernel::Till;
use crate::sales::model::InvoiceRow;
use crate::sales::views::{self, InvoiceExtras, InvoiceJson};
use crate::web::{AppError, FieldErrors};

/// When a step plans, in pipeline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Before the totals: may change the lines' discounts (offers, coupons).
    Pricing,
    /// After the totals, before settlement: what pays for the sale (gift cards).
    Payment,
    /// After settlement: what the sale earns or redeems (loyalty, referrals).
    Rewards,
    /// Last: what adds to rows that every till shares (the report rollups). Posted after the
    /// invoice and its answer are written, just before the commit, so that the row locks it takes
    /// are held for the shortest time.
    Closing,
}

/// One area's step.
pub trait InvoiceStep: Send + Sync {
    /// Its phase.
    fn phase(&self) -> Phase;

    /// Checks a sale and works out what it will write; refusals go into `errors` (or, for one
    /// that stops everything, the `Err`). Nothing is written here.
    fn plan(
        &self,
        conn: &mut PgConnection,
        sale: &mut Sale,
        errors: &mut FieldErrors,
    ) -> Result<Option<Box<dyn Posting>>, AppError>;

    /// The same for a return (`sale.original` is the invoice returned against); by default a
    /// return does nothing to the area.
    fn on_return(
        &self,
        _conn: &mut PgConnection,
        _sale: &mut Sale,
        _errors: &mut FieldErrors,
    ) -> Result<Option<Box<dyn Posting>>, AppError> {
        Ok(None)
    }

    /// Fills in what the area adds to the view of invoice `invoice`; by default nothing.
    fn describe(
        &self,
        _conn: &mut PgConnection,
        _invoice: InvoiceId,
        _extras: &mut InvoiceExtras,
    ) -> QueryResult<()> {
        Ok(())
    }

    /// Undoes what `invoice` did to the area, once (a second cancel never reaches here).
    fn reverse(
        &self,
        conn: &mut PgConnection,
        invoice: &InvoiceRow,
        today: NaiveDate,
        till: &Till,
    ) -> Result<(), AppError>;
}

/// What a plan decided, written once the invoice exists.
pub trait Posting: Send {
    /// Writes it for invoice `invoice`.
    fn post(
        self: Box<Self>,
        conn: &mut PgConnection,
        invoice: InvoiceId,
        till: &Till,
    ) -> Result<(), AppError>;

    /// What writing it adds to the till's answer, as `InvoiceStep::describe` would read it back
    /// (the answer is built before the write, not read after it); by default nothing.
    fn add_to_answer(&self, _extras: &mut InvoiceExtras) {}
}

/// The steps in the order the app wired them; each runs in its phase.
pub struct InvoiceSteps(Vec<&'static dyn InvoiceStep>);

impl InvoiceSteps {
    /// The steps, in order.
    pub fn new(steps: Vec<&'static dyn InvoiceStep>) -> InvoiceSteps {
        InvoiceSteps(steps)
    }

    /// Runs the plans of `phase`: every step sees the sale, and all refusals come back together.
    pub fn plan(
        &self,
        conn: &mut PgConnection,
        phase: Phase,
        sale: &mut Sale,
    ) -> Result<Vec<Box<dyn Posting>>, AppError> {
        let mut errors = FieldErrors::new();
        let mut postings = Vec::new();
        for step in self.0.iter().filter(|s| s.phase() == phase) {
            let planned = if sale.original.is_some() {
                step.on_return(conn, sale, &mut errors)?
            } else {
                step.plan(conn, sale, &mut errors)?
            };
            postings.extend(planned);
        }
        errors.into_result(postings).map_err(AppError::Validation)
    }

    /// What every area adds to the view of invoice `invoice`.
    pub fn extras(
        &self,
        conn: &mut PgConnection,
        invoice: InvoiceId,
    ) -> QueryResult<InvoiceExtras> {
        let mut extras = InvoiceExtras::default();
        for step in &self.0 {
            step.describe(conn, invoice, &mut extras)?;
        }
        Ok(extras)
    }

    /// The invoice as the till API answers it, with what every area adds.
    pub fn answer(&self, conn: &mut PgConnection, invoice: InvoiceId) -> QueryResult<InvoiceJson> {
        let extras = self.extras(conn, invoice)?;
        views::invoice_json(conn, invoice.get(), &extras)
    }

    /// Runs every step's `reverse` for a cancel.
    pub fn reverse(
        &self,
        conn: &mut PgConnection,
        invoice: &InvoiceRow,
        today: NaiveDate,
        till: &Till,
    ) -> Result<(), AppError> {
        for step in &self.0 {
            step.reverse(conn, invoice, today, till)?;
        }
        Ok(())
    }
}
