//! Gift cards on the home page of the people who keep them: what the cards owed still hold (the
//! liability report's figure as of today), once there are cards.

use diesel::PgConnection;
use patron_rules::users::Permission;

use super::model::queries::Currencies;
use super::report;
use crate::web::AppError;
use crate::web::tiles::{Figure, HomeRequest, HomeTile, Tile};

/// The gift card liability figure.
pub struct Outstanding;

impl HomeTile for Outstanding {
    fn render(
        &self,
        conn: &mut PgConnection,
        request: &HomeRequest,
    ) -> Result<Vec<Tile>, AppError> {
        if !request.can(Permission::GiftCardsManage) {
            return Ok(Vec::new());
        }
        // The company's day, as the report reads it.
        let rows = report::owed_now(conn, request.clock.today())?;
        let mut currencies = Currencies::default();
        let mut tiles = Vec::with_capacity(rows.len());
        for row in rows {
            let currency = currencies.get(conn, &row.head.currency_code)?;
            tiles.push(Tile::Figure(Figure {
                value: currency.format(row.outstanding),
                label: "on gift cards".into(),
                detail: Some(format!("{} not expired", report::cards(row.cards))),
                href: Some(if request.can(Permission::ReportsView) {
                    "/reports/gift-cards".into()
                } else {
                    "/gift-cards".into()
                }),
            }));
        }
        Ok(tiles)
    }
}
