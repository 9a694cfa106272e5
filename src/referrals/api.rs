//! Referrals in the till API: `GET /api/v1/referral-codes/{code}` lets a till check a code before
//! it registers a customer with it (`POST /api/v1/customers` with `referral_code`).

use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use patron_rules::coupons::codes;
use patron_rules::referrals::{self as rules, Refusal};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::model;
use crate::db::schema::{customers, offers};
use crate::state::AppState;
use crate::web::AppError;
use crate::web::till::guesses::{self, Gate, Kind};
use crate::web::till::terminal::Terminal;
use crate::web::till::{ApiError, ApiRoutes};

/// Adds the referral endpoints to the till API's route table.
pub fn routes(routes: &mut ApiRoutes) {
    routes.add(__path_check_code, check_code);
}

/// A referral code a new customer may be registered with.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsableCode {
    /// The code, as stored (upper-case).
    code: String,
    /// Who referred: their uuid, code and name (no contact details).
    referrer: Referrer,
    /// The offer the new customer's welcome coupon is for.
    customer_offer: String,
    /// Registrations left before the cap; absent: no cap.
    registrations_left: Option<i32>,
}

/// The customer a code belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct Referrer {
    id: Uuid,
    code: String,
    name: String,
}

/// What a check found.
enum Checked {
    /// The code may register a customer.
    Usable(UsableCode),
    /// It may not, for this reason.
    Unusable(Refusal),
    /// The till tried too many unknown codes: it may again in this many seconds.
    Refused(i64),
}

/// Check a referral code.
///
/// Whether a new customer of this till's company may be registered with the code, each refusal
/// with its `error.code`: `unknown_code`, `other_company`, `disabled`, `limit_reached`. The
/// customer's own checks (self-referral by mobile or email) run when the customer is created;
/// a usable answer reserves nothing.
#[utoipa::path(get, path = "/api/v1/referral-codes/{code}", tag = "referrals",
    operation_id = "check_referral_code",
    params(("code" = String, Path, description = "The code as the customer gave it (any case)")),
    responses(
        (status = 200, description = "The code may register a customer", body = UsableCode),
        (status = 422, description = "The code may not be used (`error.code` says why)", body = ApiError),
        (status = 429, description = "Too many codes that match nothing from this till: wait `Retry-After` seconds",
            body = ApiError, headers(("Retry-After" = i64, description = "Seconds to wait"))),
    ))]
async fn check_code(
    state: web::Data<AppState>,
    terminal: Terminal,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let typed = codes::normalize(&path);
    let till = terminal.till();
    let (company, token, limit) = (
        till.company_id.get(),
        till.token_id,
        state.config.till_lookup_limit,
    );
    let checked = state
        .db
        .tx(move |conn| {
            if let Gate::Closed { retry_after } =
                guesses::gate(conn, token, Kind::ReferralCode, limit)?
            {
                return Ok(Checked::Refused(retry_after));
            }
            let found = if typed.is_empty() || typed.chars().count() > 40 {
                None
            } else {
                model::find_by_code(conn, company, &typed)?
            };
            let refusal = match rules::check_code(found.as_ref().map(|f| &f.facts), &typed, company)
            {
                Err(refusal) => Some(refusal),
                Ok(()) if found.is_none() => Some(Refusal::Unknown(typed.clone())),
                Ok(()) => None,
            };
            if let Some(refusal) = refusal {
                // Another company's code is as unknown to this till as no code.
                if matches!(refusal, Refusal::Unknown(_) | Refusal::OtherCompany(_)) {
                    guesses::record_miss(conn, token, Kind::ReferralCode)?;
                }
                return Ok(Checked::Unusable(refusal));
            }
            let Some(found) = found else {
                return Ok(Checked::Unusable(Refusal::Unknown(typed)));
            };
            let fields = &found.stored.fields;
            let (id, code, first, last): (Uuid, String, String, String) = customers::table
                .find(fields.customer_id)
                .select((
                    customers::uuid,
                    customers::code,
                    customers::first_name,
                    customers::last_name,
                ))
                .first(conn)?;
            let customer_offer: String = offers::table
                .find(fields.customer_offer_id)
                .select(offers::title)
                .first(conn)?;
            Ok(Checked::Usable(UsableCode {
                code: found.stored.code.clone(),
                referrer: Referrer {
                    id,
                    code,
                    name: format!("{first} {last}").trim().to_owned(),
                },
                customer_offer,
                registrations_left: fields
                    .max_registrations
                    .map(|cap| cap - found.stored.registrations),
            }))
        })
        .await?;
    Ok(match checked {
        Checked::Usable(usable) => HttpResponse::Ok().json(usable),
        Checked::Refused(retry_after) => {
            guesses::refused(Kind::ReferralCode, token, &terminal.store_code, retry_after)
        }
        Checked::Unusable(refusal) => HttpResponse::UnprocessableEntity().json(json!({
            "error": {
                "code": refusal.code(),
                "message": refusal.message(),
                "fields": {"code": refusal.message()},
            }
        })),
    })
}
