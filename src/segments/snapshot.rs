//! Snapshots: a segment's members written down as of a moment, with its size for the day. An
//! offer aimed at a segment reads the snapshot (a till's sale must not wait for a segment's
//! filters), and the chart reads the sizes. Taken nightly for every segment, after the RFM
//! scores they may filter on, and on demand for one.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Timestamptz};

use super::model::{self, Segment};
use super::{facts, query, rfm};
use crate::db::sql::{Bind, Sql};

/// Writes segment `segment`'s members as of `now` (its company's day `today`); returns how many.
pub fn take(
    conn: &mut PgConnection,
    segment: &Segment,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    // The sales noted so far folded first: the members are those the count shows now.
    crate::db::fold::fold(conn)?;
    diesel::sql_query("DELETE FROM segment_members WHERE segment_id = $1")
        .bind::<BigInt, _>(segment.id)
        .execute(conn)?;
    let mut insert = Sql::new("INSERT INTO segment_members (segment_id, customer_id) SELECT ");
    insert.bind(Bind::Int(segment.id)).push(", m.id FROM (");
    let scope = facts::scope(conn, segment.fields.company_id, today)?;
    query::push_members(&mut insert, &segment.fields.filters(), &scope);
    insert.push(") m");
    let size = i64::try_from(insert.query().execute(conn)?).unwrap_or(i64::MAX);
    diesel::sql_query(
        "INSERT INTO segment_sizes (segment_id, day, size) VALUES ($1, $2, $3)
         ON CONFLICT (segment_id, day) DO UPDATE SET size = EXCLUDED.size",
    )
    .bind::<BigInt, _>(segment.id)
    .bind::<Date, _>(today)
    .bind::<BigInt, _>(size)
    .execute(conn)?;
    diesel::sql_query("UPDATE segments SET snapshot_at = $2, snapshot_size = $3 WHERE id = $1")
        .bind::<BigInt, _>(segment.id)
        .bind::<Timestamptz, _>(now)
        .bind::<BigInt, _>(size)
        .execute(conn)?;
    Ok(size)
}

/// The nightly work at `now`: for each company whose day has turned since its last run, its RFM
/// scores, then a snapshot of each of its segments. Safe to repeat: a company done today is
/// left alone. Returns the rows written, counted.
pub fn nightly(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<usize> {
    #[derive(QueryableByName)]
    struct Due {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Date)]
        today: NaiveDate,
    }
    let due: Vec<Due> = diesel::sql_query(
        "SELECT co.id, business_day($1, co.time_zone) AS today
         FROM companies co LEFT JOIN rfm_runs r ON r.company_id = co.id
         WHERE r.day IS NULL OR r.day < business_day($1, co.time_zone)",
    )
    .bind::<Timestamptz, _>(now)
    .load(conn)?;
    let mut written = 0;
    for company in due {
        written +=
            usize::try_from(rfm::compute(conn, company.id, company.today, now)?).unwrap_or(0);
        for segment in model::of_company(conn, company.id)? {
            written += usize::try_from(take(conn, &segment, company.today, now)?).unwrap_or(0);
        }
    }
    Ok(written)
}

/// Starts the nightly work on a thread of its own (each hour it looks for companies whose day
/// has turned).
pub fn spawn_nightly(pool: crate::db::DbPool) {
    crate::db::daily::spawn("segments-nightly", pool, nightly);
}

/// The customers of segment `segment`'s snapshot, by id.
pub fn members(conn: &mut PgConnection, segment: i64) -> QueryResult<Vec<i64>> {
    use crate::db::schema::segment_members;
    segment_members::table
        .filter(segment_members::segment_id.eq(segment))
        .order(segment_members::customer_id.asc())
        .select(segment_members::customer_id)
        .load(conn)
}
