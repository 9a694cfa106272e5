//! "Latest activity" on the home page of those who read the audit log: the last changes people
//! made in words, with links to the records; sign-ins and sign-outs left out (they are not work
//! anyone follows up).

use askama::Template;
use diesel::PgConnection;
use patron_rules::users::Permission;

use super::readable::{Readable, latest_activity};
use crate::web::AppError;
use crate::web::tiles::{HomeRequest, HomeTile, Tile, html};

/// The latest-activity card.
pub struct LatestActivity;

#[derive(Template)]
#[template(path = "audit/home_latest.html")]
struct LatestCard {
    /// When (in the company's time), and the entry.
    entries: Vec<(String, Readable)>,
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
        let entries = latest_activity(conn, 8)?
            .into_iter()
            .map(|e| (request.clock.short(e.at), e))
            .collect();
        Ok(vec![Tile::Card(html(&LatestCard { entries })?)])
    }
}
