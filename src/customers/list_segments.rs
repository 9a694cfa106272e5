//! The saved segments on the customer list, for those who may read segments: a Segments column
//! (the segments each listed customer is in) and a Segment filter. The segments area, above this
//! one, answers through `ListSegments` and the app wires it (`app::LIST_SEGMENTS`), so the list
//! knows no area above it. For anyone else nothing here runs a query.

use std::collections::HashMap;

use diesel::PgConnection;
use diesel::QueryResult;
use patron_rules::Clock;
use patron_rules::users::Role;

use super::model::Within;
use crate::stores::model::company_of;

/// A segment the filter offers.
#[derive(Debug, Clone)]
pub struct SegmentChoice {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// When its members were last written down, as the company reads it ("7 Dec, 03:00");
    /// none: never.
    pub as_of: Option<String>,
}

/// A segment a listed customer is in, linked to its page.
#[derive(Debug, Clone)]
pub struct SegmentLink {
    /// Name.
    pub name: String,
    /// Its page.
    pub href: String,
}

/// What the area that keeps segments tells the list.
pub trait ListSegments: Send + Sync {
    /// Whether `role` may read segments.
    fn readable_by(&self, role: Role) -> bool;
    /// `company`'s segments by name, their snapshot times read by `clock`.
    fn choices(
        &self,
        conn: &mut PgConnection,
        company: i64,
        clock: Clock,
    ) -> QueryResult<Vec<SegmentChoice>>;
    /// The segments of `company` that each of `customers` is in as of its last snapshot, by
    /// customer, in name order: one query for the whole page.
    fn of_customers(
        &self,
        conn: &mut PgConnection,
        company: i64,
        customers: &[i64],
    ) -> QueryResult<HashMap<i64, Vec<SegmentLink>>>;
    /// The SQL that selects the customer ids of a segment's snapshot, up to the segment's id
    /// (bound right after it).
    fn members(&self) -> &'static str;
}

/// The app's wiring: who answers for segments.
#[derive(Clone, Copy)]
pub struct CustomerSegments(pub &'static dyn ListSegments);

/// What a reader of segments sees of them on the list.
pub struct SegmentsShown {
    source: &'static dyn ListSegments,
    company: i64,
    /// The filter's choices.
    pub choices: Vec<SegmentChoice>,
    /// The segment the list keeps, if one is chosen.
    pub chosen: Option<SegmentChoice>,
}

impl CustomerSegments {
    /// What a person of `role` working at `store` sees, with `raw` (the address's `segment`)
    /// read as one of their company's segments; anything else filters nothing. None, without a
    /// query, for those who may not read segments: a `segment=` typed by hand neither filters
    /// nor tells them anything.
    pub fn shown(
        &self,
        conn: &mut PgConnection,
        role: Role,
        store: Option<i64>,
        clock: Clock,
        raw: &str,
    ) -> QueryResult<Option<SegmentsShown>> {
        if !self.0.readable_by(role) {
            return Ok(None);
        }
        let Some(company) = company_of(conn, store)? else {
            return Ok(None);
        };
        let choices = self.0.choices(conn, company.id, clock)?;
        let chosen = raw
            .parse::<i64>()
            .ok()
            .and_then(|id| choices.iter().find(|c| c.id == id).cloned());
        Ok(Some(SegmentsShown {
            source: self.0,
            company: company.id,
            choices,
            chosen,
        }))
    }
}

impl SegmentsShown {
    /// The list's condition for the chosen segment.
    pub fn within(&self) -> Option<Within> {
        self.chosen.as_ref().map(|c| Within {
            members: self.source.members(),
            id: c.id,
        })
    }

    /// The segments each of `customers` is in (none asked for when there are no customers).
    pub fn of_customers(
        &self,
        conn: &mut PgConnection,
        customers: &[i64],
    ) -> QueryResult<HashMap<i64, Vec<SegmentLink>>> {
        if customers.is_empty() {
            return Ok(HashMap::new());
        }
        self.source.of_customers(conn, self.company, customers)
    }
}
