//! "Latest activity" on the home page of those who read the audit log: the last changes people
//! made, sign-ins and sign-outs left out (they are not work anyone follows up).

use askama::Template;
use diesel::PgConnection;
use diesel::prelude::*;

use super::model::AuditEntry;
use crate::db::schema::audit_log;
use crate::home::tiles::{HomeRequest, HomeTile, Tile, html};
use crate::users::rules::Permission;
use crate::web::AppError;

/// The latest-activity card.
pub struct LatestActivity;

/// Actions that are not changes to anything.
const NOT_CHANGES: [&str; 2] = ["sign_in", "sign_out"];

struct Line {
    at: String,
    who: String,
    what: String,
}

#[derive(Template)]
#[template(path = "audit/home_latest.html")]
struct LatestCard {
    entries: Vec<Line>,
}

fn latest_changes(conn: &mut PgConnection, n: i64) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .select((
            audit_log::id,
            audit_log::at,
            audit_log::actor_label,
            audit_log::entity,
            audit_log::entity_id,
            audit_log::action,
            audit_log::before,
            audit_log::after,
        ))
        .filter(audit_log::action.ne_all(NOT_CHANGES))
        .order(audit_log::id.desc())
        .limit(n)
        .load(conn)
}

impl HomeTile for LatestActivity {
    fn render(
        &self,
        conn: &mut PgConnection,
        request: &HomeRequest,
    ) -> Result<Vec<Tile>, AppError> {
        if !request.can(Permission::AuditView) {
            return Ok(Vec::new());
        }
        let entries = latest_changes(conn, 8)?
            .into_iter()
            .map(|e| Line {
                at: request.clock.short(e.at),
                who: e.actor_label,
                what: format!(
                    "{} {} {}",
                    e.action.replace('_', " "),
                    e.entity,
                    e.entity_id
                ),
            })
            .collect();
        Ok(vec![Tile::Card(html(&LatestCard { entries })?)])
    }
}
