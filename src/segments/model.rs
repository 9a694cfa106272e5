//! Segments as stored: a company's named filters (`Filters` as JSON), created and saved through
//! the audit log, and the size each snapshot found.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use patron_rules::segments::Filters;
use serde::Serialize;

use crate::audit;
use crate::db::schema::{segment_sizes, segments};
use crate::kernel::Actor;

/// The audit log's name for a segment.
pub const ENTITY: &str = "segment";

/// A segment as its form edits it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = segments)]
pub struct SegmentFields {
    /// Company (the maker's).
    pub company_id: i64,
    /// Name (unique per company).
    pub name: String,
    /// Description.
    pub description: String,
    /// The filters, as JSON.
    pub filters: serde_json::Value,
}

impl SegmentFields {
    /// The filters (an unreadable set reads as none, which the page shows as every customer).
    pub fn filters(&self) -> Filters {
        serde_json::from_value(self.filters.clone()).unwrap_or_default()
    }
}

/// A stored segment.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = segments)]
pub struct Segment {
    /// Id.
    pub id: i64,
    /// Its settings.
    #[diesel(embed)]
    pub fields: SegmentFields,
    /// When its members were last snapshotted.
    pub snapshot_at: Option<DateTime<Utc>>,
    /// How many the snapshot found.
    pub snapshot_size: Option<i64>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// Segment `id`.
pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Segment> {
    segments::table
        .find(id)
        .select(Segment::as_select())
        .first(conn)
}

/// Segment `id` if it is the company of store `store`'s (a user's home company); not found
/// otherwise.
pub fn owned(conn: &mut PgConnection, store: Option<i64>, id: i64) -> QueryResult<Segment> {
    let (company, _) = crate::stores::model::home_company(conn, store)?;
    segments::table
        .find(id)
        .filter(segments::company_id.eq(company.id))
        .select(Segment::as_select())
        .first(conn)
}

/// `company`'s segments by name.
pub fn of_company(conn: &mut PgConnection, company: i64) -> QueryResult<Vec<Segment>> {
    segments::table
        .filter(segments::company_id.eq(company))
        .order(segments::name.asc())
        .select(Segment::as_select())
        .load(conn)
}

/// Whether another segment of `company` is named `name` (case-insensitively).
pub fn name_taken(
    conn: &mut PgConnection,
    company: i64,
    name: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let mut query = segments::table
        .filter(segments::company_id.eq(company))
        .filter(crate::db::lower(segments::name).eq(name.to_lowercase()))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(segments::id.ne(id));
    }
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

/// Creates a segment, audited; returns its id.
pub fn create(conn: &mut PgConnection, actor: &Actor, fields: &SegmentFields) -> QueryResult<i64> {
    let created = audit::create(conn, actor, ENTITY, |conn| {
        let id: i64 = diesel::insert_into(segments::table)
            .values(fields)
            .returning(segments::id)
            .get_result(conn)?;
        Ok(audit::Keyed {
            id,
            snapshot: fields,
        })
    })?;
    Ok(created.id)
}

/// Saves segment `id`, audited with before and after.
pub fn save(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    fields: &SegmentFields,
) -> QueryResult<()> {
    audit::update(
        conn,
        actor,
        ENTITY,
        id,
        |conn| {
            segments::table
                .find(id)
                .select(SegmentFields::as_select())
                .for_update()
                .first(conn)
        },
        |conn, _| {
            diesel::update(segments::table.find(id))
                .set((fields, segments::updated_at.eq(diesel::dsl::now)))
                .execute(conn)?;
            Ok(fields.clone())
        },
    )?;
    Ok(())
}

/// The size of segment `id` on each day a snapshot was taken, oldest first (at most `days`).
pub fn sizes(conn: &mut PgConnection, id: i64, days: i64) -> QueryResult<Vec<(NaiveDate, i64)>> {
    let mut rows: Vec<(NaiveDate, i64)> = segment_sizes::table
        .filter(segment_sizes::segment_id.eq(id))
        .order(segment_sizes::day.desc())
        .limit(days)
        .select((segment_sizes::day, segment_sizes::size))
        .load(conn)?;
    rows.reverse();
    Ok(rows)
}

/// Notes in the audit log an action a person ran on segment `id` ("snapshot", "export") and
/// what it came to (`after`: the members written or exported).
pub fn note(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    action: &str,
    after: serde_json::Value,
) -> QueryResult<()> {
    audit::record(conn, actor, ENTITY, id, action, None, Some(after))
}

/// Notes in the audit log that a person recomputed `company`'s RFM scores, over how many.
pub fn note_rfm(
    conn: &mut PgConnection,
    actor: &Actor,
    company: i64,
    customers: i64,
) -> QueryResult<()> {
    let after = serde_json::json!({ "customers": customers });
    audit::record(
        conn,
        actor,
        "rfm_scores",
        company,
        "compute",
        None,
        Some(after),
    )
}
