//! Invoice rows and queries: the only place that writes `invoices`, `invoice_lines`,
//! `invoice_payments` and `account_payments`. Here the sale as written, its stored answer for
//! retries, cancel and merge; beside it returns, the items a sale resolves, account balances and
//! a customer's history. The invoice as tills read it back is `sales::views`.

pub mod accounts;
pub mod history;
pub mod items;
pub mod returns;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Numeric, Text};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use patron_rules::CustomerId;
use patron_rules::sales::InvoiceStatus;

use crate::audit;
use crate::db::schema::{account_payments, invoices};
use crate::kernel::Till;

/// What a sale is: written once at submission, read back by every view of it. A `None` is
/// written as NULL, not as DEFAULT (none of these columns has another default), so that the
/// INSERT is the same SQL for every sale and Diesel prepares it once per connection.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = invoices, treat_none_as_default_value = false)]
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
#[diesel(table_name = invoices, treat_none_as_default_value = false)]
pub struct NewInvoice {
    /// What was sold.
    #[diesel(embed)]
    pub facts: InvoiceFacts,
    /// The answer (filled in once the invoice is written).
    pub response: serde_json::Value,
}

/// A new line.
#[derive(Debug, Clone)]
pub struct NewLine {
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

diesel::define_sql_function! {
    /// Migration `details_prepared`: a sale's lines and payments, column by column.
    #[allow(clippy::too_many_arguments)]
    fn insert_invoice_details(
        invoice: BigInt,
        line_nos: Array<Integer>,
        item_ids: Array<BigInt>,
        item_codes: Array<Text>,
        item_names: Array<Text>,
        qtys: Array<Numeric>,
        rates: Array<Numeric>,
        discounts: Array<Numeric>,
        amounts: Array<Numeric>,
        is_offers: Array<Bool>,
        offers: Array<Nullable<Text>>,
        modes: Array<Text>,
        paid: Array<Numeric>,
    ) -> Integer;
}

/// Writes the lines and payments of invoice `invoice` in one prepared call (a multi-row INSERT
/// is new SQL for every number of rows, planned again each time).
pub fn insert_details(
    conn: &mut PgConnection,
    invoice: i64,
    lines: &[NewLine],
    payments: &[(&'static str, Decimal)],
) -> QueryResult<()> {
    fn column<T>(lines: &[NewLine], value: impl Fn(&NewLine) -> T) -> Vec<T> {
        lines.iter().map(value).collect()
    }
    diesel::select(insert_invoice_details(
        invoice,
        column(lines, |l| l.line_no),
        column(lines, |l| l.item_id),
        column(lines, |l| l.item_code.clone()),
        column(lines, |l| l.item_name.clone()),
        column(lines, |l| l.qty),
        column(lines, |l| l.price_list_rate),
        column(lines, |l| l.discount_amount),
        column(lines, |l| l.amount),
        column(lines, |l| l.is_offer),
        column(lines, |l| l.offer.clone()),
        payments.iter().map(|(mode, _)| *mode).collect::<Vec<_>>(),
        payments
            .iter()
            .map(|(_, amount)| *amount)
            .collect::<Vec<_>>(),
    ))
    .execute(conn)
    .map(drop)
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

/// Marks invoice `id` cancelled by `till`, audited: `before` is the invoice as the till API
/// showed it, `answer` reads it so again afterwards (the entry keeps both; it answers the till).
pub fn cancel<T: Serialize>(
    conn: &mut PgConnection,
    id: i64,
    till: &Till,
    before: &T,
    answer: impl FnOnce(&mut PgConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    diesel::update(invoices::table.find(id))
        .set((
            invoices::status.eq(InvoiceStatus::Cancelled.as_str()),
            invoices::cancelled_at.eq(diesel::dsl::now),
            invoices::cancelled_by.eq(till.label()),
        ))
        .execute(conn)?;
    let after = answer(conn)?;
    audit::record_change(conn, &till.actor(), "invoice", id, "cancel", before, &after)?;
    Ok(after)
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
