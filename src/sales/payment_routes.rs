//! "Record payment" on a customer's page (customers.edit): money paid towards what the customer
//! owes on account. Each form carries a fresh key, so a double submit records one payment.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use patron_rules::users::Permission;
use serde::Deserialize;
use uuid::Uuid;

use super::history;
use super::model::accounts::{self, ACCOUNT_MODES, NewAccountPayment};
use crate::customers::model::{self as customers, Customer};
use crate::state::AppState;
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/{id}/payments/new", web::get().to(new_page))
        .route("/customers/{id}/payments", web::post().to(record));
}

/// The form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
struct PaymentForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    key: String,
}

#[derive(Template)]
#[template(path = "sales/payment.html")]
struct PaymentPage {
    ctx: PageCtx,
    customer: Customer,
    outstanding: String,
    form: PaymentForm,
    errors: FieldErrors,
    modes: &'static [&'static str],
}

impl PaymentPage {
    /// A mode in words ("Bank transfer").
    fn mode_label(&self, mode: &str) -> String {
        patron_rules::sales::mode_label(mode)
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    form: PaymentForm,
    errors: FieldErrors,
) -> Result<PaymentPage, AppError> {
    let scope = user.store_scope();
    let (customer, outstanding) = state
        .db
        .run(move |conn| {
            let customer = customers::find(conn, id)?;
            if !scope.allows(customer.origin_store_id) {
                return Err(AppError::Forbidden);
            }
            let currency = history::customer_currency(conn, id, customer.origin_store_id)?;
            let outstanding = currency.format(accounts::outstanding(conn, id)?);
            Ok((customer, outstanding))
        })
        .await?;
    Ok(PaymentPage {
        ctx: user.page(),
        customer,
        outstanding,
        form,
        errors,
        modes: &ACCOUNT_MODES,
    })
}

async fn new_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersEdit)?;
    let form = PaymentForm {
        mode: "cash".into(),
        key: Uuid::new_v4().to_string(),
        ..PaymentForm::default()
    };
    render(&page(&state, &user, id.into_inner(), form, FieldErrors::new()).await?)
}

async fn record(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<PaymentForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersEdit)?;
    let id = id.into_inner();
    let form = form.into_inner();
    let parsed = patron_rules::stores::parse_amount(&form.amount, "amount")
        .map_err(|m| ("amount", m))
        .and_then(|amount| accounts::check_account_payment(amount, &form.mode, &form.reference));
    let key = Uuid::parse_str(form.key.trim()).unwrap_or_else(|_| Uuid::new_v4());
    let (amount, mode, reference) = match parsed {
        Ok(parsed) => parsed,
        Err((field, message)) => {
            let mut errors = FieldErrors::new();
            errors.add(field, message);
            let page = page(&state, &user, id, form, errors).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let (actor, scope) = (user.actor(), user.store_scope());
    let shown = state
        .db
        .tx(move |conn| {
            let customer = customers::find(conn, id)?;
            // A supervisor records payments for their own store's customers only.
            if !scope.allows(customer.origin_store_id) {
                return Err(AppError::Forbidden);
            }
            let currency = history::customer_currency(conn, id, customer.origin_store_id)?;
            let payment = NewAccountPayment {
                uuid: key,
                customer_id: id,
                amount,
                mode,
                store_id: None,
                reference,
                created_by: actor.parts().1,
            };
            accounts::take_account_payment(conn, &payment, &actor)?;
            Ok(currency.format(amount))
        })
        .await?;
    user.flash(Flash::success(format!("Payment of {shown} recorded.")));
    Ok(see_other(&format!("/customers/{id}")))
}
