//! Coupons' step of the invoice pipeline, in the Pricing phase before offers: the sale's
//! `coupon_codes` go through the validation chain again at `posted_at`, inside the invoice's
//! transaction, and each valid coupon makes its offer eligible for the engine. Once the invoice
//! exists each use is counted with one conditional UPDATE; a coupon used up meanwhile refuses the
//! whole sale, naming the code. A cancel gives the uses back, once; a return uses no coupon.

use std::collections::HashSet;

use chrono::NaiveDate;
use diesel::PgConnection;
use patron_rules::coupons::Refusal;
use patron_rules::coupons::codes;

use super::model::{self, Counted};
use super::validate::{self, Place};
use crate::kernel::Till;
use crate::offers::in_force;
use crate::sales::model::InvoiceRow;
use crate::sales::submit::{InvoiceStep, Phase, Posting, Sale};
use crate::web::{AppError, FieldErrors};

/// Coupons' step.
pub struct CouponsStep;

impl InvoiceStep for CouponsStep {
    fn phase(&self) -> Phase {
        Phase::Pricing
    }

    fn plan(
        &self,
        conn: &mut PgConnection,
        sale: &mut Sale,
        errors: &mut FieldErrors,
    ) -> Result<Option<Box<dyn Posting>>, AppError> {
        if sale.body.coupon_codes.is_empty() {
            return Ok(None);
        }
        let offers = in_force::of_sale(conn, sale)?;
        let offers = offers.at(sale.body.posted_at);
        let place = Place {
            company_id: sale.store.company_id.get(),
            profile_id: sale.store.profile_id,
            warehouse: &sale.store.warehouse,
        };
        let customer = sale.customer.id.get();
        let mut seen = HashSet::new();
        let mut uses = Vec::new();
        for (index, code) in sale.body.coupon_codes.iter().enumerate() {
            let field = format!("coupon_codes[{index}]");
            if !seen.insert(codes::normalize(code)) {
                errors.add(
                    &field,
                    "This coupon is listed twice: a sale uses a coupon once.",
                );
                continue;
            }
            match validate::validate(conn, &offers, &place, code, customer, sale.posted_on())? {
                Ok(valid) => {
                    sale.coupon_offers.push(valid.offer.id);
                    uses.push(Use {
                        field,
                        coupon_id: valid.coupon_id,
                        code: valid.code,
                    });
                }
                Err(refused) => errors.add(&field, refused.message()),
            }
        }
        Ok(Some(Box::new(Uses { customer, uses })))
    }

    fn on_return(
        &self,
        _conn: &mut PgConnection,
        sale: &mut Sale,
        errors: &mut FieldErrors,
    ) -> Result<Option<Box<dyn Posting>>, AppError> {
        if !sale.body.coupon_codes.is_empty() {
            errors.add(
                "coupon_codes",
                "A return uses no coupon: leave coupon_codes empty (the sale's coupons stay used).",
            );
        }
        Ok(None)
    }

    fn reverse(
        &self,
        conn: &mut PgConnection,
        invoice: &InvoiceRow,
        _today: NaiveDate,
        _till: &Till,
    ) -> Result<(), AppError> {
        model::release(conn, invoice.id)?;
        Ok(())
    }
}

/// One coupon the sale uses.
struct Use {
    field: String,
    coupon_id: i64,
    code: String,
}

/// The sale's coupon uses, counted once the invoice exists.
struct Uses {
    customer: i64,
    uses: Vec<Use>,
}

impl Posting for Uses {
    fn post(
        self: Box<Self>,
        conn: &mut PgConnection,
        invoice: patron_rules::InvoiceId,
        _till: &Till,
    ) -> Result<(), AppError> {
        for used in self.uses {
            let refusal =
                match model::count_use(conn, used.coupon_id, invoice.get(), self.customer)? {
                    Counted::Done => continue,
                    Counted::UsedUp => {
                        let maximum = model::maximum_use(conn, used.coupon_id)?;
                        Refusal::UsedUp(maximum)
                    }
                    Counted::AlreadyUsed => Refusal::AlreadyUsed,
                };
            return Err(AppError::field(&used.field, refusal.message(&used.code)));
        }
        Ok(())
    }
}
