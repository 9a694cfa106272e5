//! Invoice rows and queries: the only place that writes `invoices`, `invoice_lines`,
//! `invoice_payments` and `account_payments`, and the invoice as tills read it back.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::rules::InvoiceStatus;
use super::submit::InvoiceExtras;
use crate::kernel::{Currency, CustomerId};

use crate::db::schema::{
    account_payments, customers, invoice_lines, invoice_payments, invoices, item_groups, items,
    sales_persons, stores,
};

/// What a sale is: written once at submission, read back by every view of it.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = invoices)]
pub struct InvoiceFacts {
    /// The till's uuid.
    pub uuid: Uuid,
    /// The till's number.
    pub number: String,
    /// Store.
    pub store_id: i64,
    /// Company.
    pub company_id: i64,
    /// Customer.
    pub customer_id: i64,
    /// Sales person.
    pub sales_person_id: Option<i64>,
    /// When sold.
    pub posted_at: DateTime<Utc>,
    /// The invoice this one returns goods of.
    pub return_against_id: Option<i64>,
    /// Currency.
    pub currency_code: String,
    /// Net total.
    pub net_total: Decimal,
    /// Discounts.
    pub discount_amount: Decimal,
    /// Delivery charge label.
    pub delivery_label: Option<String>,
    /// Delivery charge.
    pub delivery_amount: Decimal,
    /// Grand total.
    pub grand_total: Decimal,
    /// A Grand Total offer's discount.
    pub grand_total_discount: Decimal,
    /// That offer's Title.
    pub grand_total_offer: Option<String>,
    /// Loyalty points redeemed.
    pub loyalty_points_redeemed: i64,
    /// Their value.
    pub loyalty_amount: Decimal,
    /// Coupons used.
    pub coupon_codes: Vec<String>,
    /// SHA-256 of the request.
    pub request_hash: Vec<u8>,
}

/// An invoice as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invoices)]
pub struct InvoiceRow {
    /// Id.
    pub id: i64,
    /// What was sold.
    #[diesel(embed)]
    pub facts: InvoiceFacts,
    /// submitted or cancelled.
    pub status: String,
    /// When cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
}

impl InvoiceRow {
    /// Where the invoice stands.
    pub fn state(&self) -> InvoiceStatus {
        InvoiceStatus::from_stored(&self.status)
    }
}

/// A new invoice.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = invoices)]
pub struct NewInvoice {
    /// What was sold.
    #[diesel(embed)]
    pub facts: InvoiceFacts,
    /// The answer (filled in once the invoice is written).
    pub response: serde_json::Value,
}

/// A new line.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = invoice_lines)]
pub struct NewLine {
    /// Invoice.
    pub invoice_id: i64,
    /// 1, 2, ...
    pub line_no: i32,
    /// Item.
    pub item_id: i64,
    /// Item code as sold.
    pub item_code: String,
    /// Item name as sold.
    pub item_name: String,
    /// Quantity.
    pub qty: Decimal,
    /// Rate.
    pub price_list_rate: Decimal,
    /// Discount.
    pub discount_amount: Decimal,
    /// Amount.
    pub amount: Decimal,
    /// Offer line?
    pub is_offer: bool,
    /// Offer.
    pub offer: Option<String>,
}

/// Inserts `new` unless its uuid exists; returns its id, or none when the uuid was taken (by a
/// retry of the same sale, or by another sale).
pub fn insert_invoice(conn: &mut PgConnection, new: &NewInvoice) -> QueryResult<Option<i64>> {
    diesel::insert_into(invoices::table)
        .values(new)
        .on_conflict(invoices::uuid)
        .do_nothing()
        .returning(invoices::id)
        .get_result(conn)
        .optional()
}

/// Writes the lines and payments of invoice `id`.
pub fn insert_details(
    conn: &mut PgConnection,
    lines: &[NewLine],
    payments: &[(i64, &'static str, Decimal)],
) -> QueryResult<()> {
    diesel::insert_into(invoice_lines::table)
        .values(lines)
        .execute(conn)?;
    let rows: Vec<_> = payments
        .iter()
        .map(|(invoice, mode, amount)| {
            (
                invoice_payments::invoice_id.eq(*invoice),
                invoice_payments::mode.eq(*mode),
                invoice_payments::amount.eq(*amount),
            )
        })
        .collect();
    diesel::insert_into(invoice_payments::table)
        .values(&rows)
        .execute(conn)?;
    Ok(())
}

/// Keeps `answer` as the reply to retries of invoice `id`.
pub fn store_response(
    conn: &mut PgConnection,
    id: i64,
    answer: &serde_json::Value,
) -> QueryResult<()> {
    diesel::update(invoices::table.find(id))
        .set(invoices::response.eq(answer))
        .execute(conn)?;
    Ok(())
}

/// The stored request hash and answer of the invoice with `uuid`, if any.
pub fn stored_answer(
    conn: &mut PgConnection,
    uuid: Uuid,
) -> QueryResult<Option<(Vec<u8>, serde_json::Value)>> {
    invoices::table
        .filter(invoices::uuid.eq(uuid))
        .select((invoices::request_hash, invoices::response))
        .first(conn)
        .optional()
}

/// The invoice with `uuid`.
pub fn find_by_uuid(conn: &mut PgConnection, uuid: Uuid) -> QueryResult<InvoiceRow> {
    invoices::table
        .filter(invoices::uuid.eq(uuid))
        .select(InvoiceRow::as_select())
        .first(conn)
}

/// The invoice with `uuid`, locked until the transaction ends (cancels and returns against it
/// queue up here).
pub fn lock_by_uuid(conn: &mut PgConnection, uuid: Uuid) -> QueryResult<InvoiceRow> {
    invoices::table
        .filter(invoices::uuid.eq(uuid))
        .select(InvoiceRow::as_select())
        .for_update()
        .first(conn)
}

/// Marks invoice `id` cancelled.
pub fn cancel(conn: &mut PgConnection, id: i64, by: &str) -> QueryResult<()> {
    diesel::update(invoices::table.find(id))
        .set((
            invoices::status.eq(InvoiceStatus::Cancelled.as_str()),
            invoices::cancelled_at.eq(diesel::dsl::now),
            invoices::cancelled_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Uuids and numbers of the live (not cancelled) returns against invoice `id`.
pub fn live_returns(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<(Uuid, String)>> {
    invoices::table
        .filter(invoices::return_against_id.eq(id))
        .filter(invoices::status.eq(InvoiceStatus::Submitted.as_str()))
        .select((invoices::uuid, invoices::number))
        .load(conn)
}

/// Per item: sold on invoice `id`, and already returned by its live returns (negative).
pub fn returnable(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<(i64, Decimal, Decimal)>> {
    let sold: Vec<(i64, Decimal)> = invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(id))
        .select((invoice_lines::item_id, invoice_lines::qty))
        .load(conn)?;
    let returned: Vec<(i64, Decimal)> = invoice_lines::table
        .inner_join(invoices::table)
        .filter(invoices::return_against_id.eq(id))
        .filter(invoices::status.eq(InvoiceStatus::Submitted.as_str()))
        .select((invoice_lines::item_id, invoice_lines::qty))
        .load(conn)?;
    let mut out: Vec<(i64, Decimal, Decimal)> = Vec::new();
    for (item, qty) in sold {
        match out.iter_mut().find(|(i, ..)| *i == item) {
            Some(entry) => entry.1 += qty,
            None => out.push((item, qty, Decimal::ZERO)),
        }
    }
    for (item, qty) in returned {
        if let Some(entry) = out.iter_mut().find(|(i, ..)| *i == item) {
            entry.2 += qty;
        }
    }
    Ok(out)
}

/// An item as a sale resolves it: with its item group's lineage and its brand.
#[derive(Debug, Clone, Queryable)]
pub struct ItemForSale {
    /// Id.
    pub id: i64,
    /// Item Code.
    pub item_code: String,
    /// Name.
    pub name: String,
    /// Its item group, then that group's ancestors up to the root.
    pub item_groups: Vec<i64>,
    /// Brand.
    pub brand_id: Option<i64>,
}

/// Items by code, each with its item group's lineage (kept by the database on every group).
pub fn items_by_code(conn: &mut PgConnection, codes: &[String]) -> QueryResult<Vec<ItemForSale>> {
    items::table
        .inner_join(item_groups::table)
        .filter(items::item_code.eq_any(codes))
        .select((
            items::id,
            items::item_code,
            items::name,
            item_groups::lineage,
            items::brand_id,
        ))
        .load(conn)
}

/// What customer `customer_id` owes: on-account payments of live invoices less what they paid
/// towards their account. Computed from the rows every time; never a stored counter.
pub fn outstanding(conn: &mut PgConnection, customer_id: i64) -> QueryResult<Decimal> {
    let owed: Option<Decimal> = invoice_payments::table
        .inner_join(invoices::table)
        .filter(invoices::customer_id.eq(customer_id))
        .filter(invoices::status.eq(InvoiceStatus::Submitted.as_str()))
        .filter(invoice_payments::mode.eq("on_account"))
        .select(diesel::dsl::sum(invoice_payments::amount))
        .first(conn)?;
    let paid: Option<Decimal> = account_payments::table
        .filter(account_payments::customer_id.eq(customer_id))
        .select(diesel::dsl::sum(account_payments::amount))
        .first(conn)?;
    Ok(owed.unwrap_or_default() - paid.unwrap_or_default())
}

/// A payment towards a customer's account.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = account_payments)]
pub struct NewAccountPayment {
    /// Idempotency key.
    pub uuid: Uuid,
    /// Customer.
    pub customer_id: i64,
    /// Amount (> 0).
    pub amount: Decimal,
    /// cash, card, bank_transfer or cheque.
    pub mode: String,
    /// Store where it was paid, if at a till.
    pub store_id: Option<i64>,
    /// Receipt or transfer reference.
    pub reference: String,
    /// Who recorded it.
    pub created_by: String,
}

/// How many invoices there are.
pub fn count(conn: &mut PgConnection) -> QueryResult<i64> {
    invoices::table.count().get_result(conn)
}

/// Moves the sales and account payments of customer `from` to customer `to` (a merge).
pub fn move_customer(
    conn: &mut PgConnection,
    from: CustomerId,
    to: CustomerId,
) -> QueryResult<usize> {
    let (from, to) = (from.get(), to.get());
    let sales = diesel::update(invoices::table.filter(invoices::customer_id.eq(from)))
        .set(invoices::customer_id.eq(to))
        .execute(conn)?;
    let payments =
        diesel::update(account_payments::table.filter(account_payments::customer_id.eq(from)))
            .set(account_payments::customer_id.eq(to))
            .execute(conn)?;
    Ok(sales + payments)
}

/// One sale in a customer's history.
#[derive(Debug, Clone, Queryable)]
pub struct HistoryRow {
    /// Invoice id (the paging cursor with `posted_at`).
    pub id: i64,
    /// The till's uuid.
    pub uuid: Uuid,
    /// When.
    pub posted_at: DateTime<Utc>,
    /// Store name.
    pub store: String,
    /// The till's number.
    pub number: String,
    /// Discounts.
    pub discount_amount: Decimal,
    /// Grand total.
    pub grand_total: Decimal,
    /// Coupons used.
    pub coupon_codes: Vec<String>,
    /// submitted or cancelled.
    pub status: String,
    /// Whether it is a return.
    pub is_return: bool,
    /// Currency.
    pub currency_code: String,
    /// Store id (who may open the invoice).
    pub store_id: i64,
}

/// Customer `customer_id`'s sales matching `filter`, newest first, `limit` of them (keyset paging
/// on `invoices_customer_idx`).
pub fn history(
    conn: &mut PgConnection,
    customer_id: i64,
    filter: &super::history::HistoryFilter,
    limit: i64,
) -> QueryResult<Vec<HistoryRow>> {
    let mut query = invoices::table
        .inner_join(stores::table)
        .filter(invoices::customer_id.eq(customer_id))
        .order((invoices::posted_at.desc(), invoices::id.desc()))
        .limit(limit)
        .select((
            invoices::id,
            invoices::uuid,
            invoices::posted_at,
            stores::name,
            invoices::number,
            invoices::discount_amount,
            invoices::grand_total,
            invoices::coupon_codes,
            invoices::status,
            invoices::return_against_id.is_not_null(),
            invoices::currency_code,
            invoices::store_id,
        ))
        .into_boxed();
    if let Some(store) = filter.store_id {
        query = query.filter(invoices::store_id.eq(store));
    }
    if let Some(from) = filter.from {
        query = query.filter(invoices::posted_at.ge(filter.clock.start_of(from)));
    }
    if let Some(to) = filter.to.and_then(|to| to.succ_opt()) {
        query = query.filter(invoices::posted_at.lt(filter.clock.start_of(to)));
    }
    if let Some((at, id)) = filter.before {
        query = query.filter(
            invoices::posted_at
                .lt(at)
                .or(invoices::posted_at.eq(at).and(invoices::id.lt(id))),
        );
    }
    query.load(conn)
}

/// Modes a payment towards an account may take.
pub const ACCOUNT_MODES: [&str; 4] = ["cash", "card", "bank_transfer", "cheque"];

/// The largest payment towards an account.
pub const MAX_ACCOUNT_PAYMENT: i64 = 1_000_000_000;

/// Checks an account payment as typed or sent: (amount, mode, reference), or the field and why.
pub fn check_account_payment(
    amount: Decimal,
    mode: &str,
    reference: &str,
) -> Result<(Decimal, String, String), (&'static str, String)> {
    if amount <= Decimal::ZERO {
        return Err(("amount", "Enter an amount more than zero.".into()));
    }
    if amount > Decimal::from(MAX_ACCOUNT_PAYMENT) {
        return Err(("amount", "Enter an amount of at most 1,000,000,000.".into()));
    }
    if amount.normalize().scale() > 4 {
        return Err(("amount", "Use at most 4 decimal places.".into()));
    }
    let mode = mode.trim().to_lowercase();
    if !ACCOUNT_MODES.contains(&mode.as_str()) {
        return Err(("mode", "Use cash, card, bank_transfer or cheque.".into()));
    }
    let reference = reference.trim().to_owned();
    if reference.chars().count() > 120 {
        return Err(("reference", "Use at most 120 characters.".into()));
    }
    Ok((amount, mode, reference))
}

/// Records `payment` unless its uuid exists; returns whether it was written now.
pub fn insert_account_payment(
    conn: &mut PgConnection,
    payment: &NewAccountPayment,
) -> QueryResult<bool> {
    let made = diesel::insert_into(account_payments::table)
        .values(payment)
        .on_conflict(account_payments::uuid)
        .do_nothing()
        .execute(conn)?;
    Ok(made == 1)
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

/// Invoice `id` as the API shows it.
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
    let lines = lines_of(conn, id)?;
    let payments = payments_of(conn, id)?;
    let return_against = match row.facts.return_against_id {
        Some(original) => Some(
            invoices::table
                .find(original)
                .select(invoices::uuid)
                .first(conn)?,
        ),
        None => None,
    };
    // Amounts read back with the currency's decimals ("39.98", not "39.9800").
    let currency = crate::stores::model::currency(conn, &row.facts.currency_code)?
        .unwrap_or_else(Currency::usd);
    let money = |amount: Decimal| currency.round(amount);
    let lines: Vec<LineJson> = lines
        .into_iter()
        .map(|line| LineJson {
            qty: line.qty.normalize(),
            price_list_rate: line.price_list_rate.normalize(),
            discount_amount: money(line.discount_amount),
            amount: money(line.amount),
            ..line
        })
        .collect();
    let payments: Vec<PaymentJson> = payments
        .into_iter()
        .map(|p| PaymentJson {
            amount: money(p.amount),
            ..p
        })
        .collect();
    let paid = payments.iter().map(|p| p.amount).sum();
    Ok(InvoiceJson {
        id: row.facts.uuid,
        number: row.facts.number,
        status: row.status,
        posted_at: row.facts.posted_at,
        store,
        customer: CustomerRef {
            id: cid,
            code,
            name: format!("{first} {last}").trim().to_owned(),
        },
        sales_person,
        currency: row.facts.currency_code,
        lines,
        delivery_charge: row.facts.delivery_label.map(|label| DeliveryJson {
            label,
            amount: money(row.facts.delivery_amount),
        }),
        payments,
        totals: TotalsJson {
            net_total: money(row.facts.net_total),
            discount_amount: money(row.facts.discount_amount),
            grand_total_discount: money(row.facts.grand_total_discount),
            delivery_amount: money(row.facts.delivery_amount),
            grand_total: money(row.facts.grand_total),
            loyalty_amount: money(row.facts.loyalty_amount),
            paid,
        },
        grand_total_offer: row.facts.grand_total_offer,
        coupon_codes: row.facts.coupon_codes,
        loyalty_points_redeemed: row.facts.loyalty_points_redeemed,
        loyalty_amount: money(row.facts.loyalty_amount),
        loyalty_points_earned: extras.loyalty_points_earned,
        return_against,
        cancelled_at: row.cancelled_at,
    })
}
