//! Referrals' step of the invoice pipeline, in the Rewards phase: a referred customer's first
//! submitted sale (not a return) makes the referrer's coupon when the code rewards After first
//! purchase. Cancelling that sale withdraws the coupon if it is still unused, and the next sale
//! of the customer earns it again; a used coupon stays.

use chrono::NaiveDate;
use diesel::prelude::*;
use patron_rules::InvoiceId;
use patron_rules::referrals::RewardReferrer;

use super::register::referrer_coupon_name;
use super::rewards::{self, Reward};
use crate::db::schema::{customers, referral_codes, referral_registrations as registrations};
use crate::kernel::Till;
use crate::sales::model::InvoiceRow;
use crate::sales::submit::{InvoiceStep, Phase, Posting, Sale};
use crate::web::{AppError, FieldErrors};

/// Referrals' step.
pub struct ReferralsStep;

impl InvoiceStep for ReferralsStep {
    fn phase(&self) -> Phase {
        Phase::Rewards
    }

    fn plan(
        &self,
        conn: &mut PgConnection,
        sale: &mut Sale,
        _errors: &mut FieldErrors,
    ) -> Result<Option<Box<dyn Posting>>, AppError> {
        let pending: Option<i64> = registrations::table
            .inner_join(referral_codes::table)
            .filter(registrations::customer_id.eq(sale.customer.id.get()))
            .filter(registrations::referrer_coupon_id.is_null())
            .filter(referral_codes::reward_referrer.eq(RewardReferrer::FirstPurchase.as_stored()))
            .filter(referral_codes::primary_offer_id.is_not_null())
            .select(registrations::id)
            .first(conn)
            .optional()?;
        Ok(
            pending
                .map(|registration| Box::new(FirstPurchase { registration }) as Box<dyn Posting>),
        )
    }

    fn reverse(
        &self,
        conn: &mut PgConnection,
        invoice: &InvoiceRow,
        _today: NaiveDate,
        till: &Till,
    ) -> Result<(), AppError> {
        let rewarded: Option<(i64, Option<i64>)> = registrations::table
            .filter(registrations::reward_invoice_id.eq(invoice.id))
            .select((registrations::id, registrations::referrer_coupon_id))
            .for_update()
            .first(conn)
            .optional()?;
        let Some((registration, Some(coupon))) = rewarded else {
            return Ok(());
        };
        if rewards::withdraw_unused(conn, &till.actor(), coupon)? {
            diesel::update(registrations::table.find(registration))
                .set((
                    registrations::referrer_coupon_id.eq(None::<i64>),
                    registrations::reward_invoice_id.eq(None::<i64>),
                ))
                .execute(conn)?;
        }
        Ok(())
    }
}

/// company, referrer, primary offer, campaign, code, referred customer.
type PendingReward = (i64, i64, Option<i64>, Option<i64>, String, i64);

/// A first purchase that rewards the referrer, posted once the invoice exists.
struct FirstPurchase {
    registration: i64,
}

impl Posting for FirstPurchase {
    fn post(
        self: Box<Self>,
        conn: &mut PgConnection,
        invoice: InvoiceId,
        till: &Till,
    ) -> Result<(), AppError> {
        // Locked and read again: two first sales arriving together reward the referrer once.
        let row: Option<PendingReward> = registrations::table
            .inner_join(referral_codes::table)
            .filter(registrations::id.eq(self.registration))
            .filter(registrations::referrer_coupon_id.is_null())
            .select((
                referral_codes::company_id,
                registrations::referrer_id,
                referral_codes::primary_offer_id,
                referral_codes::campaign_id,
                referral_codes::code,
                registrations::customer_id,
            ))
            .for_update()
            .first(conn)
            .optional()?;
        let Some((company_id, referrer, Some(offer_id), campaign_id, code, customer)) = row else {
            return Ok(());
        };
        let (first, last): (String, String) = customers::table
            .find(customer)
            .select((customers::first_name, customers::last_name))
            .first(conn)?;
        let name = referrer_coupon_name(&code, &first, &last);
        let coupon = rewards::issue(
            conn,
            &till.actor(),
            &Reward {
                company_id,
                offer_id,
                campaign_id,
                customer_id: referrer,
                name: &name,
            },
        )?;
        diesel::update(registrations::table.find(self.registration))
            .set((
                registrations::referrer_coupon_id.eq(coupon),
                registrations::reward_invoice_id.eq(invoice.get()),
            ))
            .execute(conn)?;
        Ok(())
    }
}
