//! Reading coupons for people and tills: a customer's usable gift card coupons.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{coupons, offers};

/// A gift card coupon a customer may use.
#[derive(Debug, Clone)]
pub struct Gift {
    /// Code.
    pub code: String,
    /// Coupon Name.
    pub name: String,
    /// Its offer's Title.
    pub offer: String,
    /// Valid Upto, if set on the coupon.
    pub valid_upto: Option<NaiveDate>,
}

/// `customer`'s gift card coupons in `company` that are enabled, unused and valid on `today` by
/// their own dates (the offer's dates are the validation chain's to check at the sale).
pub fn gifts_of(
    conn: &mut PgConnection,
    company: i64,
    customer: i64,
    today: NaiveDate,
) -> QueryResult<Vec<Gift>> {
    let rows: Vec<(String, String, String, Option<NaiveDate>)> = coupons::table
        .inner_join(offers::table)
        .filter(coupons::company_id.eq(company))
        .filter(coupons::customer_id.eq(customer))
        .filter(coupons::coupon_type.eq("gift_card"))
        .filter(coupons::disabled.eq(false))
        .filter(coupons::used.lt(coupons::maximum_use))
        .filter(
            coupons::valid_from
                .is_null()
                .or(coupons::valid_from.le(today)),
        )
        .filter(
            coupons::valid_upto
                .is_null()
                .or(coupons::valid_upto.ge(today)),
        )
        .order(coupons::id.asc())
        .select((
            coupons::code,
            coupons::name,
            offers::title,
            coupons::valid_upto,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(code, name, offer, valid_upto)| Gift {
            code,
            name,
            offer,
            valid_upto,
        })
        .collect())
}

/// One use of a coupon, as its page lists it.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct Redemption {
    /// The invoice's uuid (its page's address).
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub invoice: uuid::Uuid,
    /// Its number.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub number: String,
    /// The customer.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub customer_id: i64,
    /// Their name.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub customer: String,
    /// The store.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub store: String,
    /// When the sale was made.
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub posted_at: chrono::DateTime<chrono::Utc>,
    /// When a cancel gave the use back.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    pub released_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Coupon `coupon`'s uses, newest first (at most `limit`).
pub fn redemptions(
    conn: &mut PgConnection,
    coupon: i64,
    limit: i64,
) -> QueryResult<Vec<Redemption>> {
    diesel::sql_query(
        "SELECT i.uuid AS invoice, i.number, r.customer_id, \
         trim(cu.first_name || ' ' || cu.last_name) AS customer, s.name AS store, i.posted_at, \
         r.released_at \
         FROM coupon_redemptions r \
         JOIN invoices i ON i.id = r.invoice_id \
         JOIN customers cu ON cu.id = r.customer_id \
         JOIN stores s ON s.id = i.store_id \
         WHERE r.coupon_id = $1 ORDER BY r.id DESC LIMIT $2",
    )
    .bind::<diesel::sql_types::BigInt, _>(coupon)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)
}

/// The coupon-based offers of `company` as they stand (id, current Title), for the pickers.
pub fn coupon_offers(conn: &mut PgConnection, company: i64) -> QueryResult<Vec<(i64, String)>> {
    use crate::db::schema::offer_versions;
    offers::table
        .inner_join(
            offer_versions::table.on(offer_versions::offer_id
                .eq(offers::id)
                .and(offer_versions::version.eq(offers::current_version))),
        )
        .filter(offers::company_id.eq(company))
        .filter(offer_versions::auto.eq(false))
        .order(offer_versions::title.asc())
        .select((offers::id, offer_versions::title))
        .load(conn)
}

/// The campaigns of `company` (id, name), for the pickers.
pub fn campaigns_of(conn: &mut PgConnection, company: i64) -> QueryResult<Vec<(i64, String)>> {
    use crate::db::schema::campaigns;
    campaigns::table
        .filter(campaigns::company_id.eq(company))
        .order(campaigns::name.asc())
        .select((campaigns::id, campaigns::name))
        .load(conn)
}
