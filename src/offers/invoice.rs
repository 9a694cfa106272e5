//! Offers' step of the invoice pipeline. Every offer a sale claims — a paid line's `offer`, each
//! free line (`is_offer`), the `grand_total_offer` — must be justified by the engine, run on the
//! sale's lines at `posted_at` with the offer versions then in force; a claim the offer does not
//! give, or gives less of, is refused naming the line, the offer and the reason. A sale that
//! claims less than it could (a till with stale offers) is taken as sent. Loyalty Point offers the
//! sale meets give their bonus points. What each offer gave is recorded on the invoice and counted
//! against its campaign's budget; a cancel takes the count back (loyalty reverses the points). A
//! return takes back what the offers gave on the goods it returns (`super::returns`).

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use patron_rules::offers::Offer;
use rust_decimal::Decimal;

use super::claims::{self, Claim, Claims};
use super::in_force;
use super::uses::Use;
use crate::db::schema::{currencies, invoice_offers, invoices, offer_versions};
use crate::kernel::Till;
use crate::loyalty::bonus::Bonus;
use crate::sales::model::InvoiceRow;
use crate::sales::submit::{InvoiceExtras, InvoiceStep, Phase, Posting, Promotion, Sale};
use crate::web::{AppError, FieldErrors};

/// Offers' step: in the Pricing phase, before the totals.
pub struct OffersStep;

impl InvoiceStep for OffersStep {
    fn phase(&self) -> Phase {
        Phase::Pricing
    }

    fn plan(
        &self,
        conn: &mut PgConnection,
        sale: &mut Sale,
        errors: &mut FieldErrors,
    ) -> Result<Option<Box<dyn Posting>>, AppError> {
        let loaded = in_force::of_sale(conn, sale)?;
        let offers = loaded.at(sale.body.posted_at);
        let Some(claims) = Claims::read(sale, &offers, errors) else {
            return Ok(None);
        };
        let checked = claims::check(conn, sale, &claims, errors)?;
        if !errors.is_empty() {
            return Ok(None);
        }
        let uses = Uses::of(sale, &claims, &checked.bonus);
        sale.offers_used = !uses.by_offer.is_empty();
        Ok(Some(Box::new(uses)))
    }

    fn on_return(
        &self,
        conn: &mut PgConnection,
        sale: &mut Sale,
        _errors: &mut FieldErrors,
    ) -> Result<Option<Box<dyn Posting>>, AppError> {
        let planned = super::returns::plan(conn, sale)?;
        sale.offers_used |= planned.is_some();
        Ok(planned)
    }

    fn describe(
        &self,
        conn: &mut PgConnection,
        invoice: patron_rules::InvoiceId,
        extras: &mut InvoiceExtras,
    ) -> QueryResult<()> {
        extras.promotions = used_on(conn, invoice.get())?;
        Ok(())
    }

    fn reverse(
        &self,
        conn: &mut PgConnection,
        invoice: &InvoiceRow,
        _today: NaiveDate,
        _till: &Till,
    ) -> Result<(), AppError> {
        let given: Vec<(i64, Decimal)> = invoice_offers::table
            .filter(invoice_offers::invoice_id.eq(invoice.id))
            .filter(invoice_offers::campaign_id.is_not_null())
            .select((
                invoice_offers::campaign_id.assume_not_null(),
                invoice_offers::discount,
            ))
            .load(conn)?;
        for (campaign, discount) in given {
            super::model::campaigns::add_given(conn, campaign, -discount)?;
        }
        Ok(())
    }
}

/// What the sale's offers gave, written once the invoice exists.
struct Uses {
    customer_id: i64,
    company_id: i64,
    posted_on: NaiveDate,
    by_offer: Vec<(i64, Use)>,
}

impl Uses {
    fn of(sale: &Sale, claims: &Claims, bonus: &[(i64, &Offer)]) -> Uses {
        let mut by_offer: HashMap<i64, Use> = HashMap::new();
        for claim in &claims.lines {
            let line = &sale.lines[claim.line].figures;
            let used = entry(&mut by_offer, claim.offer);
            used.discount += line.discount_amount;
            if claim.free {
                used.free_qty += line.qty;
            }
        }
        if let Some(Claim { offer, amount }) = &claims.grand_total {
            entry(&mut by_offer, offer).discount += *amount;
        }
        for (points, offer) in bonus {
            entry(&mut by_offer, offer).bonus_points += points;
        }
        let mut by_offer: Vec<(i64, Use)> = by_offer.into_iter().collect();
        by_offer.sort_by_key(|(id, _)| *id);
        Uses {
            customer_id: sale.customer.id.get(),
            company_id: sale.store.company_id.get(),
            posted_on: sale.posted_on(),
            by_offer,
        }
    }
}

/// What `offer` gave so far on the invoice.
fn entry<'a>(by_offer: &'a mut HashMap<i64, Use>, offer: &Offer) -> &'a mut Use {
    by_offer.entry(offer.id).or_insert_with(|| Use {
        version: i32::try_from(offer.version).unwrap_or(i32::MAX),
        title: offer.title.clone(),
        campaign: offer.campaign.as_ref().map(|(id, _)| *id),
        ..Use::default()
    })
}

impl Posting for Uses {
    fn post(
        self: Box<Self>,
        conn: &mut PgConnection,
        invoice: patron_rules::InvoiceId,
        till: &Till,
    ) -> Result<(), AppError> {
        let mut given = Vec::new();
        for (id, mut used) in self.by_offer {
            // Points count as given only when the customer's program took them: a customer in no
            // program gets none, and the invoice must not say otherwise.
            let credited = crate::loyalty::bonus::award(
                conn,
                &Bonus {
                    customer_id: self.customer_id,
                    company_id: self.company_id,
                    invoice_id: invoice.get(),
                    day: self.posted_on,
                    points: used.bonus_points,
                    reason: &format!("Offer: {}", used.title),
                },
                &till.label(),
            )?;
            if !credited {
                used.bonus_points = 0;
            }
            if used.discount.is_zero() && used.free_qty.is_zero() && used.bonus_points == 0 {
                continue;
            }
            given.push((id, used));
        }
        Ok(super::uses::record(conn, invoice.get(), &given)?)
    }
}

/// An invoice_offers row with its version's title and the invoice's currency.
type UsedRow = (
    i64,
    i32,
    String,
    Decimal,
    Decimal,
    i64,
    (String, i16, String),
);

/// The offer versions invoice `invoice` used, with what each gave, for its page.
fn used_on(conn: &mut PgConnection, invoice: i64) -> QueryResult<Vec<Promotion>> {
    let rows: Vec<UsedRow> = invoice_offers::table
        .inner_join(
            offer_versions::table.on(offer_versions::offer_id
                .eq(invoice_offers::offer_id)
                .and(offer_versions::version.eq(invoice_offers::offer_version))),
        )
        .inner_join(
            invoices::table
                .inner_join(currencies::table.on(currencies::code.eq(invoices::currency_code))),
        )
        .filter(invoice_offers::invoice_id.eq(invoice))
        .order(invoice_offers::offer_id.asc())
        .select((
            invoice_offers::offer_id,
            invoice_offers::offer_version,
            offer_versions::title,
            invoice_offers::discount,
            invoice_offers::free_qty,
            invoice_offers::bonus_points,
            (currencies::code, currencies::minor_unit, currencies::symbol),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, version, title, discount, free, points, currency)| {
            let currency = crate::stores::model::to_currency(currency);
            // A return's uses are negative: what it took back.
            let mut gave = Vec::new();
            if free.is_sign_negative() && !free.is_zero() {
                gave.push(format!("{} free returned", (-free).normalize()));
            } else if !free.is_zero() {
                gave.push(format!("{} free", free.normalize()));
            } else if discount.is_sign_negative() && !discount.is_zero() {
                gave.push(format!("{} given back", currency.format(-discount)));
            } else if !discount.is_zero() {
                gave.push(format!("{} off", currency.format(discount)));
            }
            if points < 0 {
                gave.push(format!("{} bonus points taken back", -points));
            } else if points != 0 {
                gave.push(format!("{points} bonus points"));
            }
            Promotion {
                name: format!("{title} (version {version})"),
                href: format!("/offers/{id}/versions/{version}"),
                gave: gave.join(", "),
            }
        })
        .collect())
}
