//! Loyalty on marketing's home page: each program with its members, the points they hold and
//! what those points are worth (the liability report's figures, for active programs).

use askama::Template;
use diesel::PgConnection;
use patron_rules::users::Permission;

use super::model::reports::{self, CompanyCurrencies};
use crate::web::AppError;
use crate::web::format::count;
use crate::web::tiles::{Figure, HomeRequest, HomeTile, Tile, html};

/// The loyalty programs card and the points-liability figure.
pub struct Programs;

struct ProgramLine {
    id: i64,
    name: String,
    active: bool,
    members: String,
    points: String,
    value: String,
}

#[derive(Template)]
#[template(path = "loyalty/home_programs.html")]
struct ProgramsCard {
    programs: Vec<ProgramLine>,
    sees_reports: bool,
}

impl HomeTile for Programs {
    fn render(
        &self,
        conn: &mut PgConnection,
        request: &HomeRequest,
    ) -> Result<Vec<Tile>, AppError> {
        if !request.can(Permission::LoyaltyManage) {
            return Ok(Vec::new());
        }
        let rows = reports::liability(conn, request.today)?;
        let mut currencies = CompanyCurrencies::default();
        let mut priced = Vec::with_capacity(rows.len());
        for row in rows {
            let currency = currencies.get(conn, row.head.company_id)?;
            priced.push((row, currency));
        }
        let mut tiles: Vec<Tile> = reports::totals(&priced)
            .into_iter()
            .map(|total| {
                Tile::Figure(Figure {
                    value: total.currency.format(total.liability),
                    label: "points liability".into(),
                    detail: Some(format!(
                        "{} points held by {} members",
                        count(total.points),
                        count(total.members)
                    )),
                    href: request
                        .can(Permission::ReportsView)
                        .then(|| "/loyalty/reports".into()),
                })
            })
            .collect();
        let programs = priced
            .iter()
            .map(|(row, currency)| ProgramLine {
                id: row.head.program_id,
                name: row.head.program.clone(),
                active: row.head.active,
                members: count(row.members),
                points: count(row.points),
                value: currency.format(reports::value(
                    row.points,
                    row.head.conversion_factor,
                    currency,
                )),
            })
            .collect();
        tiles.push(Tile::Card(html(&ProgramsCard {
            programs,
            sees_reports: request.can(Permission::ReportsView),
        })?));
        Ok(tiles)
    }
}
