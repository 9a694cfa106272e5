//! The sales part of the till API: submit, read and cancel invoices, and record payments towards
//! a customer's account. Bodies are read with `api::json`, so a wrong field is named.

use actix_web::{HttpResponse, web};
use diesel::Connection;
use patron_rules::{Currency, InvoiceId};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::body::InvoiceBody;
use super::model::{
    self,
    accounts::{self, NewAccountPayment},
};
use super::submit::{self, InvoiceSteps, Outcome};
use super::views::InvoiceJson;
use crate::customers::feed::CustomerRecord;
use crate::customers::sync;
use crate::state::AppState;
use crate::web::AppError;
use crate::web::till::ApiError;
use crate::web::till::ApiRoutes;
use crate::web::till::examples::{CUSTOMER_ID, INVOICE_ID};
use crate::web::till::json;
use crate::web::till::terminal::{Terminal, TillToken};

/// Adds the sales endpoints to the till API's route table.
pub fn routes(routes: &mut ApiRoutes) {
    routes
        .add(__path_submit_invoice, submit_invoice)
        .add(__path_show, show)
        .add(__path_cancel, cancel)
        .add(__path_account_payment, account_payment)
        .add(__path_show_customer, show_customer);
}

/// Submit a sale: exactly once by its uuid.
///
/// The server recomputes every total and refuses a mismatch by field. A retry with the same body
/// gets the first answer (200); the same uuid with another body gets 409.
#[utoipa::path(post, path = "/api/v1/invoices", tag = "sales",
    operation_id = "submit_invoice",
    request_body(content = InvoiceBody, example = json!({
        "id": INVOICE_ID, "number": "S1-000123", "posted_at": "2026-01-15T10:15:00Z",
        "lines": [{"item_code": "TOP-00001", "qty": "2", "price_list_rate": "14.99"}],
        "delivery_charge": "Standard Delivery",
        "payments": [{"mode": "card", "amount": "34.98"}],
        "totals": {"net_total": "29.98", "grand_total": "34.98"}
    })),
    responses(
        (status = 201, description = "Written", body = InvoiceJson),
        (status = 200, description = "A retry: the answer given the first time", body = InvoiceJson),
        (status = 400, description = "The body is not JSON", body = ApiError),
        (status = 409, description = "This uuid was submitted with other contents", body = ApiError),
        (status = 422, description = "A field is missing or wrong (a `posted_at` more than a day (by default) ahead of the server's clock or before the company was set up, say); `fields` names it", body = ApiError),
    ))]
async fn submit_invoice(
    state: web::Data<AppState>,
    steps: web::Data<InvoiceSteps>,
    token: TillToken,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let ahead = state.config.till_future_window();
    let outcome = state
        .db
        .run(move |conn| {
            let till = token.till(conn)?;
            let body: InvoiceBody = json::parse(&bytes)?;
            let hash = json::request_hash(&bytes);
            conn.transaction(|conn| submit::submit(conn, &steps, &till, &body, &hash, ahead))
        })
        .await?;
    Ok(match outcome {
        Outcome::Created(answer) => HttpResponse::Created().json(answer),
        Outcome::Replayed(answer) => HttpResponse::Ok().json(answer),
    })
}

/// One invoice as the server computed it (any store of the same company may read it).
#[utoipa::path(get, path = "/api/v1/invoices/{id}", tag = "sales",
    operation_id = "get_invoice",
    params(("id" = Uuid, Path, description = "The invoice's uuid", example = json!(INVOICE_ID))),
    responses(
        (status = 200, description = "The invoice", body = InvoiceJson),
        (status = 404, description = "No invoice of this company has this uuid", body = ApiError),
    ))]
async fn show(
    state: web::Data<AppState>,
    steps: web::Data<InvoiceSteps>,
    till: Terminal,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let uuid = uuid.into_inner();
    let answer = state
        .db
        .run(move |conn| {
            let row = model::find_by_uuid(conn, uuid)?;
            // Any store of the same company may read it (returns made at another store).
            if row.facts.company_id != till.company_id.get() {
                return Err(AppError::NotFound);
            }
            Ok(steps.answer(conn, InvoiceId(row.id))?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// Cancel an invoice (a second cancel answers the same).
#[utoipa::path(post, path = "/api/v1/invoices/{id}/cancel", tag = "sales",
    operation_id = "cancel_invoice",
    params(("id" = Uuid, Path, description = "The invoice's uuid", example = json!(INVOICE_ID))),
    responses(
        (status = 200, description = "The cancelled invoice", body = InvoiceJson),
        (status = 403, description = "The invoice was made at another store: a till reads its company's invoices (a return may be taken anywhere) but cancels only its own store's", body = ApiError),
        (status = 404, description = "No invoice of this company has this uuid", body = ApiError),
        (status = 422, description = "A return stands against it: cancel that first", body = ApiError),
    ))]
async fn cancel(
    state: web::Data<AppState>,
    steps: web::Data<InvoiceSteps>,
    terminal: Terminal,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let uuid = uuid.into_inner();
    let till = terminal.till();
    let answer = state
        .db
        .tx(move |conn| super::cancel::cancel(conn, &steps, &till, uuid))
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// A payment towards the account, as a till sends it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AccountPaymentBody {
    /// Idempotency key chosen by the till.
    id: Uuid,
    /// Amount paid: more than zero, at most 1,000,000,000, at most 4 decimal places.
    #[schema(value_type = String, format = "decimal", pattern = r"^[0-9]{1,10}(\.[0-9]{1,4})?$")]
    amount: Decimal,
    /// cash, card, bank_transfer or cheque (cash when absent).
    #[serde(default = "cash")]
    #[schema(value_type = AccountPayMode)]
    mode: String,
    /// Receipt or transfer reference.
    #[serde(default)]
    reference: String,
}

fn cash() -> String {
    "cash".into()
}

/// How a payment towards an account is made, as the document shows `model::ACCOUNT_MODES`.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[expect(
    dead_code,
    reason = "only documents the values of `model::accounts::ACCOUNT_MODES`"
)]
enum AccountPayMode {
    /// Notes and coins.
    Cash,
    /// Card.
    Card,
    /// Bank transfer.
    BankTransfer,
    /// Cheque.
    Cheque,
}

/// A customer's account: what they owe and may still buy on account.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Balances)]
pub struct AccountAnswer {
    /// What they owe now.
    #[schema(value_type = String, format = "decimal")]
    pub outstanding: Decimal,
    /// Their limit.
    #[schema(value_type = String, format = "decimal")]
    pub credit_limit: Decimal,
    /// What they may still buy on account.
    #[schema(value_type = String, format = "decimal")]
    pub available_credit: Decimal,
}

/// Record a payment towards what a customer owes on account (idempotent by its uuid).
#[utoipa::path(post, path = "/api/v1/customers/{id}/account-payments", tag = "sales",
    operation_id = "record_account_payment",
    params(("id" = Uuid, Path, description = "The customer's uuid", example = json!(CUSTOMER_ID))),
    request_body(content = AccountPaymentBody, example = json!({
        "id": "c7a1e5d2-4b9f-4e3a-8d6c-1f2b3a4c5d6e", "amount": "25.00", "mode": "card",
        "reference": "RCPT-0042"
    })),
    responses(
        (status = 201, description = "Recorded; the account now", body = AccountAnswer),
        (status = 200, description = "A retry: already recorded", body = AccountAnswer),
        (status = 404, description = "No customer has this uuid", body = ApiError),
        (status = 422, description = "A field is wrong; `fields` names it", body = ApiError),
    ))]
async fn account_payment(
    state: web::Data<AppState>,
    till: Terminal,
    customer: web::Path<Uuid>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let body: AccountPaymentBody = json::parse(&bytes)?;
    let payment = accounts::check_account_payment(body.amount, &body.mode, &body.reference)
        .map_err(|(field, message)| AppError::field(field, message))?;
    let uuid = customer.into_inner();
    let actor = till.actor();
    let (made, answer) = state
        .db
        .tx(move |conn| {
            let customer_id = crate::customers::sync::id_of(conn, uuid)?;
            let (_, label) = actor.parts();
            let made = accounts::insert_account_payment(
                conn,
                &NewAccountPayment {
                    uuid: body.id,
                    customer_id,
                    amount: payment.0,
                    mode: payment.1,
                    store_id: Some(till.store_id.get()),
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
    let outstanding = accounts::outstanding(conn, customer_id)?;
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

/// A customer with what they owe and may still buy on account.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CustomerWithBalances)]
struct WithBalances {
    #[serde(flatten)]
    customer: CustomerRecord,
    balances: AccountAnswer,
}

/// One customer with balances, for tills that are online. (Sales answers it: the balances are
/// its account; the record is the customers area's.)
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers",
    operation_id = "get_customer",
    params(("id" = Uuid, Path, description = "The customer's uuid", example = json!(CUSTOMER_ID))),
    responses(
        (status = 200, description = "The customer", body = WithBalances),
        (status = 404, description = "No customer has this uuid", body = ApiError),
    ))]
async fn show_customer(
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
                balances: account(conn, id)?,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}
