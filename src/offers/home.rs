//! Offers on marketing's home page: how many offers apply today, and each active campaign with
//! the discount its offers gave against its budget.

use askama::Template;
use diesel::prelude::*;
use patron_rules::keyset::Keyset;
use patron_rules::users::Permission;

use super::campaign_form::budget_use;
use super::model::campaigns::Campaign;
use super::model::queries::{self, OfferFilter, Status};
use crate::db::schema::campaigns;
use crate::web::AppError;
use crate::web::format::count;
use crate::web::tiles::{Figure, HomeRequest, HomeTile, Tile, html};

/// The active-offers figure and the campaigns card.
pub struct Offers;

/// Offers counted at most (the figure says "1,000+" beyond).
const COUNT_MAX: i64 = 1000;

struct CampaignLine {
    id: i64,
    name: String,
    given: String,
    budget: Option<String>,
    percent: u32,
    over: Option<String>,
}

#[derive(Template)]
#[template(path = "offers/home_campaigns.html")]
struct CampaignsCard {
    campaigns: Vec<CampaignLine>,
}

impl HomeTile for Offers {
    fn render(
        &self,
        conn: &mut PgConnection,
        request: &HomeRequest,
    ) -> Result<Vec<Tile>, AppError> {
        if !request.can(Permission::OffersManage) {
            return Ok(Vec::new());
        }
        // Before any company exists there is nothing to count.
        let Some(company) = crate::stores::model::company_of(conn, request.own_store())? else {
            return Ok(Vec::new());
        };
        let currency = crate::stores::model::company_currency(conn, company.id)?;
        let filter = OfferFilter {
            company_id: company.id,
            status: Some(Status::Active),
            today: request.today,
            ..OfferFilter::default()
        };
        let active = queries::list(conn, &filter, &Keyset::First, COUNT_MAX + 1)?.len() as i64;
        let mut tiles = vec![Tile::Figure(Figure {
            value: if active > COUNT_MAX {
                format!("{}+", count(COUNT_MAX))
            } else {
                count(active)
            },
            label: "offers active today".into(),
            detail: None,
            href: Some("/offers?status=active".into()),
        })];
        let running: Vec<Campaign> = campaigns::table
            .filter(campaigns::company_id.eq(company.id))
            .filter(campaigns::active.eq(true))
            .filter(campaigns::start_date.le(request.today))
            .filter(
                campaigns::end_date
                    .is_null()
                    .or(campaigns::end_date.ge(request.today)),
            )
            .order(campaigns::name.asc())
            .limit(10)
            .select(Campaign::as_select())
            .load(conn)?;
        let lines = running
            .into_iter()
            .map(|c| {
                let (percent, over) = c
                    .fields
                    .budget
                    .map(|b| budget_use(c.discount_given, b))
                    .unwrap_or((0, None));
                CampaignLine {
                    id: c.id,
                    given: currency.format(c.discount_given),
                    budget: c.fields.budget.map(|b| currency.format(b)),
                    percent,
                    over: over.map(|o| currency.format(o)),
                    name: c.fields.name,
                }
            })
            .collect();
        tiles.push(Tile::Card(html(&CampaignsCard { campaigns: lines })?));
        Ok(tiles)
    }
}
