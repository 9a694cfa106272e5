//! The home page: what the signed-in person works on, from the tiles their areas give them
//! (see `web::tiles`): a supervisor's store today, HQ's sales and new customers, marketing's
//! programs.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Datelike, Utc};

use crate::state::AppState;
use crate::stores::model as stores;
use crate::web::tiles::{Figure, HomeRequest, HomeTiles, Tile};
use crate::web::{AppError, CurrentUser, PageCtx, render};

/// Mounts the route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home));
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
    first_name: String,
    today: String,
    leads: Vec<String>,
    figures: Vec<Figure>,
    cards: Vec<String>,
}

async fn home(
    state: web::Data<AppState>,
    tiles: web::Data<HomeTiles>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let clock = user.clock;
    let today = clock.date(Utc::now());
    let mut request = HomeRequest {
        role: user.role,
        scope: user.store_scope(),
        store_name: None,
        clock,
        today,
        day_start: clock.start_of(today),
        month_start: clock.start_of(today.with_day(1).unwrap_or(today)),
    };
    // With a reports replica, the sales figures read there, on a connection of its own pool.
    let replica = state
        .reports_replica()
        .then(|| state.reports.pool().clone());
    let shown = state
        .db
        .run(move |conn| {
            // The month's top customers: every sale so far folded in.
            crate::db::fold::fold(conn)?;
            if let Some(store) = request.own_store() {
                request.store_name = Some(stores::find(conn, store)?.name);
            }
            let mut replica = match replica {
                Some(pool) => Some(
                    pool.get()
                        .map_err(|e| AppError::Unavailable(e.to_string()))?,
                ),
                None => None,
            };
            tiles.render(conn, replica.as_deref_mut(), &request)
        })
        .await?;
    let (mut leads, mut figures, mut cards) = (Vec::new(), Vec::new(), Vec::new());
    for tile in shown {
        match tile {
            Tile::Lead(html) => leads.push(html),
            Tile::Figure(figure) => figures.push(figure),
            Tile::Card(html) => cards.push(html),
        }
    }
    render(&HomePage {
        ctx: user.page(),
        first_name: user.name.split_whitespace().next().unwrap_or("").to_owned(),
        today: today.format("%A %-d %B %Y").to_string(),
        leads,
        figures,
        cards,
    })
}
