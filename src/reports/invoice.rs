//! Reports' step of the invoice pipeline, in the Closing phase: once the invoice and its answer
//! are written, its figures go into the rollups in the same transaction, just before the commit
//! (a return's too, negative); a cancel takes them off again. A bench-only setting can switch
//! it off (`RollupsStep::OFF`) to measure what it costs a sale.

use chrono::NaiveDate;
use diesel::PgConnection;
use patron_rules::InvoiceId;

use patron_rules::reports::{Amounts, Figures};

use super::rollups::{self, Key};
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

/// What the sale adds, worked out from the sale as the pipeline resolved it (the invoice is
/// written from the same values); its offers and coupons are read from what their steps
/// recorded (an offer may apply with no line naming it: bonus points).
struct AddToRollups {
    key: Key,
    figures: Figures,
    /// The sale used an offer or a coupon (or is a return): read what their steps recorded.
    promotions: bool,
}

impl Posting for AddToRollups {
    fn post(
        self: Box<Self>,
        conn: &mut PgConnection,
        invoice: InvoiceId,
        _till: &Till,
    ) -> Result<(), AppError> {
        Ok(rollups::add(
            conn,
            invoice.get(),
            &self.key,
            self.figures,
            self.promotions,
        )?)
    }
}

impl InvoiceStep for RollupsStep {
    fn phase(&self) -> Phase {
        Phase::Closing
    }

    fn plan(
        &self,
        _conn: &mut PgConnection,
        sale: &mut Sale,
        _errors: &mut FieldErrors,
    ) -> Result<Option<Box<dyn Posting>>, AppError> {
        if !self.keeps {
            return Ok(None);
        }
        let key = Key {
            company_id: sale.store.company_id.get(),
            day: sale.posted_on(),
            customer_id: sale.customer.id.get(),
            store_id: sale.store.store_id.get(),
            sales_person_id: sale.sales_person_id,
            delivery_label: sale.delivery.as_ref().map(|d| d.label.clone()),
            store_default_customer: sale.store.settings.default_customer_id
                == Some(sale.customer.id.get()),
        };
        let amounts = Amounts {
            is_return: sale.original.is_some(),
            grand_total: sale.totals.grand_total,
            delivery_amount: sale.totals.delivery_amount,
            discount_amount: sale.totals.discount_amount,
            grand_total_discount: sale.totals.grand_total_discount,
        };
        Ok(Some(Box::new(AddToRollups {
            key,
            figures: Figures::of(amounts, 1),
            promotions: sale.offers_used
                || !sale.coupon_offers.is_empty()
                || sale.original.is_some(),
        })))
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
        till: &Till,
    ) -> Result<(), AppError> {
        if !self.keeps {
            return Ok(());
        }
        let facts = &invoice.facts;
        let key = Key {
            company_id: facts.company_id,
            day: till.clock.date(facts.posted_at),
            customer_id: facts.customer_id,
            store_id: facts.store_id,
            sales_person_id: facts.sales_person_id,
            delivery_label: facts.delivery_label.clone(),
            store_default_customer: false,
        };
        let amounts = Amounts {
            is_return: facts.return_against_id.is_some(),
            grand_total: facts.grand_total,
            delivery_amount: facts.delivery_amount,
            discount_amount: facts.discount_amount,
            grand_total_discount: facts.grand_total_discount,
        };
        Ok(rollups::add(
            conn,
            invoice.id,
            &key,
            Figures::of(amounts, -1),
            true,
        )?)
    }
}
