//! What the pages read of registrations: who registered with a code or was referred by a
//! customer, and each reward coupon's status today (unused, used on invoice N, expired,
//! withdrawn).

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Nullable, Text, Timestamptz};

/// A registration as the pages list it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Registration {
    /// Id.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// The code used.
    #[diesel(sql_type = BigInt)]
    pub code_id: i64,
    /// Its text.
    #[diesel(sql_type = Text)]
    pub code: String,
    /// The referrer.
    #[diesel(sql_type = BigInt)]
    pub referrer_id: i64,
    /// Their name.
    #[diesel(sql_type = Text)]
    pub referrer: String,
    /// The customer registered.
    #[diesel(sql_type = BigInt)]
    pub customer_id: i64,
    /// Their name.
    #[diesel(sql_type = Text)]
    pub customer: String,
    /// Their customer code.
    #[diesel(sql_type = Text)]
    pub customer_code: String,
    /// The welcome coupon.
    #[diesel(sql_type = BigInt)]
    pub customer_coupon_id: i64,
    /// The referrer's coupon, once made.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub referrer_coupon_id: Option<i64>,
    /// When.
    #[diesel(sql_type = Timestamptz)]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

const SELECT: &str = "SELECT g.id, g.referral_code_id AS code_id, r.code, g.referrer_id, \
    trim(a.first_name || ' ' || a.last_name) AS referrer, g.customer_id, \
    trim(b.first_name || ' ' || b.last_name) AS customer, b.code AS customer_code, \
    g.customer_coupon_id, g.referrer_coupon_id, g.created_at \
    FROM referral_registrations g \
    JOIN referral_codes r ON r.id = g.referral_code_id \
    JOIN customers a ON a.id = g.referrer_id \
    JOIN customers b ON b.id = g.customer_id";

/// The newest `limit` registrations with code `code`.
pub fn of_code(conn: &mut PgConnection, code: i64, limit: i64) -> QueryResult<Vec<Registration>> {
    diesel::sql_query(format!(
        "{SELECT} WHERE g.referral_code_id = $1 ORDER BY g.id DESC LIMIT $2"
    ))
    .bind::<BigInt, _>(code)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// How `customer` was referred, if they were.
pub fn referral_of(conn: &mut PgConnection, customer: i64) -> QueryResult<Option<Registration>> {
    diesel::sql_query(format!("{SELECT} WHERE g.customer_id = $1"))
        .bind::<BigInt, _>(customer)
        .get_result(conn)
        .optional()
}

/// The newest `limit` customers `referrer` referred.
pub fn referred_by(
    conn: &mut PgConnection,
    referrer: i64,
    limit: i64,
) -> QueryResult<Vec<Registration>> {
    diesel::sql_query(format!(
        "{SELECT} WHERE g.referrer_id = $1 ORDER BY g.id DESC LIMIT $2"
    ))
    .bind::<BigInt, _>(referrer)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// A reward coupon and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouponState {
    /// Its code.
    pub code: String,
    /// "Unused", "Used on invoice S-1", "Expired", "Withdrawn".
    pub status: String,
    /// The badge class for it.
    pub badge: &'static str,
}

#[derive(QueryableByName)]
struct StateRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    disabled: bool,
    #[diesel(sql_type = Nullable<Date>)]
    valid_upto: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    invoice: Option<String>,
}

/// The coupons `ids` as of `today`, by id.
pub fn coupon_states(
    conn: &mut PgConnection,
    ids: &[i64],
    today: NaiveDate,
) -> QueryResult<HashMap<i64, CouponState>> {
    let rows: Vec<StateRow> = diesel::sql_query(
        "SELECT c.id, c.code, c.disabled, coalesce(c.valid_upto, v.valid_upto) AS valid_upto, \
         (SELECT i.number FROM coupon_redemptions u JOIN invoices i ON i.id = u.invoice_id \
          WHERE u.coupon_id = c.id AND u.released_at IS NULL LIMIT 1) AS invoice \
         FROM coupons c JOIN offers o ON o.id = c.offer_id \
         JOIN offer_versions v ON v.offer_id = o.id AND v.version = o.current_version \
         WHERE c.id = ANY($1)",
    )
    .bind::<Array<BigInt>, _>(ids)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (status, badge) = match (&row.invoice, row.disabled, row.valid_upto) {
                (Some(number), _, _) => (format!("Used on invoice {number}"), "badge-inactive"),
                (None, true, _) => ("Withdrawn".to_owned(), "badge-inactive"),
                (None, false, Some(upto)) if upto < today => {
                    ("Expired".to_owned(), "badge-warning")
                }
                _ => ("Unused".to_owned(), "badge-active"),
            };
            (
                row.id,
                CouponState {
                    code: row.code,
                    status,
                    badge,
                },
            )
        })
        .collect())
}

/// A registration with its coupons' states.
pub struct Registered {
    /// The registration.
    pub row: Registration,
    /// The welcome coupon.
    pub welcome: Option<CouponState>,
    /// The referrer's coupon (none: not yet, or none due).
    pub reward: Option<CouponState>,
}

/// The registrations with their coupons' states today.
pub fn with_states(
    conn: &mut diesel::PgConnection,
    rows: Vec<Registration>,
    today: chrono::NaiveDate,
) -> diesel::QueryResult<Vec<Registered>> {
    let ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| [Some(r.customer_coupon_id), r.referrer_coupon_id])
        .flatten()
        .collect();
    let mut states = coupon_states(conn, &ids, today)?;
    Ok(rows
        .into_iter()
        .map(|row| Registered {
            welcome: states.remove(&row.customer_coupon_id),
            reward: row.referrer_coupon_id.and_then(|id| states.remove(&id)),
            row,
        })
        .collect())
}
