//! The invoice page for people (`GET /invoices/{uuid}`): what was sold, paid and returned, as the
//! server stored it. Customers.view or reports.view; a store supervisor sees their store's only.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use patron_rules::InvoiceId;
use patron_rules::sales::{mode_label, status_label};
use patron_rules::users::Permission;
use patron_rules::{Clock, Currency};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::model::{self, InvoiceRow};
use super::submit::{InvoiceExtras, InvoiceSteps};
use super::views;
use crate::db::schema::{customers, invoices, sales_persons, stores};
use crate::state::AppState;
use crate::web::{AppError, CurrentUser, PageCtx, render};

/// Who may open an invoice: those who read customers' history, and those who read reports.
pub const READERS: [Permission; 2] = [Permission::CustomersView, Permission::ReportsView];

/// Mounts the invoice page (after the list's literal routes, see `sales::config`).
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/invoices/{uuid}", web::get().to(show));
}

/// One line as shown.
#[derive(Debug, Clone)]
pub struct LineView {
    /// Item code as sold.
    pub item_code: String,
    /// Item name as sold.
    pub item_name: String,
    /// Quantity.
    pub qty: String,
    /// Rate.
    pub rate: String,
    /// Discount.
    pub discount: String,
    /// Amount.
    pub amount: String,
    /// The offer it names.
    pub offer: Option<String>,
    /// Whether it is a free line an offer gave.
    pub free: bool,
}

/// Another invoice this one links to (a return, or the sale it returns goods of).
#[derive(Debug, Clone)]
pub struct LinkedInvoice {
    /// Uuid.
    pub uuid: String,
    /// Number.
    pub number: String,
    /// Badge label.
    pub status: &'static str,
}

/// An invoice, ready to show.
#[derive(Debug, Clone)]
pub struct InvoiceView {
    /// Uuid.
    pub uuid: String,
    /// The till's number.
    pub number: String,
    /// When sold.
    pub date: String,
    /// Store name.
    pub store: String,
    /// Store code.
    pub store_code: String,
    /// Customer id (for the link).
    pub customer_id: i64,
    /// Customer code.
    pub customer_code: String,
    /// Customer name.
    pub customer_name: String,
    /// Sales person ("Diego (EMP-004)").
    pub sales_person: Option<String>,
    /// Badge label.
    pub status: &'static str,
    /// Currency code.
    pub currency: String,
    /// Lines.
    pub lines: Vec<LineView>,
    /// Delivery charge label and amount.
    pub delivery: Option<(String, String)>,
    /// Payments: mode in words ("On account") and amount.
    pub payments: Vec<(String, String)>,
    /// Net total.
    pub net_total: String,
    /// Discounts.
    pub discount: String,
    /// Grand total.
    pub grand_total: String,
    /// Paid.
    pub paid: String,
    /// Loyalty points redeemed.
    pub points: i64,
    /// Loyalty points earned (negative on a return).
    pub points_earned: i64,
    /// Their value.
    pub points_amount: String,
    /// Coupon codes.
    pub coupons: Vec<String>,
    /// The promotions the sale used.
    pub promotions: Vec<crate::sales::submit::Promotion>,
    /// The Grand Total offer's discount and name.
    pub grand_total_offer: Option<(String, String)>,
    /// Returns made against it.
    pub returns: Vec<LinkedInvoice>,
    /// The sale it returns goods of.
    pub return_against: Option<LinkedInvoice>,
    /// When cancelled.
    pub cancelled_at: Option<String>,
}

/// Invoice `row` as its page shows it, its times read on `clock`.
pub fn view(
    conn: &mut PgConnection,
    row: InvoiceRow,
    extras: &InvoiceExtras,
    clock: Clock,
) -> QueryResult<InvoiceView> {
    let when = |at: DateTime<Utc>| clock.at_labelled(at);
    let id = row.id;
    let facts = row.facts;
    let currency =
        crate::stores::model::currency(conn, &facts.currency_code)?.unwrap_or_else(Currency::usd);
    let money = |amount: Decimal| currency.format(amount);
    let (store, store_code): (String, String) = stores::table
        .find(facts.store_id)
        .select((stores::name, stores::code))
        .first(conn)?;
    let (customer_code, first, last): (String, String, String) = customers::table
        .find(facts.customer_id)
        .select((customers::code, customers::first_name, customers::last_name))
        .first(conn)?;
    let sales_person = match facts.sales_person_id {
        Some(sp) => {
            let (code, name): (String, String) = sales_persons::table
                .find(sp)
                .select((sales_persons::employee_code, sales_persons::name))
                .first(conn)?;
            Some(format!("{name} ({code})"))
        }
        None => None,
    };
    let lines = views::lines_of(conn, id)?;
    let payments = views::payments_of(conn, id)?;
    let linked =
        |(uuid, number, status, against): (Uuid, String, String, Option<i64>)| LinkedInvoice {
            uuid: uuid.to_string(),
            number,
            status: status_label(&status, against.is_some()),
        };
    let returns: Vec<LinkedInvoice> = invoices::table
        .filter(invoices::return_against_id.eq(id))
        .order((invoices::posted_at.asc(), invoices::id.asc()))
        .select((
            invoices::uuid,
            invoices::number,
            invoices::status,
            invoices::return_against_id,
        ))
        .load(conn)?
        .into_iter()
        .map(linked)
        .collect();
    let return_against = match facts.return_against_id {
        Some(original) => Some(linked(
            invoices::table
                .find(original)
                .select((
                    invoices::uuid,
                    invoices::number,
                    invoices::status,
                    invoices::return_against_id,
                ))
                .first(conn)?,
        )),
        None => None,
    };
    let paid: Decimal = payments.iter().map(|p| p.amount).sum();
    Ok(InvoiceView {
        uuid: facts.uuid.to_string(),
        number: facts.number,
        date: when(facts.posted_at),
        store,
        store_code,
        customer_id: facts.customer_id,
        customer_code,
        customer_name: format!("{first} {last}").trim().to_owned(),
        sales_person,
        status: status_label(&row.status, facts.return_against_id.is_some()),
        lines: lines
            .into_iter()
            .map(|line| LineView {
                qty: line.qty.normalize().to_string(),
                rate: money(line.price_list_rate),
                discount: money(line.discount_amount),
                amount: money(line.amount),
                offer: line.offer,
                free: line.is_offer,
                item_code: line.item_code,
                item_name: line.item_name,
            })
            .collect(),
        delivery: facts
            .delivery_label
            .map(|label| (label, money(facts.delivery_amount))),
        payments: payments
            .into_iter()
            .map(|p| (mode_label(&p.mode), money(p.amount)))
            .collect(),
        net_total: money(facts.net_total),
        discount: money(facts.discount_amount),
        grand_total: money(facts.grand_total),
        paid: money(paid),
        points: facts.loyalty_points_redeemed,
        points_earned: extras.loyalty_points_earned,
        points_amount: money(facts.loyalty_amount),
        coupons: facts.coupon_codes,
        promotions: extras.promotions.clone(),
        grand_total_offer: facts
            .grand_total_offer
            .map(|offer| (offer, money(facts.grand_total_discount))),
        returns,
        return_against,
        cancelled_at: row.cancelled_at.map(when),
        currency: currency.code,
    })
}

#[derive(Template)]
#[template(path = "sales/invoice.html")]
struct InvoicePage {
    ctx: PageCtx,
    invoice: InvoiceView,
    /// Whether to offer "Try these lines in the offer simulator" (its readers only).
    can_simulate: bool,
}

async fn show(
    state: web::Data<AppState>,
    steps: web::Data<InvoiceSteps>,
    user: CurrentUser,
    uuid: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let uuid = Uuid::parse_str(uuid.trim()).map_err(|_| AppError::NotFound)?;
    // A store supervisor sees their own store's invoices; any other is "not found" to them.
    let (scope, clock) = (user.store_scope(), user.clock);
    let invoice = state
        .db
        .run(move |conn| {
            let row = model::find_by_uuid(conn, uuid)?;
            if !scope.allows(Some(row.facts.store_id)) {
                return Err(AppError::NotFound);
            }
            let extras = steps.extras(conn, InvoiceId(row.id))?;
            Ok(view(conn, row, &extras, clock)?)
        })
        .await?;
    render(&InvoicePage {
        ctx: user.page(),
        can_simulate: user.can(Permission::OffersManage) || user.can(Permission::ReportsView),
        invoice,
    })
}
