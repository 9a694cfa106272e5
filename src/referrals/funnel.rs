//! The referral funnel's figures over a date range, per campaign and per referrer: codes issued,
//! registrations, referred customers with a first purchase, their revenue net of returns
//! (without delivery charges), and reward coupons issued and used. Codes and registrations count
//! when they fall inside the range's business days; what the customers registered in the range
//! have bought, and the coupons used, count to date (a funnel follows its registrations on:
//! a customer registered on the range's last day may buy the day after).

use chrono::NaiveDate;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Numeric, Text, Timestamptz};
use patron_rules::clock::Clock;
use rust_decimal::Decimal;

/// What the report is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    /// The company.
    pub company: i64,
    /// Its clock: the days below are its business days.
    pub clock: Clock,
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

/// A line with the grouping it belongs to.
#[derive(Debug, Clone, QueryableByName)]
struct GroupedFigures {
    /// "total", "campaign" or "referrer".
    #[diesel(sql_type = Text)]
    grp: String,
    #[diesel(embed)]
    figures: Figures,
}

/// The report: the whole, one line per campaign, and the top referrers.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Everything in the range.
    pub total: Figures,
    /// One line per campaign ("No campaign" for codes without one), most registrations first.
    pub campaigns: Vec<Figures>,
    /// The referrers with the most registrations, at most `top`.
    pub referrers: Vec<Figures>,
}

/// The report over `range`: one pass over the registrations, grouped three ways at once
/// (grouping sets), with at most `top` referrers.
pub fn report(conn: &mut PgConnection, range: &Range, top: i64) -> QueryResult<Report> {
    let campaign = if range.campaign.is_some() {
        " AND r.campaign_id = $4"
    } else {
        " AND $4::bigint IS NULL"
    };
    // Which of the three groupings a line belongs to (both parts name their columns alike).
    let grp = "CASE WHEN GROUPING(campaign_id) = 0 THEN 'campaign' \
               WHEN GROUPING(referrer_id) = 0 THEN 'referrer' ELSE 'total' END";
    // Each registration carries its customer's first purchase and revenue so far and its used
    // reward coupons (kept by the reports step, migration `cohorts_and_one_rollup_call`): one
    // pass over the registrations adds them up per code, and the codes' sums are grouped three
    // ways (grouping 100,000 registrations three ways took twice as long).
    let sql = format!(
        "WITH by_code AS ( \
           SELECT g.referral_code_id, g.referrer_id, count(*) AS registrations, \
                  count(g.first_purchase) AS first_purchases, sum(g.revenue) AS revenue, \
                  count(*) + count(g.referrer_coupon_id) AS coupons_issued, \
                  sum(g.coupons_used) AS coupons_used \
           FROM referral_registrations g \
           WHERE g.created_at >= $2 AND g.created_at < $3 \
           GROUP BY g.referral_code_id, g.referrer_id \
         ), per_reg AS ( \
           SELECT {grp} AS grp, coalesce(r.campaign_id, reg.referrer_id) AS key, \
                  coalesce(sum(reg.registrations), 0) AS registrations, \
                  coalesce(sum(reg.first_purchases), 0) AS first_purchases, \
                  coalesce(sum(reg.revenue), 0) AS revenue, \
                  coalesce(sum(reg.coupons_issued), 0) AS coupons_issued, \
                  coalesce(sum(reg.coupons_used), 0) AS coupons_used \
           FROM by_code reg JOIN referral_codes r ON r.id = reg.referral_code_id \
           WHERE r.company_id = $1{campaign} \
           GROUP BY GROUPING SETS ((), (r.campaign_id), (reg.referrer_id)) \
         ), per_code AS ( \
           SELECT {grp} AS grp, coalesce(campaign_id, referrer_id) AS key, \
                  count(*) AS codes_issued \
           FROM (SELECT r.campaign_id, r.customer_id AS referrer_id FROM referral_codes r \
                 WHERE r.company_id = $1 AND r.created_at >= $2 \
                   AND r.created_at < $3{campaign}) r \
           GROUP BY GROUPING SETS ((), (campaign_id), (referrer_id)) \
         ), x AS ( \
           SELECT grp, key, sum(codes_issued)::bigint AS codes_issued, \
                  sum(registrations)::bigint AS registrations, \
                  sum(first_purchases)::bigint AS first_purchases, sum(revenue) AS revenue, \
                  sum(coupons_issued)::bigint AS coupons_issued, \
                  sum(coupons_used)::bigint AS coupons_used \
           FROM ( \
             SELECT grp, key, 0::bigint AS codes_issued, registrations, first_purchases, \
                    revenue, coupons_issued, coupons_used FROM per_reg \
             UNION ALL \
             SELECT grp, key, codes_issued, 0, 0, 0, 0, 0 FROM per_code \
           ) u GROUP BY grp, key \
         ), ranked AS ( \
           SELECT x.*, row_number() OVER (PARTITION BY grp \
                    ORDER BY registrations DESC, codes_issued DESC, key NULLS LAST) AS place \
           FROM x \
         ) \
         SELECT grp, key, CASE grp \
                  WHEN 'total' THEN 'All referrals' \
                  WHEN 'campaign' THEN coalesce((SELECT k.name FROM campaigns k WHERE k.id = key), \
                                                'No campaign') \
                  ELSE (SELECT trim(p.first_name || ' ' || p.last_name) || ' (' || p.code || ')' \
                        FROM customers p WHERE p.id = key) END AS label, \
                codes_issued, registrations, first_purchases, revenue, coupons_issued, coupons_used \
         FROM ranked WHERE grp <> 'referrer' OR place <= $5 ORDER BY grp, place"
    );
    let rows: Vec<GroupedFigures> = diesel::sql_query(sql)
        .into_boxed::<Pg>()
        .bind::<BigInt, _>(range.company)
        .bind::<Timestamptz, _>(range.clock.start_of(range.from))
        .bind::<Timestamptz, _>(range.clock.start_of(range.to + chrono::Days::new(1)))
        .bind::<Nullable<BigInt>, _>(range.campaign)
        .bind::<BigInt, _>(top)
        .load(conn)?;
    let mut report = Report::default();
    for row in rows {
        match row.grp.as_str() {
            "total" => report.total = row.figures,
            "campaign" => report.campaigns.push(row.figures),
            _ => report.referrers.push(row.figures),
        }
    }
    Ok(report)
}
