//! Synthetic loyalty ledgers for benchmarks (`patron seed --loyalty-entries N`), made set-based
//! in SQL: customers are enrolled in the first active program (a "Patron Rewards" program is
//! made when there is none), then earn entries over the last two years expire a year after
//! posting, and one in five is partly redeemed, the draw carrying its credit's expiry date.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};
use patron_rules::loyalty::TierRule;
use rust_decimal::Decimal;

use super::model::programs::{self, ProgramFields};
use crate::db::schema::{loyalty_members, loyalty_programs};

/// Earn entries per statement.
const BATCH: i64 = 50_000;

/// The program to fill: the first active one, or a new "Patron Rewards" of the first company.
/// Returns (program, company, expiry days).
fn program(conn: &mut PgConnection) -> QueryResult<(i64, i64, i32)> {
    let found = loyalty_programs::table
        .filter(loyalty_programs::active.eq(true))
        .order(loyalty_programs::id.asc())
        .select((
            loyalty_programs::id,
            loyalty_programs::company_id,
            loyalty_programs::expiry_days,
        ))
        .first(conn)
        .optional()?;
    if let Some(found) = found {
        return Ok(found);
    }
    let company = crate::stores::model::first_company(conn)?;
    let fields = ProgramFields {
        name: "Patron Rewards".into(),
        company_id: company,
        multiple_tier: true,
        conversion_factor: Decimal::new(1, 2),
        expiry_days: 365,
        valid_from: Utc::now().date_naive() - Duration::days(3 * 365),
        valid_upto: None,
        customer_group_id: None,
        territory_id: None,
        auto_opt_in: false,
        forfeit_on_unenrol: false,
    };
    let tier = |name: &str, min: i64, factor: Decimal| TierRule {
        name: name.into(),
        min_spent: Decimal::from(min),
        collection_factor: factor,
    };
    let tiers = [
        tier("Silver", 0, Decimal::ONE),
        tier("Gold", 1_000, Decimal::new(5, 1)),
        tier("Platinum", 5_000, Decimal::new(25, 2)),
    ];
    let id = programs::insert(conn, &fields, &tiers)?;
    Ok((id, company, fields.expiry_days))
}

/// Adds about `count` ledger entries (five earns for every redemption) spread over members of
/// the program, enrolling one active customer per five entries first (those not yet in a
/// program of its company). Reports progress (entries made so far); returns the entries made.
pub fn add_entries(
    conn: &mut PgConnection,
    count: i64,
    mut progress: impl FnMut(i64),
) -> QueryResult<i64> {
    let (program, company, expiry_days) = conn.transaction(program)?;
    let wanted = (count / 5).max(1);
    let members: i64 = loyalty_members::table
        .filter(loyalty_members::program_id.eq(program))
        .count()
        .get_result(conn)?;
    if members < wanted {
        diesel::sql_query(
            "INSERT INTO loyalty_members (customer_id, company_id, program_id, enrolled_by)
             SELECT c.id, $1, $2, 'synthetic data' FROM customers c
             WHERE c.active
               AND NOT EXISTS (SELECT 1 FROM loyalty_members m
                               WHERE m.customer_id = c.id AND m.company_id = $1)
             ORDER BY c.id LIMIT $3
             ON CONFLICT DO NOTHING",
        )
        .bind::<BigInt, _>(company)
        .bind::<BigInt, _>(program)
        .bind::<BigInt, _>(wanted - members)
        .execute(conn)?;
    }
    let enrolled: i64 = loyalty_members::table
        .filter(loyalty_members::program_id.eq(program))
        .count()
        .get_result(conn)?;
    if enrolled == 0 {
        return Ok(0);
    }
    let start: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
        "coalesce(max(id), 0) FROM loyalty_point_entries",
    ))
    .get_result(conn)?;
    // Five earns and about one redemption in every six entries.
    let earns = count * 5 / 6;
    let (mut done, mut made) = (0, 0);
    while done < earns {
        let batch = (earns - done).min(BATCH);
        made += conn.transaction(|conn| {
            insert_batch(conn, start + done, batch, program, company, expiry_days)
        })?;
        done += batch;
        progress(made);
    }
    Ok(made)
}

fn insert_batch(
    conn: &mut PgConnection,
    after: i64,
    batch: i64,
    program: i64,
    company: i64,
    expiry_days: i32,
) -> QueryResult<i64> {
    let earned = diesel::sql_query(
        "WITH mem AS (SELECT array_agg(customer_id ORDER BY customer_id) AS ids
                      FROM loyalty_members WHERE program_id = $3),
              src AS (SELECT g, mem.ids[1 + (g * 7919) % cardinality(mem.ids)] AS customer_id,
                             current_date - ((g * 104729) % 730)::int AS posting,
                             2 + (g * 31) % 400 AS points
                      FROM generate_series($1 + 1, $1 + $2) AS g, mem
                      WHERE cardinality(mem.ids) > 0),
              made AS (
                 INSERT INTO loyalty_point_entries (customer_id, program_id, company_id, kind,
                        points, purchase_amount, tier, collection_factor, posting_date,
                        expiry_date, created_by)
                 SELECT customer_id, $3, $4, 'earn', points, points + (g % 100) / 100.0,
                        NULL, 1, posting, CASE WHEN $5 > 0 THEN posting + $5 END,
                        'synthetic data'
                 FROM src
                 RETURNING id, customer_id, points, posting_date, expiry_date)
         INSERT INTO loyalty_point_entries (customer_id, program_id, company_id, kind, points,
                posting_date, expiry_date, against_entry_id, reason, created_by)
         SELECT customer_id, $3, $4, 'redeem', -(points / 2),
                least(posting_date + 10, current_date), expiry_date, id, '', 'synthetic data'
         FROM made WHERE points % 5 = 0",
    )
    .bind::<BigInt, _>(after)
    .bind::<BigInt, _>(batch)
    .bind::<BigInt, _>(program)
    .bind::<BigInt, _>(company)
    .bind::<Integer, _>(expiry_days)
    .execute(conn)?;
    // The statement reports the redemptions; every earn of the batch was written too.
    Ok(batch + i64::try_from(earned).unwrap_or(0))
}
