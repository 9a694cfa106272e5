//! Gift cards in the till API: `POST /api/v1/gift-cards` issues a card, exactly once by the
//! till's uuid, and `GET /api/v1/gift-cards/{number}` answers a card's balance and validity. A
//! till that looks up too many numbers matching no card is refused for a while (`crate::web::till::guesses`).
//! Top-ups are made on the back office's pages, not at the tills.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use diesel::PgConnection;
use patron_rules::Currency;
use patron_rules::gift_cards::{self as rules, CardNumber};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{self, Card, NewCard, TillRequest};
use crate::customers::sync;
use crate::kernel::Till;
use crate::state::AppState;
use crate::stores::model as stores;
use crate::web::till::examples::{GIFT_CARD_ID, GIFT_CARD_NUMBER};
use crate::web::till::guesses::{self, Gate, Kind};
use crate::web::till::terminal::Terminal;
use crate::web::till::{ApiError, ApiRoutes, json};
use crate::web::{AppError, FieldErrors};

/// Adds the gift card endpoints to the till API's route table.
pub fn routes(routes: &mut ApiRoutes) {
    routes
        .add(__path_issue_card, issue_card)
        .add(__path_lookup_card, lookup_card);
}

/// A card a till issues.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[schema(as = GiftCardIssue)]
pub struct IssueBody {
    /// The till's uuid for the card: the same uuid is the same card.
    pub id: Uuid,
    /// The number printed on the card, if it has one (16 characters of A-Z and 2-9 without O, I
    /// and L; any case, spaces and dashes ignored); absent: Patron makes one.
    #[serde(default)]
    pub number: Option<String>,
    /// Initial Value, in the company currency: more than 0, at most 1,000,000.
    #[schema(value_type = String, format = "decimal")]
    pub initial_value: Decimal,
    /// The customer by uuid...
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    /// ...or by code; neither: nobody's card.
    #[serde(default)]
    pub customer_code: Option<String>,
    /// The last day it may be used (today or later); absent: it never expires.
    #[serde(default)]
    pub valid_upto: Option<NaiveDate>,
}

/// A card as tills see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = GiftCard)]
pub struct CardJson {
    /// Card Number.
    number: String,
    /// The company currency its amounts are in.
    currency: String,
    /// Initial Value.
    #[schema(value_type = String, format = "decimal")]
    initial_value: Decimal,
    /// What it can still pay.
    #[schema(value_type = String, format = "decimal")]
    balance: Decimal,
    /// Only an active card pays.
    #[schema(value_type = StatusSchema)]
    status: &'static str,
    /// The last day it may be used; absent: it never expires.
    valid_upto: Option<NaiveDate>,
    /// Its customer's uuid, if it is someone's.
    customer_id: Option<Uuid>,
}

/// Where a card stands, as the document shows `rules::Status`.
#[derive(ToSchema)]
#[schema(as = GiftCardStatus, rename_all = "snake_case")]
#[expect(dead_code, reason = "only documents the values of `rules::Status`")]
enum StatusSchema {
    /// It pays.
    Active,
    /// Switched off at head office (a lost card): it pays nothing.
    Disabled,
    /// Past its Valid Upto.
    Expired,
}

/// Card `card` as tills see it on day `on`.
pub fn card_json(
    conn: &mut PgConnection,
    card: &Card,
    on: NaiveDate,
) -> Result<CardJson, AppError> {
    let currency = stores::currency(conn, &card.currency_code)?.unwrap_or_else(Currency::usd);
    let money = |amount: Decimal| {
        let mut rounded = currency.round(amount);
        rounded.rescale(currency.minor_unit);
        rounded
    };
    let customer_id = match card.customer_id {
        Some(id) => Some(crate::customers::model::find(conn, id)?.uuid),
        None => None,
    };
    Ok(CardJson {
        number: card.number.clone(),
        currency: card.currency_code.clone(),
        initial_value: money(card.initial_value),
        balance: money(card.balance),
        status: card.status(on).as_str(),
        valid_upto: card.valid_upto,
        customer_id,
    })
}

/// What issuing answered: a new card (201) or the answer first given to this uuid (200).
enum Issued {
    Created(serde_json::Value),
    Replayed(serde_json::Value),
}

/// Issue a gift card: exactly once by its uuid.
///
/// The card's Initial Value is its balance. A retry with the same body gets the first answer
/// (200); the same uuid with another body gets 409. A number already on another card is refused
/// by field.
#[utoipa::path(post, path = "/api/v1/gift-cards", tag = "gift_cards",
    operation_id = "issue_gift_card",
    request_body(content = IssueBody, example = json!({
        "id": GIFT_CARD_ID, "number": GIFT_CARD_NUMBER, "initial_value": "50.00",
        "valid_upto": "2030-12-31"
    })),
    responses(
        (status = 201, description = "Issued", body = CardJson),
        (status = 200, description = "A retry: the answer given the first time", body = CardJson),
        (status = 409, description = "This uuid was sent with other contents", body = ApiError),
        (status = 422, description = "A field is missing or wrong; `fields` names it", body = ApiError),
    ))]
async fn issue_card(
    state: web::Data<AppState>,
    terminal: Terminal,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let body: IssueBody = json::parse(&bytes)?;
    let hash = json::request_hash(&bytes);
    let till = terminal.till();
    let issued = state
        .db
        .tx(move |conn| issue(conn, &till, &body, hash))
        .await?;
    Ok(match issued {
        Issued::Created(answer) => HttpResponse::Created().json(answer),
        Issued::Replayed(answer) => HttpResponse::Ok().json(answer),
    })
}

/// The answer an earlier request with `uuid` got, if the same till company sent the same body;
/// 409 if it sent another.
fn replay(
    conn: &mut PgConnection,
    till: &Till,
    uuid: Uuid,
    hash: &[u8],
) -> Result<Option<serde_json::Value>, AppError> {
    match model::stored_request(conn, uuid)? {
        None => Ok(None),
        Some((company, stored, answer)) if company == till.company_id.get() && stored == hash => {
            Ok(Some(answer))
        }
        Some(_) => Err(AppError::Conflict(
            "A gift card was already issued with this id and other contents.".into(),
        )),
    }
}

fn issue(
    conn: &mut PgConnection,
    till: &Till,
    body: &IssueBody,
    hash: Vec<u8>,
) -> Result<Issued, AppError> {
    if let Some(answer) = replay(conn, till, body.id, &hash)? {
        return Ok(Issued::Replayed(answer));
    }
    let today = till.clock.today();
    let company = till.company_id.get();
    let currency = stores::company_currency(conn, company)?;
    let mut errors = FieldErrors::new();
    if let Err(message) = rules::check_credit(body.initial_value, &currency) {
        errors.add("initial_value", message);
    }
    let typed = match body.number.as_deref().filter(|n| !n.trim().is_empty()) {
        None => None,
        Some(typed) => match CardNumber::parse(typed) {
            Ok(number) if model::number_taken(conn, &number)? => {
                errors.add("number", "Another gift card has this number.");
                None
            }
            Ok(number) => Some(number),
            Err(message) => {
                errors.add("number", message);
                None
            }
        },
    };
    if body.valid_upto.is_some_and(|upto| upto < today) {
        errors.add("valid_upto", "Valid Upto cannot be in the past.");
    }
    let customer_id =
        match sync::named_by_till(conn, body.customer_id, body.customer_code.as_deref(), None) {
            Ok(id) => id,
            Err(AppError::Validation(fields)) => {
                for (field, message) in fields.iter() {
                    errors.add(field, message);
                }
                None
            }
            Err(other) => return Err(other),
        };
    errors.into_result(()).map_err(AppError::Validation)?;
    let number = match typed {
        Some(number) => number,
        None => model::unused_number(conn)?,
    };
    let new = NewCard {
        number,
        company_id: company,
        currency_code: currency.code.clone(),
        initial_value: body.initial_value,
        customer_id,
        valid_upto: body.valid_upto,
        store_id: Some(till.store_id.get()),
    };
    let request = TillRequest {
        uuid: body.id,
        hash: hash.clone(),
    };
    let Some(card) = model::issue(conn, &new, Some(&request), &till.actor())? else {
        // The same uuid, sent twice at once: the other request issued it.
        return replay(conn, till, body.id, &hash)?
            .map(Issued::Replayed)
            .ok_or_else(|| {
                AppError::Conflict("This card is being issued right now; retry in a moment.".into())
            });
    };
    let answer = serde_json::to_value(card_json(conn, &card, today)?)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    model::store_response(conn, card.id, &answer)?;
    Ok(Issued::Created(answer))
}

/// What a lookup found.
enum Lookup {
    Found(CardJson),
    Unknown,
    Refused(i64),
}

/// A gift card's balance and validity.
///
/// Cards of the till's company only. Numbers that match no card count against the till: past
/// the limit (20 by default) within 10 minutes, every lookup by that till is answered 429, known
/// numbers too, until the oldest of those misses is 10 minutes old (`Retry-After` says when).
#[utoipa::path(get, path = "/api/v1/gift-cards/{number}", tag = "gift_cards",
    operation_id = "get_gift_card",
    params(("number" = String, Path, description = "The card's number (any case)",
        example = json!(GIFT_CARD_NUMBER))),
    responses(
        (status = 200, description = "The card", body = CardJson),
        (status = 404, description = "No card of this company has this number", body = ApiError),
        (status = 429, description = "Too many numbers that match no card: wait `Retry-After` seconds",
            body = ApiError, headers(("Retry-After" = i64, description = "Seconds to wait"))),
    ))]
async fn lookup_card(
    state: web::Data<AppState>,
    terminal: Terminal,
    number: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let typed = number.into_inner();
    let limit = state.config.till_lookup_limit;
    let till = terminal.till();
    let token = till.token_id;
    let found = state
        .db
        .tx(move |conn| {
            if let Gate::Closed { retry_after } = guesses::gate(conn, token, Kind::GiftCard, limit)?
            {
                return Ok(Lookup::Refused(retry_after));
            }
            let card = match CardNumber::parse(&typed) {
                Ok(number) => model::find_by_number(conn, &number)?
                    .filter(|card| card.company_id == till.company_id.get()),
                Err(_) => None,
            };
            match card {
                Some(card) => Ok(Lookup::Found(card_json(conn, &card, till.clock.today())?)),
                None => {
                    guesses::record_miss(conn, token, Kind::GiftCard)?;
                    Ok(Lookup::Unknown)
                }
            }
        })
        .await?;
    match found {
        Lookup::Found(card) => Ok(HttpResponse::Ok().json(card)),
        Lookup::Unknown => Err(AppError::NotFound),
        Lookup::Refused(retry_after) => Ok(guesses::refused(
            Kind::GiftCard,
            token,
            &terminal.store_code,
            retry_after,
        )),
    }
}
