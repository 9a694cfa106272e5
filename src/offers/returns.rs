//! Offers' step for a return: what it takes back of what the original's offers gave (the rules
//! are `patron_rules::offers::returns`). The discount and free units it gives back come off the
//! campaigns' budgets and are recorded on the return as negative uses, so that the offers list,
//! the budget bar and the reports count what offers gave net of returns; the bonus points the
//! kept goods no longer meet come off the customer's bonus credit. A cancel of the return gives
//! all of it back (`OffersStep::reverse` and loyalty's reversal).

use std::collections::HashMap;

use diesel::prelude::*;
use patron_rules::offers::returns::{self as rules, Given, ReturnedLine, SoldLine};
use patron_rules::offers::{Cart, CartLine, Offer, Replace};
use rust_decimal::Decimal;

use super::in_force;
use super::shopper;
use super::uses::Use;
use crate::db::schema::{invoice_lines, invoice_offers, invoices, offer_versions, pos_profiles};
use crate::kernel::Till;
use crate::loyalty::bonus::{self, BonusCut};
use crate::sales::model::InvoiceRow;
use crate::sales::model::items::items_by_code;
use crate::sales::submit::{Posting, Sale};
use crate::web::AppError;

/// One offer the original used: what it gave, less what earlier returns took back.
#[derive(Debug, Clone)]
struct Left {
    offer_id: i64,
    version: i32,
    title: String,
    campaign: Option<i64>,
    discount: Decimal,
    free_qty: Decimal,
    bonus_points: i64,
}

/// A line of the original, as stored.
#[derive(Debug, Clone, Queryable)]
struct StoredLine {
    item_code: String,
    qty: Decimal,
    price_list_rate: Decimal,
    is_offer: bool,
    offer: Option<String>,
}

/// What one offer gives back on this return.
#[derive(Debug, Clone, Default)]
struct Back {
    discount: Decimal,
    free_qty: Decimal,
    bonus_points: i64,
}

/// What the return takes back, written once it has its id.
struct TakeBack {
    by_offer: Vec<(Left, Back)>,
    cuts: Vec<BonusCut>,
}

/// Works out what the return `sale` takes back of its original's offers; none when they gave
/// nothing or nothing comes back. Refused when bonus points to take back were spent meanwhile.
pub fn plan(conn: &mut PgConnection, sale: &Sale) -> Result<Option<Box<dyn Posting>>, AppError> {
    let Some(original) = &sale.original else {
        return Ok(None);
    };
    let left = left_of(conn, original.id)?;
    if left.is_empty() {
        return Ok(None);
    }
    let stored: Vec<StoredLine> = invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(original.id))
        .order(invoice_lines::line_no.asc())
        .select((
            invoice_lines::item_code,
            invoice_lines::qty,
            invoice_lines::price_list_rate,
            invoice_lines::is_offer,
            invoice_lines::offer,
        ))
        .load(conn)?;
    let by_title: HashMap<String, i64> = left
        .iter()
        .map(|l| (l.title.trim().to_lowercase(), l.offer_id))
        .collect();
    let offer_named = |title: &Option<String>| {
        title
            .as_ref()
            .and_then(|t| by_title.get(&t.trim().to_lowercase()).copied())
    };
    let sold: Vec<SoldLine> = stored
        .iter()
        .map(|l| SoldLine {
            item_code: l.item_code.clone(),
            free: l.is_offer,
            offer: offer_named(&l.offer),
        })
        .collect();
    let returned: Vec<ReturnedLine> = sale
        .lines
        .iter()
        .map(|l| {
            let f = &l.figures;
            ReturnedLine {
                item_code: l.item.code.clone(),
                qty: -f.qty,
                discount: -f.discount_amount,
                free: !f.discount_amount.is_zero()
                    && f.qty * f.price_list_rate == f.discount_amount,
                offer: offer_named(&l.offer),
            }
        })
        .collect();
    let given: Vec<Given> = left
        .iter()
        .map(|l| Given {
            offer: l.offer_id,
            discount: l.discount,
            free_qty: l.free_qty,
        })
        .collect();
    let grand_total_offer = offer_named(&original.facts.grand_total_offer);
    let mut backs: HashMap<i64, Back> = HashMap::new();
    for g in rules::taken_back(&sold, grand_total_offer, &given, &returned) {
        let back = backs.entry(g.offer).or_default();
        back.discount = g.discount;
        back.free_qty = g.free_qty;
    }
    let mut cuts = Vec::new();
    for (offer, points) in bonus_back(conn, sale, original, &left, &stored)? {
        let Some(used) = left.iter().find(|l| l.offer_id == offer) else {
            continue;
        };
        let reason = format!("Offer: {}", used.title);
        let day = sale.posted_on();
        if let Some(cut) = bonus::plan_cut(conn, original.id, &reason, points, day)? {
            backs.entry(offer).or_default().bonus_points = points;
            cuts.push(cut);
        }
    }
    if backs.is_empty() {
        return Ok(None);
    }
    let by_offer = left
        .into_iter()
        .filter_map(|l| backs.remove(&l.offer_id).map(|b| (l, b)))
        .collect();
    Ok(Some(Box::new(TakeBack { by_offer, cuts })))
}

/// What each offer gave invoice `original`, less what its live returns took back.
fn left_of(conn: &mut PgConnection, original: i64) -> QueryResult<Vec<Left>> {
    type Row = (i64, i32, String, Option<i64>, Decimal, Decimal, i64);
    let rows: Vec<Row> = invoice_offers::table
        .inner_join(
            offer_versions::table.on(offer_versions::offer_id
                .eq(invoice_offers::offer_id)
                .and(offer_versions::version.eq(invoice_offers::offer_version))),
        )
        .filter(invoice_offers::invoice_id.eq(original))
        .order(invoice_offers::offer_id.asc())
        .select((
            invoice_offers::offer_id,
            invoice_offers::offer_version,
            offer_versions::title,
            invoice_offers::campaign_id,
            invoice_offers::discount,
            invoice_offers::free_qty,
            invoice_offers::bonus_points,
        ))
        .load(conn)?;
    let mut left: Vec<Left> = rows
        .into_iter()
        .map(
            |(offer_id, version, title, campaign, discount, free_qty, bonus_points)| Left {
                offer_id,
                version,
                title,
                campaign,
                discount,
                free_qty,
                bonus_points,
            },
        )
        .collect();
    let taken: Vec<(i64, Decimal, Decimal, i64)> = invoice_offers::table
        .inner_join(invoices::table)
        .filter(invoices::return_against_id.eq(original))
        .filter(invoices::status.eq("submitted"))
        .select((
            invoice_offers::offer_id,
            invoice_offers::discount,
            invoice_offers::free_qty,
            invoice_offers::bonus_points,
        ))
        .load(conn)?;
    for (offer, discount, free_qty, points) in taken {
        if let Some(l) = left.iter_mut().find(|l| l.offer_id == offer) {
            l.discount += discount;
            l.free_qty += free_qty;
            l.bonus_points += points;
        }
    }
    Ok(left)
}

/// The bonus points each Loyalty Point offer of the original no longer gives on what the
/// customer keeps after this return and the earlier ones (the offers run again on the kept
/// goods, as the original's versions, day, store and customer had them).
fn bonus_back(
    conn: &mut PgConnection,
    sale: &Sale,
    original: &InvoiceRow,
    left: &[Left],
    stored: &[StoredLine],
) -> Result<Vec<(i64, i64)>, AppError> {
    let points: Vec<(i64, i64)> = left.iter().map(|l| (l.offer_id, l.bonus_points)).collect();
    if points.iter().all(|(_, p)| *p <= 0) {
        return Ok(Vec::new());
    }
    let facts = &original.facts;
    let loaded = in_force::of_company(conn, facts.company_id)?;
    let offers: Vec<Offer> = loaded
        .at(facts.posted_at)
        .iter()
        .filter(|o| left.iter().any(|l| l.offer_id == o.id))
        .cloned()
        .collect();
    let mut codes: Vec<String> = stored.iter().map(|l| l.item_code.clone()).collect();
    codes.sort();
    codes.dedup();
    let items = items_by_code(conn, &codes)?;
    let mut basket: Vec<CartLine> = Vec::new();
    for line in stored.iter().filter(|l| l.qty.is_sign_positive()) {
        // Units a Replace offer made free count toward the offers, as at the sale.
        let folded = line.is_offer
            && offers.iter().any(|o| {
                o.replace != Replace::None
                    && line
                        .offer
                        .as_ref()
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case(&o.title))
            });
        if line.is_offer && !folded {
            continue;
        }
        let item = items.iter().find(|i| i.item_code == line.item_code);
        CartLine {
            item_code: line.item_code.clone(),
            item_groups: item.map(|i| i.item_groups.clone()).unwrap_or_default(),
            brand_id: item.and_then(|i| i.brand_id),
            qty: line.qty,
            price_list_rate: line.price_list_rate,
            manual_discount: Decimal::ZERO,
        }
        .fold_into(&mut basket);
    }
    let kept = rules::kept(&basket, &returned_units(conn, sale, original.id)?);
    let (profile_id, warehouse): (i64, String) = pos_profiles::table
        .inner_join(crate::db::schema::stores::table)
        .filter(pos_profiles::store_id.eq(facts.store_id))
        .select((pos_profiles::id, crate::db::schema::stores::warehouse))
        .first(conn)?;
    let shopper = shopper::of_customer(conn, facts.customer_id)?;
    let used: Vec<i64> = left.iter().map(|l| l.offer_id).collect();
    let aimed: Vec<i64> = offers
        .iter()
        .filter_map(|o| o.segment.as_ref().map(|s| s.id))
        .collect();
    let cart = Cart {
        company_id: facts.company_id,
        profile_id,
        warehouse: &warehouse,
        customer_groups: &shopper.groups,
        // The sale had its segment offers: a snapshot retaken since does not re-judge them.
        segments: &aimed,
        posting_date: sale.store.clock.date(facts.posted_at),
        // The offers the sale used are the ones run again, coupon-activated ones included.
        coupon_offers: &used,
        spent_campaigns: &[],
        customer_discount: Decimal::ZERO,
        currency: sale.currency(),
        lines: &kept,
    };
    Ok(rules::bonus_taken_back(&cart, &offers, &points))
}

/// Units of each item returned against invoice `original` by its live returns and this one.
fn returned_units(
    conn: &mut PgConnection,
    sale: &Sale,
    original: i64,
) -> QueryResult<Vec<(String, Decimal)>> {
    let earlier: Vec<(String, Decimal)> = invoice_lines::table
        .inner_join(invoices::table)
        .filter(invoices::return_against_id.eq(original))
        .filter(invoices::status.eq("submitted"))
        .select((invoice_lines::item_code, invoice_lines::qty))
        .load(conn)?;
    let now = sale
        .lines
        .iter()
        .map(|l| (l.item.code.clone(), l.figures.qty));
    let mut units: Vec<(String, Decimal)> = Vec::new();
    for (code, qty) in earlier.into_iter().chain(now) {
        match units.iter_mut().find(|(c, _)| *c == code) {
            Some((_, u)) => *u -= qty,
            None => units.push((code, -qty)),
        }
    }
    Ok(units)
}

impl Posting for TakeBack {
    fn post(
        self: Box<Self>,
        conn: &mut PgConnection,
        invoice: patron_rules::InvoiceId,
        till: &Till,
    ) -> Result<(), AppError> {
        // Recorded on the return as negative uses: what each offer gave less what came back.
        let taken: Vec<(i64, Use)> = self
            .by_offer
            .into_iter()
            .map(|(used, back)| {
                let taken = Use {
                    version: used.version,
                    title: used.title,
                    campaign: used.campaign,
                    discount: -back.discount,
                    free_qty: -back.free_qty,
                    bonus_points: -back.bonus_points,
                };
                (used.offer_id, taken)
            })
            .collect();
        super::uses::record(conn, invoice.get(), &taken)?;
        for cut in self.cuts {
            cut.post(conn, invoice.get(), &till.label())?;
        }
        Ok(())
    }
}
