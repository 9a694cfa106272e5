//! The customer segments offers are aimed at, read from the segments area's tables (that area
//! writes them; offers only read): the form's choices and the check that a segment is the
//! offer's company's, the names and snapshot times pages and the engine show, the stamp that
//! tells the loaded offers a snapshot was retaken, and the segments a customer is in.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Uuid as SqlUuid};

use crate::db::schema::{segment_members, segments};

/// A segment the offer form offers.
#[derive(Debug, Clone)]
pub struct SegmentChoice {
    /// Id.
    pub id: i64,
    /// Company.
    pub company_id: i64,
    /// Name.
    pub name: String,
}

/// Every company's segments, by name (the form shows those of the offer's company).
pub fn choices(conn: &mut PgConnection) -> QueryResult<Vec<SegmentChoice>> {
    Ok(segments::table
        .select((segments::id, segments::company_id, segments::name))
        .order(segments::name.asc())
        .load::<(i64, i64, String)>(conn)?
        .into_iter()
        .map(|(id, company_id, name)| SegmentChoice {
            id,
            company_id,
            name,
        })
        .collect())
}

/// The company segment `id` belongs to (none: no such segment).
pub fn company_of(conn: &mut PgConnection, id: i64) -> QueryResult<Option<i64>> {
    segments::table
        .find(id)
        .select(segments::company_id)
        .first(conn)
        .optional()
}

/// A segment as offers name it.
#[derive(Debug, Clone, Queryable)]
pub struct Named {
    /// Id.
    pub id: i64,
    /// Its company (whose clock reads the snapshot time).
    pub company_id: i64,
    /// Name.
    pub name: String,
    /// When its members were last taken (none: never).
    pub snapshot_at: Option<DateTime<Utc>>,
}

/// Each of `ids` by id, named.
pub fn named(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Named>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(segments::table
        .filter(segments::id.eq_any(ids))
        .select((
            segments::id,
            segments::company_id,
            segments::name,
            segments::snapshot_at,
        ))
        .load::<Named>(conn)?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

/// The segments customer `customer_id` is in as of each one's last snapshot (one lookup by the
/// members' customer index).
pub fn of_customer(conn: &mut PgConnection, customer_id: i64) -> QueryResult<Vec<i64>> {
    segment_members::table
        .filter(segment_members::customer_id.eq(customer_id))
        .select(segment_members::segment_id)
        .load(conn)
}

diesel::define_sql_function! {
    /// Migration `planned_once`: the company's offers revision token and the latest change to
    /// its segments, as one record (no row for a company without a token).
    fn offers_revision(company: BigInt) -> Record<(SqlUuid, Nullable<Timestamptz>)>;
}

/// `company`'s offers revision token with the latest change to any of its segments (a rename or
/// a snapshot), in one statement: loaded offers name their segment and its snapshot time, so
/// either one changing means reloading them.
pub fn revision(
    conn: &mut PgConnection,
    company: i64,
) -> QueryResult<Option<(uuid::Uuid, Option<DateTime<Utc>>)>> {
    // A function (its plan made once per connection), called through the query builder so
    // that the call itself is a prepared statement Diesel keeps, not parsed on every sale.
    diesel::select(offers_revision(company))
        .get_result(conn)
        .optional()
}
