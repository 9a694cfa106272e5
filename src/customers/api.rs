//! The customers part of the till API: the change feed, create and offline-edit merge, search and
//! lookup. Every write is one transaction, audited as the till.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::feed::{self, CustomerRecord};
use super::model::{self, ListFilter};
use super::rules::search_terms;
use super::sync::{self, TillCustomer};
use super::sync_rules::{Conflict, FieldChange};
use crate::api::feed::Cursor;
use crate::api::json;
use crate::api::terminal::Terminal;
use crate::app::AppState;
use crate::web::AppError;

/// How many customers a till's search returns.
pub const SEARCH_LIMIT: i64 = 20;

/// Mounts the routes (the literal ones before `{id}`).
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/customers/changes", web::get().to(changes))
        .route("/api/v1/customers/search", web::get().to(search))
        .route("/api/v1/customers", web::post().to(create))
        .route("/api/v1/customers/{id}", web::get().to(show))
        .route("/api/v1/customers/{id}", web::patch().to(patch));
}

/// The query as sent: text, so that a bad value is named in the answer.
#[derive(Debug, Deserialize)]
struct ChangesQuery {
    after: Option<String>,
    limit: Option<String>,
}

async fn changes(
    state: web::Data<AppState>,
    _till: Terminal,
    query: web::Query<ChangesQuery>,
) -> Result<HttpResponse, AppError> {
    let cursor = Cursor::parse(query.after.as_deref(), query.limit.as_deref())?;
    let page = state
        .db
        .run(move |conn| Ok(feed::changes(conn, cursor)?))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Numbers the change just committed, so the answer carries its place in the feed.
async fn fresh_record(state: &AppState, id: i64) -> Result<CustomerRecord, AppError> {
    state
        .db
        .run(move |conn| {
            crate::db::sequence_changes(conn)?;
            Ok(sync::record(conn, id)?)
        })
        .await
}

async fn create(
    state: web::Data<AppState>,
    till: Terminal,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let body: TillCustomer = json::parse(&body)?;
    if body.id.is_nil() {
        return Err(AppError::field(
            "id",
            "Send the customer's uuid, chosen by the till.",
        ));
    }
    let actor = till.actor();
    let store_id = till.store_id;
    let (id, made) = state
        .db
        .tx(move |conn| sync::create(conn, &body, store_id, today(), &actor))
        .await?;
    let record = fresh_record(&state, id).await?;
    Ok(if made {
        HttpResponse::Created().json(record)
    } else {
        HttpResponse::Ok().json(record)
    })
}

#[derive(Debug, Deserialize)]
struct PatchBody {
    changes: BTreeMap<String, FieldChange>,
}

#[derive(Debug, Serialize)]
struct PatchAnswer {
    customer: CustomerRecord,
    conflicts: Vec<Conflict>,
}

async fn patch(
    state: web::Data<AppState>,
    till: Terminal,
    uuid: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let body: PatchBody = json::parse(&body)?;
    let uuid = uuid.into_inner();
    let actor = till.actor();
    let (id, conflicts) = state
        .db
        .tx(move |conn| sync::patch(conn, uuid, &body.changes, today(), &actor))
        .await?;
    let customer = fresh_record(&state, id).await?;
    Ok(HttpResponse::Ok().json(PatchAnswer {
        customer,
        conflicts,
    }))
}

/// A customer with what they owe and may still buy on account.
#[derive(Debug, Serialize)]
struct WithBalances {
    #[serde(flatten)]
    customer: CustomerRecord,
    balances: crate::sales::api::AccountAnswer,
}

async fn show(
    state: web::Data<AppState>,
    _till: Terminal,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let uuid = uuid.into_inner();
    let answer = state
        .db
        .run(move |conn| {
            let id = sync::id_of(conn, uuid)?;
            Ok(WithBalances {
                customer: sync::record(conn, id)?,
                balances: crate::sales::api::account(conn, id)?,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Debug, Serialize)]
struct SearchAnswer {
    customers: Vec<CustomerRecord>,
}

async fn search(
    state: web::Data<AppState>,
    _till: Terminal,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let Some(terms) = search_terms(&query.q) else {
        return Err(AppError::field(
            "q",
            "Type at least part of a name, code, phone or email.",
        ));
    };
    let customers = state
        .db
        .run(move |conn| {
            let filter = ListFilter {
                search: Some(terms),
                ..ListFilter::default()
            };
            let ids: Vec<i64> = model::list(conn, &filter, SEARCH_LIMIT)?
                .into_iter()
                .map(|row| row.id)
                .collect();
            Ok(sync::records(conn, &ids)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SearchAnswer { customers }))
}
