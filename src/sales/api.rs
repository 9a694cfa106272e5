//! The sales part of the till API: submit, read and cancel invoices, and record payments towards
//! a customer's account. Bodies are read with `api::json`, so a wrong field is named.

use actix_web::{HttpResponse, web};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::body::InvoiceBody;
use super::model::{self, NewAccountPayment};
use super::submit::{self, Outcome};
use crate::api::json;
use crate::api::terminal::Terminal;
use crate::app::AppState;
use crate::stores::rules::Currency;
use crate::web::AppError;

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/invoices", web::post().to(submit_invoice))
        .route("/api/v1/invoices/{id}", web::get().to(show))
        .route("/api/v1/invoices/{id}/cancel", web::post().to(cancel))
        .route(
            "/api/v1/customers/{id}/account-payments",
            web::post().to(account_payment),
        );
}

/// SHA-256 of the request with its keys in one order, so that a retry re-serialised by the till
/// still matches.
fn request_hash(bytes: &[u8]) -> Vec<u8> {
    let canonical = serde_json::from_slice::<serde_json::Value>(bytes)
        .map(|v| v.to_string().into_bytes())
        .unwrap_or_else(|_| bytes.to_vec());
    Sha256::digest(canonical).to_vec()
}

async fn submit_invoice(
    state: web::Data<AppState>,
    till: Terminal,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let body: InvoiceBody = json::parse(&bytes)?;
    let hash = request_hash(&bytes);
    let outcome = state
        .db
        .tx(move |conn| submit::submit(conn, &till, &body, &hash))
        .await?;
    Ok(match outcome {
        Outcome::Created(answer) => HttpResponse::Created().json(answer),
        Outcome::Replayed(answer) => HttpResponse::Ok().json(answer),
    })
}

async fn show(
    state: web::Data<AppState>,
    till: Terminal,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let uuid = uuid.into_inner();
    let answer = state
        .db
        .run(move |conn| {
            let row = model::find_by_uuid(conn, uuid)?;
            // Any store of the same company may read it (returns made at another store).
            if row.facts.company_id != till.company_id {
                return Err(AppError::NotFound);
            }
            Ok(model::invoice_json(conn, row.id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}

async fn cancel(
    state: web::Data<AppState>,
    till: Terminal,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let uuid = uuid.into_inner();
    let answer = state
        .db
        .tx(move |conn| super::cancel::cancel(conn, &till, uuid))
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// A payment towards the account, as a till sends it.
#[derive(Debug, Deserialize)]
struct AccountPaymentBody {
    /// Idempotency key chosen by the till.
    id: Uuid,
    amount: Decimal,
    #[serde(default = "cash")]
    mode: String,
    #[serde(default)]
    reference: String,
}

fn cash() -> String {
    "cash".into()
}

/// A customer's account after a payment.
#[derive(Debug, Serialize)]
pub struct AccountAnswer {
    /// What they owe now.
    pub outstanding: Decimal,
    /// Their limit.
    pub credit_limit: Decimal,
    /// What they may still buy on account.
    pub available_credit: Decimal,
}

async fn account_payment(
    state: web::Data<AppState>,
    till: Terminal,
    customer: web::Path<Uuid>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let body: AccountPaymentBody = json::parse(&bytes)?;
    let payment = model::check_account_payment(body.amount, &body.mode, &body.reference)
        .map_err(|(field, message)| AppError::field(field, message))?;
    let uuid = customer.into_inner();
    let actor = till.actor();
    let (made, answer) = state
        .db
        .tx(move |conn| {
            let customer_id = crate::customers::sync::id_of(conn, uuid)?;
            let (_, label) = actor.parts();
            let made = model::insert_account_payment(
                conn,
                &NewAccountPayment {
                    uuid: body.id,
                    customer_id,
                    amount: payment.0,
                    mode: payment.1,
                    store_id: Some(till.store_id),
                    reference: payment.2,
                    created_by: label,
                },
            )?;
            Ok((made, account(conn, customer_id)?))
        })
        .await?;
    Ok(if made {
        HttpResponse::Created().json(answer)
    } else {
        HttpResponse::Ok().json(answer)
    })
}

/// Customer `customer_id`'s account as the API shows it.
pub fn account(
    conn: &mut diesel::PgConnection,
    customer_id: i64,
) -> Result<AccountAnswer, AppError> {
    let customer = crate::customers::model::find(conn, customer_id)?;
    let outstanding = model::outstanding(conn, customer_id)?;
    let credit_limit = customer.fields.credit_limit;
    // Customers belong to no one company: their account reads in cents, always two decimals.
    let cents = |amount: Decimal| {
        let mut rounded = Currency::usd().round(amount);
        rounded.rescale(2);
        rounded
    };
    Ok(AccountAnswer {
        outstanding: cents(outstanding),
        credit_limit: cents(credit_limit),
        available_credit: cents((credit_limit - outstanding).max(Decimal::ZERO)),
    })
}
