//! The Audit page (audit.view): entries newest first, filtered by user, entity and date, with a
//! "Next" link that pages by id (keyset), never by offset.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::model::{self, AuditEntry, AuditFilter};
use crate::state::AppState;
use crate::users::rules::Permission;
use crate::web::request::is_fragment_request;
use crate::web::{AppError, CurrentUser, PageCtx, render};

const PAGE_SIZE: i64 = 50;

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit", web::get().to(index));
}

/// The filter form as it arrives in the query string (empty strings mean "any").
#[derive(Debug, Default, Deserialize)]
struct Query {
    #[serde(default)]
    user: String,
    #[serde(default)]
    entity: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: String,
}

/// An entry as the table shows it.
struct Row {
    at: chrono::DateTime<chrono::Utc>,
    who: String,
    entity: String,
    entity_id: String,
    action: String,
    before: Option<String>,
    after: Option<String>,
}

impl From<AuditEntry> for Row {
    fn from(e: AuditEntry) -> Row {
        let pretty =
            |v: Option<serde_json::Value>| v.and_then(|v| serde_json::to_string_pretty(&v).ok());
        Row {
            at: e.at,
            who: e.actor_label,
            entity: e.entity,
            entity_id: e.entity_id,
            action: e.action.replace('_', " "),
            before: pretty(e.before),
            after: pretty(e.after),
        }
    }
}

#[derive(Template)]
#[template(path = "audit/index.html", blocks = ["rows"])]
struct IndexPage {
    ctx: PageCtx,
    rows: Vec<Row>,
    users: Vec<(i64, String, String)>,
    entities: Vec<String>,
    query: Query,
    next_link: Option<String>,
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
    let filter = AuditFilter {
        actor_id: query.user.parse().ok(),
        entity: Some(query.entity.clone()).filter(|e| !e.is_empty()),
        entity_id: Some(query.id.clone()).filter(|id| !id.is_empty()),
        from: from.unwrap_or(None),
        to: to.unwrap_or(None),
        before_id: query.before.parse().ok(),
    };
    let (entries, users, entities) = state
        .db
        .run(move |conn| {
            let entries = model::list(conn, &filter, PAGE_SIZE + 1)?;
            Ok((entries, model::actors(conn)?, model::entities(conn)?))
        })
        .await?;
    let has_more = entries.len() > usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX);
    let shown: Vec<AuditEntry> = entries.into_iter().take(50).collect();
    let next_link = match (has_more, shown.last()) {
        (true, Some(last)) => Some(format!(
            "/audit?{}",
            serde_urlencoded::to_string([
                ("user", query.user.as_str()),
                ("entity", query.entity.as_str()),
                ("id", query.id.as_str()),
                ("from", query.from.as_str()),
                ("to", query.to.as_str()),
                ("before", &last.id.to_string()),
            ])
            .unwrap_or_default()
        )),
        _ => None,
    };
    let page = IndexPage {
        ctx: user.page(),
        rows: shown.into_iter().map(Row::from).collect(),
        users,
        entities,
        query,
        next_link,
        date_error,
    };
    if is_fragment_request(&req) {
        render(&page.as_rows())
    } else {
        render(&page)
    }
}
