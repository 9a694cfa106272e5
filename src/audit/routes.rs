//! The Audit page (audit.view): entries newest first in words, filtered by user, kind of record,
//! action and date, paged both ways by id (keyset), never by offset.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use patron_rules::users::Permission;
use serde::Deserialize;

use super::labels::{actions, kind_label};
use super::model::{self, AuditFilter};
use super::readable::{Readable, describe};
use crate::state::AppState;
use crate::web::pager::{self, PageQuery, Pager};
use crate::web::request::is_fragment_request;
use crate::web::{AppError, CurrentUser, PageCtx, render};

const PAGE_SIZE: i64 = 50;

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit", web::get().to(index));
}

/// The filter form as it arrives in the query string (empty strings mean "any").
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Query {
    user: String,
    entity: String,
    action: String,
    id: String,
    from: String,
    to: String,
    #[serde(flatten)]
    page: PageQuery,
}

impl Query {
    /// The page's address with its filters.
    fn link(&self) -> String {
        pager::link(
            "/audit",
            &[
                ("user", self.user.as_str()),
                ("entity", &self.entity),
                ("action", &self.action),
                ("id", &self.id),
                ("from", &self.from),
                ("to", &self.to),
            ],
        )
    }
}

/// An entry as the table shows it.
struct Row {
    entry: Readable,
}

#[derive(Template)]
#[template(path = "audit/index.html", blocks = ["rows"])]
struct IndexPage {
    ctx: PageCtx,
    rows: Vec<Row>,
    users: Vec<(i64, String, String)>,
    entities: Vec<(String, String)>,
    actions: Vec<(&'static str, &'static str)>,
    query: Query,
    pager: Pager,
    date_error: Option<&'static str>,
}

impl IndexPage {
    fn user_selected(&self, id: &i64) -> bool {
        self.query.user == id.to_string()
    }
}

fn parse_date(s: &str) -> Result<Option<NaiveDate>, ()> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ())
    }
}

async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<Query>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::AuditView)?;
    let query = query.into_inner();
    let (from, to) = (parse_date(&query.from), parse_date(&query.to));
    let date_error = (from.is_err() || to.is_err()).then_some("Dates look like 2026-11-23.");
    let keyset = query.page.keyset(|key| key.parse::<i64>().ok());
    let filter = AuditFilter {
        actor_id: query.user.parse().ok(),
        entity: Some(query.entity.clone()).filter(|e| !e.is_empty()),
        entity_id: Some(query.id.clone()).filter(|id| !id.is_empty()),
        from: from.unwrap_or(None).map(|day| user.clock.start_of(day)),
        until: to
            .unwrap_or(None)
            .and_then(|day| day.succ_opt())
            .map(|day| user.clock.start_of(day)),
        action: Some(query.action.clone()).filter(|a| !a.is_empty()),
        except_actions: Vec::new(),
        page: keyset,
    };
    let (page_query, link) = (query.page.clone(), query.link());
    let (readable, pager, users, entities) = state
        .db
        .run(move |conn| {
            let entries = model::list(conn, &filter, PAGE_SIZE + 1)?;
            let (shown, pager) = pager::paginate(
                &page_query,
                &filter.page,
                entries,
                usize::try_from(PAGE_SIZE).unwrap_or(50),
                |e| e.id.to_string(),
                &link,
                "audit-rows",
            );
            let readable = describe(conn, shown)?;
            Ok((
                readable,
                pager,
                model::actors(conn)?,
                model::entities(conn)?,
            ))
        })
        .await?;
    let mut entities: Vec<(String, String)> = entities
        .into_iter()
        .map(|code| {
            let label = kind_label(&code);
            (code, label)
        })
        .collect();
    entities.sort_by(|a, b| a.1.cmp(&b.1));
    let page = IndexPage {
        ctx: user.page(),
        rows: readable.into_iter().map(|entry| Row { entry }).collect(),
        users,
        entities,
        actions: actions().collect(),
        query,
        pager,
        date_error,
    };
    if is_fragment_request(&req) {
        render(&page.as_rows())
    } else {
        render(&page)
    }
}
