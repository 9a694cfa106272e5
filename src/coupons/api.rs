//! Coupons in the till API: `POST /api/v1/coupons/validate` (the validation chain, answering the
//! offer a code activates or the reason it may not be used) and `GET
//! /api/v1/customers/{id}/coupons` (the customer's gift card coupons a till may offer them, for
//! stores whose profile has Auto Fetch Coupon Gifts on).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use patron_rules::coupons::Refusal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::queries;
use super::validate::{self, Place};
use crate::customers::sync;
use crate::offers::{in_force, pricing};
use crate::state::AppState;
use crate::web::AppError;
use crate::web::till::guesses::{self, Gate, Kind};
use crate::web::till::terminal::Terminal;
use crate::web::till::{ApiError, ApiRoutes, json};

/// Adds the coupon endpoints to the till API's route table.
pub fn routes(routes: &mut ApiRoutes) {
    routes
        .add(__path_validate_coupon, validate_coupon)
        .add(__path_customer_coupons, customer_coupons);
}

/// A coupon code to check.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct ValidateBody {
    /// The code as the customer gave it (any case).
    pub code: String,
    /// The sale's customer by uuid...
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    /// ...or by code; neither: the store's Default Customer.
    #[serde(default)]
    pub customer_code: Option<String>,
    /// When the sale is made (absent: now).
    #[serde(default)]
    pub posted_at: Option<DateTime<Utc>>,
}

/// A coupon that may be used, with the offer it activates.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidCoupon {
    /// The code, as stored (upper-case).
    code: String,
    /// Coupon Name.
    name: String,
    /// The offer it makes eligible (its Title is what invoice lines name).
    offer: CouponOffer,
    /// Uses left after this one is counted would be one fewer; absent: unlimited.
    uses_left: Option<i32>,
}

/// The offer version a coupon activates.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouponOffer {
    id: i64,
    version: i64,
    title: String,
}

/// Check a coupon code for a sale.
///
/// The validation chain, in this order, each refusal with its own `error.code`: `unknown_code`,
/// `other_company`, `not_yet_valid`, `expired`, `used_up`, `disabled`, `offer_disabled`,
/// `offer_not_valid`, `offer_not_here`, `other_customer` (a gift card coupon of another
/// customer), `already_used` (One Use). A valid answer is no reservation: the use is counted when
/// the invoice is submitted, where the chain runs again.
#[utoipa::path(post, path = "/api/v1/coupons/validate", tag = "coupons",
    operation_id = "validate_coupon",
    request_body(content = ValidateBody, example = json!({
        "code": "WELCOME10", "posted_at": "2026-12-06T10:15:00Z"
    })),
    responses(
        (status = 200, description = "The coupon may be used", body = ValidCoupon),
        (status = 400, description = "The body is not JSON", body = ApiError),
        (status = 422, description = "The coupon may not be used (`error.code` says why) or a field is wrong", body = ApiError),
        (status = 429, description = "Too many codes that match nothing from this till: wait `Retry-After` seconds",
            body = ApiError, headers(("Retry-After" = i64, description = "Seconds to wait"))),
    ))]
async fn validate_coupon(
    state: web::Data<AppState>,
    terminal: Terminal,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let body: ValidateBody = json::parse(&bytes)?;
    if body.code.trim().is_empty() || body.code.len() > 100 {
        return Err(AppError::field("code", "Give the coupon's code."));
    }
    let till = terminal.till();
    let (token, limit) = (till.token_id, state.config.till_lookup_limit);
    let checked = state
        .db
        .tx(move |conn| {
            if let Gate::Closed { retry_after } = guesses::gate(conn, token, Kind::Coupon, limit)? {
                return Ok(Err(retry_after));
            }
            let scope = pricing::till_scope(conn, &till)?;
            let customer = sync::named_by_till(
                conn,
                body.customer_id,
                body.customer_code.as_deref(),
                scope.default_customer_id,
            )?;
            let at = body.posted_at.unwrap_or_else(Utc::now);
            let offers = in_force::of_company(conn, scope.company_id)?;
            let place = Place {
                company_id: scope.company_id,
                profile_id: scope.profile_id,
                warehouse: &scope.warehouse,
            };
            let checked = validate::validate(
                conn,
                &offers.at(at),
                &place,
                &body.code,
                customer.unwrap_or(0),
                scope.clock.date(at),
            )?;
            // Another company's code is as unknown to this till as no code.
            if let Err(refused) = &checked
                && matches!(refused.refusal, Refusal::Unknown | Refusal::OtherCompany)
            {
                guesses::record_miss(conn, token, Kind::Coupon)?;
            }
            Ok(Ok(checked))
        })
        .await?;
    let checked = match checked {
        Ok(checked) => checked,
        Err(retry_after) => {
            return Ok(guesses::refused(
                Kind::Coupon,
                token,
                &terminal.store_code,
                retry_after,
            ));
        }
    };
    Ok(match checked {
        Ok(valid) => HttpResponse::Ok().json(ValidCoupon {
            code: valid.code,
            name: valid.name,
            offer: CouponOffer {
                id: valid.offer.id,
                version: valid.offer.version,
                title: valid.offer.title,
            },
            uses_left: valid.uses_left,
        }),
        Err(refused) => HttpResponse::UnprocessableEntity().json(json!({
            "error": {
                "code": refused.refusal.code(),
                "message": refused.message(),
                "fields": {"code": refused.message()},
            }
        })),
    })
}

/// The customer's coupons.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerCoupons {
    coupons: Vec<GiftCoupon>,
}

/// A gift card coupon a customer may use now.
#[derive(Debug, Serialize, ToSchema)]
pub struct GiftCoupon {
    code: String,
    name: String,
    /// The offer's current Title.
    offer: String,
    valid_upto: Option<NaiveDate>,
}

/// A customer's gift card coupons.
///
/// Their gift card coupons that are valid today and unused, for a till to offer them (Auto
/// Fetch Coupon Gifts). Stores whose profile has the switch off get 403.
#[utoipa::path(get, path = "/api/v1/customers/{id}/coupons", tag = "coupons",
    operation_id = "customer_coupons",
    params(("id" = Uuid, Path, description = "The customer's uuid")),
    responses(
        (status = 200, description = "Their usable gift card coupons", body = CustomerCoupons),
        (status = 403, description = "This store's profile does not fetch coupon gifts", body = ApiError),
        (status = 404, description = "No customer has this id", body = ApiError),
    ))]
async fn customer_coupons(
    state: web::Data<AppState>,
    terminal: Terminal,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let uuid = Uuid::parse_str(&path).map_err(|_| AppError::NotFound)?;
    let till = terminal.till();
    let coupons = state
        .db
        .run(move |conn| {
            let (_, _, _, settings) =
                crate::stores::model::sale_context(conn, till.store_id.get())?;
            if !settings.auto_fetch_coupon_gifts {
                return Err(AppError::Refused(
                    "This store's POS profile has Auto Fetch Coupon Gifts off.".into(),
                ));
            }
            let customer = sync::id_of(conn, uuid).map_err(|_| AppError::NotFound)?;
            let company = till.company_id.get();
            Ok(queries::gifts_of(
                conn,
                company,
                customer,
                till.clock.today(),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CustomerCoupons {
        coupons: coupons
            .into_iter()
            .map(|g| GiftCoupon {
                code: g.code,
                name: g.name,
                offer: g.offer,
                valid_upto: g.valid_upto,
            })
            .collect(),
    }))
}
