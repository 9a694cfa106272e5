//! The invoice as the till API answers it (wire types kept apart from the rows they are read
//! from), and what other areas add to that answer and to the invoice page (`InvoiceExtras`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use patron_rules::Currency;

use super::model::{InvoiceFacts, InvoiceRow};
use crate::db::schema::{
    customers, invoice_lines, invoice_payments, invoices, sales_persons, stores,
};

/// What areas add to an invoice as the till's answer and the invoice page show it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceExtras {
    /// Loyalty points the invoice earned (a return's cut is negative).
    pub loyalty_points_earned: i64,
    /// The promotions the sale used, as its page lists them.
    pub promotions: Vec<Promotion>,
}

/// A promotion a sale used (an offer version), as the invoice page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promotion {
    /// Its name ("Winter 20% (version 2)").
    pub name: String,
    /// Its page.
    pub href: String,
    /// What it gave, in words ("12.50 off", "1 free", "50 bonus points").
    pub gave: String,
}

/// An invoice as the API answers it: what the server computed and stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Invoice)]
pub struct InvoiceJson {
    id: Uuid,
    number: String,
    status: String,
    posted_at: DateTime<Utc>,
    store: String,
    customer: CustomerRef,
    sales_person: Option<String>,
    currency: String,
    lines: Vec<LineJson>,
    delivery_charge: Option<DeliveryJson>,
    payments: Vec<PaymentJson>,
    totals: TotalsJson,
    /// The Grand Total offer the sale took.
    grand_total_offer: Option<String>,
    coupon_codes: Vec<String>,
    loyalty_points_redeemed: i64,
    #[schema(value_type = String, format = "decimal")]
    loyalty_amount: Decimal,
    /// Points the sale earned (a return: the negative cut of the original's).
    loyalty_points_earned: i64,
    return_against: Option<Uuid>,
    cancelled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = InvoiceCustomer)]
struct CustomerRef {
    id: Uuid,
    code: String,
    name: String,
}

/// One line of an invoice as stored.
#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
#[schema(as = InvoiceLine)]
pub struct LineJson {
    /// 1, 2, ...
    pub line_no: i32,
    /// Item code as sold.
    pub item_code: String,
    /// Item name as sold.
    pub item_name: String,
    /// Quantity (negative on returns).
    #[schema(value_type = String, format = "decimal")]
    pub qty: Decimal,
    /// Price List Rate.
    #[schema(value_type = String, format = "decimal")]
    pub price_list_rate: Decimal,
    /// Discount.
    #[schema(value_type = String, format = "decimal")]
    pub discount_amount: Decimal,
    /// Amount.
    #[schema(value_type = String, format = "decimal")]
    pub amount: Decimal,
    /// Whether an offer gave it.
    pub is_offer: bool,
    /// Which offer.
    pub offer: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = InvoiceDelivery)]
struct DeliveryJson {
    label: String,
    #[schema(value_type = String, format = "decimal")]
    amount: Decimal,
}

/// One payment of an invoice.
#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
#[schema(as = InvoicePayment)]
pub struct PaymentJson {
    /// cash, card, on_account, store_credit or gift_card.
    pub mode: String,
    /// Amount (negative for refunds).
    #[schema(value_type = String, format = "decimal")]
    pub amount: Decimal,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = InvoiceTotals)]
struct TotalsJson {
    #[schema(value_type = String, format = "decimal")]
    net_total: Decimal,
    #[schema(value_type = String, format = "decimal")]
    discount_amount: Decimal,
    /// The Grand Total offer's discount.
    #[schema(value_type = String, format = "decimal")]
    grand_total_discount: Decimal,
    #[schema(value_type = String, format = "decimal")]
    delivery_amount: Decimal,
    #[schema(value_type = String, format = "decimal")]
    grand_total: Decimal,
    #[schema(value_type = String, format = "decimal")]
    loyalty_amount: Decimal,
    #[schema(value_type = String, format = "decimal")]
    paid: Decimal,
}

/// The lines of invoice `id`, in order.
pub fn lines_of(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<LineJson>> {
    invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(id))
        .order(invoice_lines::line_no.asc())
        .select((
            invoice_lines::line_no,
            invoice_lines::item_code,
            invoice_lines::item_name,
            invoice_lines::qty,
            invoice_lines::price_list_rate,
            invoice_lines::discount_amount,
            invoice_lines::amount,
            invoice_lines::is_offer,
            invoice_lines::offer,
        ))
        .load(conn)
}

/// The payments of invoice `id`, in the order they were sent.
pub fn payments_of(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<PaymentJson>> {
    invoice_payments::table
        .filter(invoice_payments::invoice_id.eq(id))
        .order(invoice_payments::id.asc())
        .select((invoice_payments::mode, invoice_payments::amount))
        .load(conn)
}

/// What an invoice's answer names besides its own columns, and its lines and payments.
#[derive(Debug, Clone)]
pub struct AnswerParts {
    /// The store's code.
    pub store: String,
    /// The customer's uuid, code and name (`customer_name`).
    pub customer: (Uuid, String, String),
    /// The sales person's employee code.
    pub sales_person: Option<String>,
    /// The lines, in order, as stored.
    pub lines: Vec<LineJson>,
    /// The payments, in the order they were sent, as stored.
    pub payments: Vec<PaymentJson>,
    /// The uuid of the invoice a return is against.
    pub return_against: Option<Uuid>,
    /// The invoice's currency.
    pub currency: Currency,
}

/// A customer's name as answers show it.
pub fn customer_name(first_name: &str, last_name: &str) -> String {
    format!("{first_name} {last_name}").trim().to_owned()
}

/// An amount as a `numeric(18, 4)` column keeps it (PostgreSQL rounds half away from zero and
/// answers with four decimals), so that an answer built before the write reads as one read back.
pub fn as_stored(amount: Decimal) -> Decimal {
    let mut stored =
        amount.round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    stored.rescale(4);
    stored
}

/// An instant as a `timestamptz` column keeps it: whole microseconds (Diesel sends the
/// microseconds since 2000, the rest dropped).
pub fn instant_as_stored(at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::Timelike;
    at.with_nanosecond(at.nanosecond() / 1_000 * 1_000)
        .unwrap_or(at)
}

/// Invoice `id` as the API shows it, read back.
pub fn invoice_json(
    conn: &mut PgConnection,
    id: i64,
    extras: &InvoiceExtras,
) -> QueryResult<InvoiceJson> {
    let row: InvoiceRow = invoices::table
        .find(id)
        .select(InvoiceRow::as_select())
        .first(conn)?;
    let store: String = stores::table
        .find(row.facts.store_id)
        .select(stores::code)
        .first(conn)?;
    let (cid, code, first, last): (Uuid, String, String, String) = customers::table
        .find(row.facts.customer_id)
        .select((
            customers::uuid,
            customers::code,
            customers::first_name,
            customers::last_name,
        ))
        .first(conn)?;
    let sales_person = match row.facts.sales_person_id {
        Some(sp) => Some(
            sales_persons::table
                .find(sp)
                .select(sales_persons::employee_code)
                .first(conn)?,
        ),
        None => None,
    };
    let return_against = match row.facts.return_against_id {
        Some(original) => Some(
            invoices::table
                .find(original)
                .select(invoices::uuid)
                .first(conn)?,
        ),
        None => None,
    };
    let parts = AnswerParts {
        store,
        customer: (cid, code, customer_name(&first, &last)),
        sales_person,
        lines: lines_of(conn, id)?,
        payments: payments_of(conn, id)?,
        return_against,
        currency: crate::stores::model::currency(conn, &row.facts.currency_code)?
            .unwrap_or_else(Currency::usd),
    };
    Ok(assemble(
        row.facts,
        row.status,
        row.cancelled_at,
        parts,
        extras,
    ))
}

/// A submission's answer, built from what it is about to write (`facts` and `parts` as they
/// will be stored, see `as_stored`) and what its steps planned: the same as `invoice_json`
/// reads back once it is written.
pub fn submitted_json(
    facts: InvoiceFacts,
    parts: AnswerParts,
    extras: &InvoiceExtras,
) -> InvoiceJson {
    let status = patron_rules::sales::InvoiceStatus::Submitted.as_str();
    assemble(facts, status.to_owned(), None, parts, extras)
}

/// The answer from an invoice's columns and parts: amounts with the currency's decimals
/// ("39.98", not "39.9800"), quantities and rates without trailing zeros.
fn assemble(
    facts: InvoiceFacts,
    status: String,
    cancelled_at: Option<DateTime<Utc>>,
    parts: AnswerParts,
    extras: &InvoiceExtras,
) -> InvoiceJson {
    let currency = parts.currency;
    let money = |amount: Decimal| currency.round(amount);
    let lines: Vec<LineJson> = parts
        .lines
        .into_iter()
        .map(|line| LineJson {
            qty: line.qty.normalize(),
            price_list_rate: line.price_list_rate.normalize(),
            discount_amount: money(line.discount_amount),
            amount: money(line.amount),
            ..line
        })
        .collect();
    let payments: Vec<PaymentJson> = parts
        .payments
        .into_iter()
        .map(|p| PaymentJson {
            amount: money(p.amount),
            ..p
        })
        .collect();
    let paid = payments.iter().map(|p| p.amount).sum();
    let (id, code, name) = parts.customer;
    InvoiceJson {
        id: facts.uuid,
        number: facts.number,
        status,
        posted_at: facts.posted_at,
        store: parts.store,
        customer: CustomerRef { id, code, name },
        sales_person: parts.sales_person,
        currency: facts.currency_code,
        lines,
        delivery_charge: facts.delivery_label.map(|label| DeliveryJson {
            label,
            amount: money(facts.delivery_amount),
        }),
        payments,
        totals: TotalsJson {
            net_total: money(facts.net_total),
            discount_amount: money(facts.discount_amount),
            grand_total_discount: money(facts.grand_total_discount),
            delivery_amount: money(facts.delivery_amount),
            grand_total: money(facts.grand_total),
            loyalty_amount: money(facts.loyalty_amount),
            paid,
        },
        grand_total_offer: facts.grand_total_offer,
        coupon_codes: facts.coupon_codes,
        loyalty_points_redeemed: facts.loyalty_points_redeemed,
        loyalty_amount: money(facts.loyalty_amount),
        loyalty_points_earned: extras.loyalty_points_earned,
        return_against: parts.return_against,
        cancelled_at,
    }
}
