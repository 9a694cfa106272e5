//! Offer effectiveness and coupons, from `rollup_offer_days` and `rollup_coupon_days`.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Numeric, Text};
use rust_decimal::Decimal;

use super::Filter;

/// What one offer brought in over the period.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct OfferFigures {
    /// Offer id.
    #[diesel(sql_type = BigInt)]
    pub offer_id: i64,
    /// Its title.
    #[diesel(sql_type = Text)]
    pub title: String,
    /// Sales that claimed it.
    #[diesel(sql_type = BigInt)]
    pub sales: i64,
    /// The discount it gave.
    #[diesel(sql_type = Numeric)]
    pub discount: Decimal,
    /// Units it gave free.
    #[diesel(sql_type = Numeric)]
    pub free_qty: Decimal,
    /// Those sales' revenue (grand totals without delivery).
    #[diesel(sql_type = Numeric)]
    pub revenue: Decimal,
    /// The same stores' sales without it over the period.
    #[diesel(sql_type = BigInt)]
    pub other_sales: i64,
    /// Their net sales.
    #[diesel(sql_type = Numeric)]
    pub other_revenue: Decimal,
}

impl OfferFigures {
    /// The average basket of the sales with the offer.
    pub fn basket_with(&self) -> Option<Decimal> {
        (self.sales > 0).then(|| self.revenue / Decimal::from(self.sales))
    }

    /// The average basket of the same stores' other sales.
    pub fn basket_without(&self) -> Option<Decimal> {
        (self.other_sales > 0).then(|| self.other_revenue / Decimal::from(self.other_sales))
    }
}

/// Every offer used in `filter` (binds `$1`..`$4`), most revenue first, each with the sales of
/// the stores it was used at that did not claim it.
pub fn offers(conn: &mut PgConnection, filter: &Filter) -> QueryResult<Vec<OfferFigures>> {
    diesel::sql_query(
        "WITH o AS ( \
           SELECT r.offer_id, sum(r.sales)::bigint AS sales, sum(r.discount) AS discount, \
                  sum(r.free_qty) AS free_qty, sum(r.revenue) AS revenue, \
                  array_agg(DISTINCT r.store_id) AS stores \
           FROM rollup_offer_days r \
           WHERE r.company_id = $1 AND r.day BETWEEN $2 AND $3 \
             AND ($4::bigint IS NULL OR r.store_id = $4) \
             AND ($5::bigint IS NULL OR r.offer_id IN ( \
               SELECT v.offer_id FROM offers f JOIN offer_versions v \
                 ON v.offer_id = f.id AND v.version = f.current_version \
               WHERE f.company_id = $1 AND v.campaign_id = $5)) \
           GROUP BY r.offer_id HAVING sum(r.sales) <> 0), \
         s AS ( \
           SELECT o.offer_id, coalesce(sum(d.sales), 0)::bigint AS all_sales, \
                  coalesce(sum(d.net_sales), 0) AS all_net \
           FROM o JOIN rollup_store_days d ON d.store_id = ANY (o.stores) \
           WHERE d.company_id = $1 AND d.day BETWEEN $2 AND $3 \
           GROUP BY o.offer_id) \
         SELECT o.offer_id, x.title, o.sales, o.discount, o.free_qty, o.revenue, \
                greatest(s.all_sales - o.sales, 0) AS other_sales, \
                s.all_net - o.revenue AS other_revenue \
         FROM o JOIN s USING (offer_id) JOIN offers x ON x.id = o.offer_id \
         ORDER BY o.revenue DESC, x.title",
    )
    .bind::<BigInt, _>(filter.company)
    .bind::<Date, _>(filter.from)
    .bind::<Date, _>(filter.to)
    .bind::<Nullable<BigInt>, _>(filter.store)
    .bind::<Nullable<BigInt>, _>(filter.campaign)
    .load(conn)
}

/// What one coupon brought in over the period.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct CouponFigures {
    /// Coupon id.
    #[diesel(sql_type = BigInt)]
    pub coupon_id: i64,
    /// Its code.
    #[diesel(sql_type = Text)]
    pub code: String,
    /// Its offer's title.
    #[diesel(sql_type = Text)]
    pub offer: String,
    /// Its campaign ("" without one).
    #[diesel(sql_type = Text)]
    pub campaign: String,
    /// Its batch ("" when made by hand).
    #[diesel(sql_type = Text)]
    pub batch: String,
    /// Uses.
    #[diesel(sql_type = BigInt)]
    pub uses: i64,
    /// The discount its offer gave on those sales.
    #[diesel(sql_type = Numeric)]
    pub discount: Decimal,
    /// Those sales' revenue.
    #[diesel(sql_type = Numeric)]
    pub revenue: Decimal,
}

/// The coupons used in `filter`'s days (every store: a coupon is the company's), most used first,
/// at most `limit`.
pub fn coupons(
    conn: &mut PgConnection,
    filter: &Filter,
    limit: i64,
) -> QueryResult<Vec<CouponFigures>> {
    diesel::sql_query(
        "SELECT r.coupon_id, k.code, x.title AS offer, coalesce(c.name, '') AS campaign, \
                coalesce('Batch ' || k.batch_id, '') AS batch, sum(r.uses)::bigint AS uses, \
                sum(r.discount) AS discount, sum(r.revenue) AS revenue \
         FROM rollup_coupon_days r JOIN coupons k ON k.id = r.coupon_id \
         JOIN offers x ON x.id = k.offer_id LEFT JOIN campaigns c ON c.id = k.campaign_id \
         WHERE r.company_id = $1 AND r.day BETWEEN $2 AND $3 \
           AND ($5::bigint IS NULL OR k.campaign_id = $5) \
         GROUP BY r.coupon_id, k.code, x.title, c.name, k.batch_id HAVING sum(r.uses) <> 0 \
         ORDER BY uses DESC, k.code LIMIT $4",
    )
    .bind::<BigInt, _>(filter.company)
    .bind::<Date, _>(filter.from)
    .bind::<Date, _>(filter.to)
    .bind::<BigInt, _>(limit)
    .bind::<Nullable<BigInt>, _>(filter.campaign)
    .load(conn)
}
