//! What each offer gave on an invoice, as `invoice_offers` records it and its campaign's budget
//! counts it: written by the sale's offers step (`invoice`) and, negative, by a return's
//! (`returns`).

use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::schema::invoice_offers;

/// What one offer gave on the invoice (on a return: minus what it took back).
#[derive(Debug, Clone, Default)]
pub struct Use {
    /// The offer's version.
    pub version: i32,
    /// Its Title (bonus entries name it).
    pub title: String,
    /// Its campaign, whose budget counts the discount.
    pub campaign: Option<i64>,
    /// Discount given.
    pub discount: Decimal,
    /// Free units given.
    pub free_qty: Decimal,
    /// Bonus points credited.
    pub bonus_points: i64,
}

/// Up to this many offers on an invoice are written one INSERT each (see `record`).
const ONE_ROW_INSERTS: usize = 3;

/// Records `uses` (offer id, what it gave) on invoice `invoice` and counts each discount
/// against its offer's campaign: a sale's add to the budget, a return's (negative) give back.
pub fn record(conn: &mut PgConnection, invoice: i64, uses: &[(i64, Use)]) -> QueryResult<()> {
    let mut rows = Vec::new();
    for (id, used) in uses {
        if let Some(campaign) = used.campaign
            && !used.discount.is_zero()
        {
            super::model::campaigns::add_given(conn, campaign, used.discount)?;
        }
        rows.push((
            invoice_offers::invoice_id.eq(invoice),
            invoice_offers::offer_id.eq(*id),
            invoice_offers::offer_version.eq(used.version),
            invoice_offers::campaign_id.eq(used.campaign),
            invoice_offers::discount.eq(used.discount),
            invoice_offers::free_qty.eq(used.free_qty),
            invoice_offers::bonus_points.eq(used.bonus_points),
        ));
    }
    // Diesel prepares a one-row INSERT once per connection, but plans a many-row one on every
    // call: a sale's one or two offers are cheaper as one-row INSERTs.
    if rows.len() <= ONE_ROW_INSERTS {
        for row in rows {
            diesel::insert_into(invoice_offers::table)
                .values(row)
                .execute(conn)?;
        }
    } else {
        diesel::insert_into(invoice_offers::table)
            .values(&rows)
            .execute(conn)?;
    }
    Ok(())
}
