//! The customer list's Segments column and Segment filter, answered for the list (which knows no
//! area above it): the viewer's company's saved segments, and those each listed customer was in
//! when each was last written down (what an offer aimed at one reads), for those who read
//! segments.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use patron_rules::Clock;
use patron_rules::users::Role;

use super::READERS;
use crate::customers::list_segments::{ListSegments, SegmentChoice, SegmentLink};
use crate::db::schema::{segment_members, segments};

/// Segments as the customer list shows them.
pub struct ListedSegments;

impl ListSegments for ListedSegments {
    fn readable_by(&self, role: Role) -> bool {
        READERS.iter().any(|p| role.can(*p))
    }

    fn choices(
        &self,
        conn: &mut PgConnection,
        company: i64,
        clock: Clock,
    ) -> QueryResult<Vec<SegmentChoice>> {
        let found: Vec<(i64, String, Option<DateTime<Utc>>)> = segments::table
            .filter(segments::company_id.eq(company))
            .order((segments::name.asc(), segments::id.asc()))
            .select((segments::id, segments::name, segments::snapshot_at))
            .load(conn)?;
        Ok(found
            .into_iter()
            .map(|(id, name, at)| SegmentChoice {
                id,
                name,
                as_of: at.map(|at| clock.short(at)),
            })
            .collect())
    }

    fn of_customers(
        &self,
        conn: &mut PgConnection,
        company: i64,
        customers: &[i64],
    ) -> QueryResult<HashMap<i64, Vec<SegmentLink>>> {
        // `customer_id = ANY($1)`: segment_members_customer_idx serves it.
        let found: Vec<(i64, i64, String)> = segment_members::table
            .inner_join(segments::table)
            .filter(segment_members::customer_id.eq_any(customers))
            .filter(segments::company_id.eq(company))
            .order((segments::name.asc(), segments::id.asc()))
            .select((segment_members::customer_id, segments::id, segments::name))
            .load(conn)?;
        let mut by_customer: HashMap<i64, Vec<SegmentLink>> = HashMap::new();
        for (customer, id, name) in found {
            by_customer.entry(customer).or_default().push(SegmentLink {
                name,
                href: format!("/segments/{id}"),
            });
        }
        Ok(by_customer)
    }

    fn members(&self) -> &'static str {
        "SELECT customer_id FROM segment_members WHERE segment_id = "
    }
}
