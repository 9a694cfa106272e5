//! RFM scores: each active customer who bought from a company scores 1 to 5 on recency (days
//! since the last purchase), frequency (sales in the last 365 days) and monetary (net spend in
//! the last 365 days), by where they stand among the company's customers: the score is the
//! quintile of their percent rank, so equal values share a score and the lowest score 1.
//! Recomputed whole, in one statement per company over its customers' facts, nightly and on
//! demand.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Timestamptz};

use super::facts;
use crate::db::schema::rfm_runs;

/// The last run of a company: when, on which of its days, over how many customers.
#[derive(Debug, Clone, Queryable)]
pub struct Run {
    /// When.
    pub computed_at: DateTime<Utc>,
    /// The company's day it ran on.
    pub day: NaiveDate,
    /// Customers scored.
    pub customers: i64,
}

/// `company`'s last run, if any.
pub fn last_run(conn: &mut PgConnection, company: i64) -> QueryResult<Option<Run>> {
    rfm_runs::table
        .find(company)
        .select((rfm_runs::computed_at, rfm_runs::day, rfm_runs::customers))
        .first(conn)
        .optional()
}

/// Scores `company`'s customers as of its day `today` (replacing the last run's); returns how
/// many were scored.
pub fn compute(
    conn: &mut PgConnection,
    company: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    // The facts' year made to end today (the sales noted so far folded first): frequency and
    // monetary are then its columns, read in one pass with no grouping.
    facts::shift(conn, company, today)?;
    #[derive(QueryableByName)]
    struct Scored {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    // Only the scores that changed are written, and the rows of those no longer scored taken
    // out: deleting a million rows and inserting them again took 17-24 s at 1,000,000
    // customers (each insert checked its key against the row just deleted), writing what
    // changed 9 s when nothing did. Rows go in by customer, the key's order.
    let scored = diesel::sql_query(
        "WITH scored AS MATERIALIZED (
           SELECT f.customer_id,
                  least(5, 1 + floor(percent_rank() OVER (ORDER BY f.last_purchase) * 5))::smallint AS r,
                  least(5, 1 + floor(percent_rank() OVER (ORDER BY f.year_sales) * 5))::smallint AS f,
                  least(5, 1 + floor(percent_rank() OVER (ORDER BY f.year_net_sales) * 5))::smallint AS m
           FROM customer_facts f
           WHERE f.company_id = $1 AND f.active AND f.last_purchase IS NOT NULL
             AND f.customer_id NOT IN (SELECT default_customer_id FROM pos_profiles
                                       WHERE default_customer_id IS NOT NULL)
         ), gone AS (
           DELETE FROM customer_rfm x
           USING (SELECT customer_id FROM customer_rfm WHERE company_id = $1
                  EXCEPT SELECT customer_id FROM scored) g
           WHERE x.company_id = $1 AND x.customer_id = g.customer_id
         ), written AS (
           INSERT INTO customer_rfm AS x (company_id, customer_id, recency, frequency, monetary)
           SELECT $1, customer_id, r, f, m FROM scored ORDER BY customer_id
           ON CONFLICT (company_id, customer_id) DO UPDATE
           SET recency = excluded.recency, frequency = excluded.frequency,
               monetary = excluded.monetary
           WHERE (x.recency, x.frequency, x.monetary)
                 IS DISTINCT FROM (excluded.recency, excluded.frequency, excluded.monetary)
         )
         SELECT count(*) AS n FROM scored",
    )
    .bind::<BigInt, _>(company)
    .get_result::<Scored>(conn)?
    .n;
    diesel::sql_query(
        "INSERT INTO rfm_runs (company_id, computed_at, day, customers) VALUES ($1, $2, $3, $4)
         ON CONFLICT (company_id) DO UPDATE
         SET computed_at = EXCLUDED.computed_at, day = EXCLUDED.day, customers = EXCLUDED.customers",
    )
    .bind::<BigInt, _>(company)
    .bind::<Timestamptz, _>(now)
    .bind::<Date, _>(today)
    .bind::<BigInt, _>(scored)
    .execute(conn)?;
    Ok(scored)
}
