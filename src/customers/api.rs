//! The customers part of the till API: the change feed, create and offline-edit merge, search and
//! lookup. Every write is one transaction, audited as the till.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use patron_rules::customers::search_terms;
use patron_rules::customers::sync as merge;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::feed::{self, CustomerRecord, FeedPage};
use super::hooks::CustomerHooks;
use super::list_page;
use super::model::ListFilter;
use super::sync::{self, TillCustomer};
use crate::state::AppState;
use crate::web::AppError;
use crate::web::till::ApiError;
use crate::web::till::ApiRoutes;
use crate::web::till::examples::CUSTOMER_ID;
use crate::web::till::feed::{Cursor, FeedParams};
use crate::web::till::json;
use crate::web::till::terminal::Terminal;

/// How many customers a till's search returns.
pub const SEARCH_LIMIT: i64 = 20;

/// Mounts the routes (the literal ones before `{id}`).
pub fn routes(routes: &mut ApiRoutes) {
    routes
        .add(__path_changes, changes)
        .add(__path_search, search)
        .add(__path_create, create)
        .add(__path_patch, patch);
}

/// The query as sent: text, so that a bad value is named in the answer.
#[derive(Debug, Deserialize)]
struct ChangesQuery {
    after: Option<String>,
    limit: Option<String>,
}

/// Customers changed after a cursor, in change order.
///
/// Whole records, deactivated and merged ones included. Ask again with `after=next` until
/// `has_more` is false: a till that does has every customer and sees each later change once.
#[utoipa::path(get, path = "/api/v1/customers/changes", tag = "customers",
    operation_id = "customer_changes", params(FeedParams),
    responses(
        (status = 200, description = "One page of the feed", body = FeedPage),
        (status = 422, description = "`after` or `limit` out of range", body = ApiError),
    ))]
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

/// Creates a customer at the till's store; HQ assigns the code.
///
/// Idempotent by the till's uuid: a retry answers 200 with the same customer and code. Group and
/// territory go by name (absent: the roots of the trees).
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers",
    operation_id = "create_customer",
    request_body(content = TillCustomer, example = json!({
        "id": CUSTOMER_ID, "first_name": "Ana", "last_name": "Lima",
        "customer_group": "Individual", "territory": "United States",
        "mobile": "+1 555 010 2030", "email": "ana.lima@example.com",
        "city": "Springfield", "postcode": "62701", "country_code": "US",
        "birthday": "1990-04-23", "gender": "female"
    })),
    responses(
        (status = 201, description = "Created", body = CustomerRecord),
        (status = 200, description = "A retry: the customer made the first time", body = CustomerRecord),
        (status = 400, description = "The body is not JSON", body = ApiError),
        (status = 422, description = "A field is missing or wrong (a `birthday` before 1900 or in the future, say); `fields` names it", body = ApiError),
    ))]
async fn create(
    state: web::Data<AppState>,
    hooks: web::Data<CustomerHooks>,
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
    let store_id = till.store_id.get();
    let today = till.clock.today();
    let (id, made) = state
        .db
        .tx(move |conn| sync::create(conn, &hooks, &body, store_id, today, &actor))
        .await?;
    let record = fresh_record(&state, id).await?;
    Ok(if made {
        HttpResponse::Created().json(record)
    } else {
        HttpResponse::Ok().json(record)
    })
}

/// One field's change as the till saw it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
struct FieldChange {
    /// The value the till had before its edit.
    from: serde_json::Value,
    /// The value the till wants.
    to: serde_json::Value,
}

/// A field HQ changed while the till was editing it too.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
struct Conflict {
    /// The field.
    field: String,
    /// What the till had.
    from: serde_json::Value,
    /// What the till wanted.
    to: serde_json::Value,
    /// What HQ holds, and keeps.
    current: serde_json::Value,
}

impl From<merge::Conflict> for Conflict {
    fn from(c: merge::Conflict) -> Conflict {
        Conflict {
            field: c.field,
            from: c.from,
            to: c.to,
            current: c.current,
        }
    }
}

/// A till's offline edit.
#[derive(Debug, Deserialize, ToSchema)]
struct PatchBody {
    /// Each changed field (`email`, `mobile`, ...) with the value the till had and the one it wants.
    changes: BTreeMap<String, FieldChange>,
}

/// The merged customer and the fields HQ had changed meanwhile.
#[derive(Debug, Serialize, ToSchema)]
struct PatchAnswer {
    /// The whole current record.
    customer: CustomerRecord,
    /// Fields that kept HQ's value.
    conflicts: Vec<Conflict>,
}

/// Applies a till's offline edit field by field.
///
/// A field whose HQ value still equals `from` takes `to`; a field HQ changed meanwhile keeps HQ's
/// value and is listed in `conflicts`. No lost update, no silent overwrite.
#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "customers",
    operation_id = "patch_customer",
    params(("id" = Uuid, Path, description = "The customer's uuid", example = json!(CUSTOMER_ID))),
    request_body(content = PatchBody, example = json!({"changes": {
        "email": {"from": "ana.lima@example.com", "to": "ana@example.com"},
        "city": {"from": "Springfield", "to": "Shelbyville"}
    }})),
    responses(
        (status = 200, description = "The merged customer and the conflicts", body = PatchAnswer),
        (status = 400, description = "The body is not JSON", body = ApiError),
        (status = 404, description = "No customer has this uuid", body = ApiError),
        (status = 422, description = "A field is unknown or its new value wrong", body = ApiError),
    ))]
async fn patch(
    state: web::Data<AppState>,
    hooks: web::Data<CustomerHooks>,
    till: Terminal,
    uuid: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let body: PatchBody = json::parse(&body)?;
    let uuid = uuid.into_inner();
    let actor = till.actor();
    let changes: BTreeMap<String, merge::FieldChange> = body
        .changes
        .into_iter()
        .map(|(field, c)| {
            (
                field,
                merge::FieldChange {
                    from: c.from,
                    to: c.to,
                },
            )
        })
        .collect();
    let today = till.clock.today();
    let (id, conflicts) = state
        .db
        .tx(move |conn| sync::patch(conn, &hooks, uuid, &changes, today, &actor))
        .await?;
    let customer = fresh_record(&state, id).await?;
    Ok(HttpResponse::Ok().json(PatchAnswer {
        customer,
        conflicts: conflicts.into_iter().map(Conflict::from).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// Part of a name, code, mobile or email (not only spaces).
    #[serde(default)]
    #[param(required = true, pattern = r"\S", example = "lima")]
    q: String,
}

/// The best matches.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CustomerSearch)]
struct SearchAnswer {
    /// Active customers only, at most 20, best first.
    customers: Vec<CustomerRecord>,
}

/// Active customers matching a text, as the customer list matches them; the top 20.
#[utoipa::path(get, path = "/api/v1/customers/search", tag = "customers",
    operation_id = "search_customers", params(SearchQuery),
    responses(
        (status = 200, description = "The best matches", body = SearchAnswer),
        (status = 422, description = "`q` holds nothing to search for", body = ApiError),
    ))]
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
            let ids: Vec<i64> = list_page::rows(conn, &filter, SEARCH_LIMIT)?
                .into_iter()
                .map(|row| row.id)
                .collect();
            Ok(sync::records(conn, &ids)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SearchAnswer { customers }))
}
