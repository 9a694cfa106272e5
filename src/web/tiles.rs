//! The parts of the home page that areas own. Each area says what its tiles show to whom (a
//! supervisor sees their store's day, HQ the chain's, marketing their programs); the app lists
//! them (`app::home_tiles`) and the home page lays them out, knowing none of those areas.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;
use patron_rules::clock::Clock;
use patron_rules::users::{Permission, Role};

use crate::web::AppError;
use crate::web::auth::StoreScope;

/// Who looks at the home page and when: what tiles decide their content by.
#[derive(Debug, Clone)]
pub struct HomeRequest {
    /// Their role.
    pub role: Role,
    /// Whose records they work on (a supervisor: their store).
    pub scope: StoreScope,
    /// The name of the viewer's own store (see `own_store`), read once for every tile.
    pub store_name: Option<String>,
    /// The company's clock: "today" and the times shown are the company's.
    pub clock: Clock,
    /// Today, in the company's time zone.
    pub today: NaiveDate,
    /// When today began.
    pub day_start: DateTime<Utc>,
    /// The first moment of the current month.
    pub month_start: DateTime<Utc>,
}

impl HomeRequest {
    /// Whether the viewer holds `permission`.
    pub fn can(&self, permission: Permission) -> bool {
        self.role.can(permission)
    }

    /// The viewer's own store, when they work for one store.
    pub fn own_store(&self) -> Option<i64> {
        self.scope.only().flatten()
    }
}

/// One big number at the top of the page ("$12,480.00 sales today").
#[derive(Debug, Clone)]
pub struct Figure {
    /// The number, formatted.
    pub value: String,
    /// What it counts.
    pub label: String,
    /// A second line (the count behind an amount, a comparison).
    pub detail: Option<String>,
    /// Where the number's details are, if the viewer may go there.
    pub href: Option<String>,
}

/// What a tile adds to the page.
#[derive(Debug, Clone)]
pub enum Tile {
    /// The page's first thing, above the figures (the customer search, for people at a counter).
    Lead(String),
    /// A number in the row of figures.
    Figure(Figure),
    /// A card under the figures: HTML rendered (and escaped) by the owning area's template.
    Card(String),
}

/// One area's part of the home page.
pub trait HomeTile: Send + Sync {
    /// The tiles for `request`; none when the viewer does not work on what the area shows.
    fn render(&self, conn: &mut PgConnection, request: &HomeRequest)
    -> Result<Vec<Tile>, AppError>;

    /// Whether the tile reads only report figures, which a read replica may serve.
    fn reads_reports(&self) -> bool {
        false
    }
}

/// The tiles in the order the app wired them.
pub struct HomeTiles(Vec<&'static dyn HomeTile>);

impl HomeTiles {
    /// The tiles, in order.
    pub fn new(tiles: Vec<&'static dyn HomeTile>) -> HomeTiles {
        HomeTiles(tiles)
    }

    /// Every tile for `request`, in order; those that read report figures read `reports` (a
    /// replica's connection) when given.
    pub fn render(
        &self,
        conn: &mut PgConnection,
        mut reports: Option<&mut PgConnection>,
        request: &HomeRequest,
    ) -> Result<Vec<Tile>, AppError> {
        let mut shown = Vec::new();
        for tile in &self.0 {
            let conn = match reports.as_deref_mut() {
                Some(replica) if tile.reads_reports() => replica,
                _ => &mut *conn,
            };
            shown.extend(tile.render(conn, request)?);
        }
        Ok(shown)
    }
}

pub use crate::web::page::html;
