//! The loyalty part of the till API: a customer's program, tier, balance and its value, and the
//! points about to expire, in the till's company — what a cashier reads out before redeeming.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::ledger;
use super::summary;
use crate::state::AppState;
use crate::web::AppError;
use crate::web::till::ApiError;
use crate::web::till::ApiRoutes;
use crate::web::till::examples::CUSTOMER_ID;
use crate::web::till::terminal::Terminal;

/// Mounts the routes.
pub fn routes(routes: &mut ApiRoutes) {
    routes.add(__path_show, show);
}

/// The program a customer is in.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramAnswer {
    /// Program name.
    pub name: String,
    /// Money value of one point, in the company currency ("0.01").
    #[schema(value_type = String, example = "0.01")]
    pub conversion_factor: rust_decimal::Decimal,
    /// Days points stay valid (0: forever).
    pub expiry_days: i32,
}

/// A customer's loyalty in the till's company.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoyaltyAnswer {
    /// The customer's uuid.
    pub customer_id: Uuid,
    /// Whether they are in a program of this company (the rest is empty when not).
    pub enrolled: bool,
    /// Their program.
    pub program: Option<ProgramAnswer>,
    /// Their current tier.
    pub tier: Option<String>,
    /// Points that count today.
    pub balance: i64,
    /// What the points are worth, rounded in the company currency.
    #[schema(value_type = String, example = "12.50")]
    pub value: rust_decimal::Decimal,
    /// Company currency.
    pub currency: String,
    /// Of the balance, points whose last day falls within the next 30 days.
    pub expiring_soon: i64,
}

/// A customer's loyalty in the till's company: program, tier, balance, value, expiring soon
///
/// What a cashier reads out before redeeming; a customer in no program of this company answers
/// `enrolled: false` with a zero balance.
#[utoipa::path(get, path = "/api/v1/customers/{id}/loyalty", tag = "loyalty",
    operation_id = "get_customer_loyalty",
    params(("id" = Uuid, Path, description = "The customer's uuid", example = json!(CUSTOMER_ID))),
    responses(
        (status = 200, description = "The customer's program, tier, balance and value", body = LoyaltyAnswer),
        (status = 404, description = "No customer has this uuid", body = ApiError),
    ))]
async fn show(
    state: web::Data<AppState>,
    till: Terminal,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let uuid = uuid.into_inner();
    let answer = state
        .db
        .run(move |conn| {
            let id = crate::customers::sync::id_of(conn, uuid)?;
            let currency = crate::stores::model::company_currency(conn, till.company_id.get())?;
            let Some(member) = ledger::membership(conn, id, till.company_id.get())? else {
                return Ok(LoyaltyAnswer {
                    customer_id: uuid,
                    enrolled: false,
                    program: None,
                    tier: None,
                    balance: 0,
                    value: rust_decimal::Decimal::ZERO,
                    currency: currency.code,
                    expiring_soon: 0,
                });
            };
            let s = summary::summary(conn, member, till.clock.today())?;
            Ok(LoyaltyAnswer {
                customer_id: uuid,
                enrolled: true,
                tier: s.tier.map(|t| t.name),
                balance: s.balance,
                value: s.value,
                currency: s.currency.code,
                expiring_soon: s.expiring_soon,
                program: Some(ProgramAnswer {
                    name: s.program.fields.name,
                    conversion_factor: s.program.fields.conversion_factor.normalize(),
                    expiry_days: s.program.fields.expiry_days,
                }),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}
