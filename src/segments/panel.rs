//! The Segments card on the customer page: the saved segments the customer was in when each was
//! last written down (what an offer aimed at one of them reads), for those who read segments.

use askama::Template;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::READERS;
use crate::customers::panels::{self as customer_panels, CustomerPanel, PanelRequest, Slot};
use crate::db::schema::{segment_members, segments};
use crate::web::AppError;

#[derive(Template)]
#[template(path = "segments/panel.html")]
struct CardFragment {
    /// (id, name, written down at).
    segments: Vec<(i64, String, String)>,
}

/// The Segments card of the customer page.
pub struct SegmentsCard;

impl CustomerPanel for SegmentsCard {
    fn render(
        &self,
        conn: &mut PgConnection,
        request: &PanelRequest,
    ) -> Result<Option<customer_panels::Panel>, AppError> {
        if !READERS.iter().any(|p| request.viewer.role.can(*p)) {
            return Ok(None);
        }
        let found: Vec<(i64, String, Option<DateTime<Utc>>)> = segment_members::table
            .inner_join(segments::table)
            .filter(segment_members::customer_id.eq(request.customer.id))
            .order(segments::name.asc())
            .select((segments::id, segments::name, segments::snapshot_at))
            .load(conn)?;
        let clock = request.viewer.clock;
        let fragment = CardFragment {
            segments: found
                .into_iter()
                .map(|(id, name, at)| (id, name, at.map(|at| clock.at(at)).unwrap_or_default()))
                .collect(),
        };
        Ok(Some(customer_panels::Panel {
            slot: Slot::Card,
            html: customer_panels::html(&fragment)?,
        }))
    }
}
