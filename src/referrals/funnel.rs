//! The referral funnel's figures over a date range, per campaign and per referrer: codes issued,
//! registrations, referred customers with a first purchase, their revenue net of returns, and
//! reward coupons issued and used. Registrations, codes and purchases all count when they fall
//! inside the range (registered in it; bought in it).

use chrono::NaiveDate;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Numeric, Text};
use rust_decimal::Decimal;

/// What the report is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    /// The company.
    pub company: i64,
    /// First day.
    pub from: NaiveDate,
    /// Last day (included).
    pub to: NaiveDate,
    /// One campaign only.
    pub campaign: Option<i64>,
}

/// One line of the report (a campaign, a referrer, or the whole).
#[derive(Debug, Clone, Default, PartialEq, QueryableByName)]
pub struct Figures {
    /// The campaign's or referrer's id (none: no campaign / the whole).
    #[diesel(sql_type = Nullable<BigInt>)]
    pub key: Option<i64>,
    /// Its name.
    #[diesel(sql_type = Text)]
    pub label: String,
    /// Referral codes issued.
    #[diesel(sql_type = BigInt)]
    pub codes_issued: i64,
    /// Registrations.
    #[diesel(sql_type = BigInt)]
    pub registrations: i64,
    /// Referred customers with a first purchase.
    #[diesel(sql_type = BigInt)]
    pub first_purchases: i64,
    /// Their revenue net of returns.
    #[diesel(sql_type = Numeric)]
    pub revenue: Decimal,
    /// Reward coupons issued (both sides).
    #[diesel(sql_type = BigInt)]
    pub coupons_issued: i64,
    /// Reward coupons used.
    #[diesel(sql_type = BigInt)]
    pub coupons_used: i64,
}

/// How the lines are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// One line for everything.
    Total,
    /// One per campaign.
    Campaign,
    /// One per referrer (the most registrations first).
    Referrer,
}

/// The report's lines grouped `by`, at most `limit`.
pub fn figures(
    conn: &mut PgConnection,
    range: &Range,
    by: By,
    limit: i64,
) -> QueryResult<Vec<Figures>> {
    let (reg_key, code_key, label) = match by {
        By::Total => ("NULL::bigint", "NULL::bigint", "'All referrals'".to_owned()),
        By::Campaign => (
            "r.campaign_id",
            "r.campaign_id",
            "coalesce((SELECT k.name FROM campaigns k WHERE k.id = x.key), 'No campaign')"
                .to_owned(),
        ),
        By::Referrer => (
            "g.referrer_id",
            "r.customer_id",
            "(SELECT trim(p.first_name || ' ' || p.last_name) || ' (' || p.code || ')' \
             FROM customers p WHERE p.id = x.key)"
                .to_owned(),
        ),
    };
    let campaign = if range.campaign.is_some() {
        " AND r.campaign_id = $4"
    } else {
        " AND $4::bigint IS NULL"
    };
    let sql = format!(
        "WITH reg AS ( \
           SELECT {reg_key} AS key, g.customer_id, g.customer_coupon_id, g.referrer_coupon_id \
           FROM referral_registrations g JOIN referral_codes r ON r.id = g.referral_code_id \
           WHERE r.company_id = $1 AND g.created_at >= $2::date AND g.created_at < $3::date + 1{campaign} \
         ), buy AS ( \
           SELECT i.customer_id, sum(i.grand_total) AS revenue, \
                  bool_or(i.return_against_id IS NULL) AS bought \
           FROM invoices i \
           WHERE i.customer_id IN (SELECT customer_id FROM reg) AND i.status = 'submitted' \
             AND i.posted_at >= $2::date AND i.posted_at < $3::date + 1 \
           GROUP BY i.customer_id \
         ), per_reg AS ( \
           SELECT reg.key, count(*) AS registrations, \
                  count(*) FILTER (WHERE b.bought) AS first_purchases, \
                  coalesce(sum(b.revenue), 0) AS revenue, \
                  count(*) + count(reg.referrer_coupon_id) AS coupons_issued, \
                  count(*) FILTER (WHERE cc.used > 0) + count(*) FILTER (WHERE rc.used > 0) \
                    AS coupons_used \
           FROM reg JOIN coupons cc ON cc.id = reg.customer_coupon_id \
           LEFT JOIN coupons rc ON rc.id = reg.referrer_coupon_id \
           LEFT JOIN buy b ON b.customer_id = reg.customer_id \
           GROUP BY reg.key \
         ), per_code AS ( \
           SELECT {code_key} AS key, count(*) AS codes_issued FROM referral_codes r \
           WHERE r.company_id = $1 AND r.created_at >= $2::date AND r.created_at < $3::date + 1{campaign} \
           GROUP BY 1 \
         ), x AS ( \
           SELECT key, sum(codes_issued)::bigint AS codes_issued, \
                  sum(registrations)::bigint AS registrations, \
                  sum(first_purchases)::bigint AS first_purchases, sum(revenue) AS revenue, \
                  sum(coupons_issued)::bigint AS coupons_issued, \
                  sum(coupons_used)::bigint AS coupons_used \
           FROM ( \
             SELECT key, 0::bigint AS codes_issued, registrations, first_purchases, revenue, \
                    coupons_issued, coupons_used FROM per_reg \
             UNION ALL \
             SELECT key, codes_issued, 0, 0, 0, 0, 0 FROM per_code \
           ) u GROUP BY key \
         ) \
         SELECT x.key, {label} AS label, x.codes_issued, x.registrations, x.first_purchases, \
                x.revenue, x.coupons_issued, x.coupons_used \
         FROM x ORDER BY x.registrations DESC, x.codes_issued DESC, x.key NULLS LAST LIMIT $5"
    );
    diesel::sql_query(sql)
        .into_boxed::<Pg>()
        .bind::<BigInt, _>(range.company)
        .bind::<Date, _>(range.from)
        .bind::<Date, _>(range.to)
        .bind::<Nullable<BigInt>, _>(range.campaign)
        .bind::<BigInt, _>(limit)
        .load(conn)
}
