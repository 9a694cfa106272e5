//! The daily rollups reports read: what one invoice adds to them (the pipeline's step, inside
//! the sale's transaction; a cancel subtracts the same), and how to make them again from the
//! invoices (`patron reports rebuild`). An invoice's figures are `patron_rules::reports::Figures`;
//! the rebuild says the same in SQL (`FIGURES`) over many invoices at once, and a test holds the
//! two equal. Cancelled invoices count nowhere; the day is the business day of `posted_at`.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Integer, Nullable, Numeric, SmallInt, Text};
use patron_rules::reports::Figures;

/// The tables that hold the rollups: the daily figures a sale appends (`unfolded_days`), the
/// customers', stores' and delivery charges' days the fold moves them into (migration
/// `rollups_appended`; reports read both through the views `rollup_customer_days`,
/// `rollup_store_days` and `rollup_delivery_days`), and the promotions' days.
pub const TABLES: [&str; 6] = [
    "unfolded_days",
    "folded_customer_days",
    "folded_store_days",
    "folded_delivery_days",
    "rollup_offer_days",
    "rollup_coupon_days",
];

/// An invoice's figures (as `Figures::of` makes them), one row per invoice of `invoices i`
/// (joined to its company `c`).
const FIGURES: &str = "i.company_id, business_day(i.posted_at, c.time_zone) AS day, \
     i.customer_id, i.store_id, i.sales_person_id, i.delivery_label, \
     (i.return_against_id IS NULL)::int AS sales, \
     (i.return_against_id IS NOT NULL)::int AS returns, \
     (i.grand_total - i.delivery_amount) AS net_sales, \
     (i.discount_amount + i.grand_total_discount) AS discount, \
     i.delivery_amount AS delivery";

/// The submitted invoices `i` (with their company `c`) of the business days `$1` to `$2`. A day
/// is the company's, so the instants of one day depend on its zone: the posted_at bounds (a day
/// on each side) let the index narrow the scan, the day test decides.
const DAYS_INVOICES: &str = "FROM invoices i JOIN companies c ON c.id = i.company_id \
     WHERE i.status = 'submitted' \
       AND i.posted_at >= $1::date - 1 AND i.posted_at < $2::date + 2 \
       AND business_day(i.posted_at, c.time_zone) BETWEEN $1 AND $2";

/// Writes `figures` (a query naming the columns of `FIGURES` plus `slot`) into every rollup,
/// adding to rows that exist.
fn upsert(figures: &str) -> String {
    format!(
        "WITH f AS MATERIALIZED ({figures}), \
         customer_days AS ( \
           INSERT INTO folded_customer_days AS r \
             (company_id, day, customer_id, store_id, slot, sales, returns, net_sales, discount) \
           SELECT company_id, day, customer_id, store_id, slot, \
                  sum(sales), sum(returns), sum(net_sales), sum(discount) \
           FROM f GROUP BY company_id, day, customer_id, store_id, slot \
           ON CONFLICT (customer_id, store_id, day, slot) DO UPDATE SET \
             sales = r.sales + excluded.sales, returns = r.returns + excluded.returns, \
             net_sales = r.net_sales + excluded.net_sales, discount = r.discount + excluded.discount \
         ), store_days AS ( \
           INSERT INTO folded_store_days AS r \
             (company_id, day, store_id, sales_person_id, slot, sales, returns, net_sales, \
              discount, delivery) \
           SELECT company_id, day, store_id, sales_person_id, slot, \
                  sum(sales), sum(returns), sum(net_sales), sum(discount), sum(delivery) \
           FROM f GROUP BY company_id, day, store_id, sales_person_id, slot \
           ON CONFLICT ON CONSTRAINT rollup_store_days_key DO UPDATE SET \
             sales = r.sales + excluded.sales, returns = r.returns + excluded.returns, \
             net_sales = r.net_sales + excluded.net_sales, discount = r.discount + excluded.discount, \
             delivery = r.delivery + excluded.delivery \
         ) \
         INSERT INTO folded_delivery_days AS r \
           (company_id, day, store_id, label, slot, charges, amount) \
         SELECT company_id, day, store_id, delivery_label, slot, \
                sum(sales + returns), sum(delivery) \
         FROM f WHERE delivery_label IS NOT NULL \
         GROUP BY company_id, day, store_id, delivery_label, slot \
         ON CONFLICT (store_id, day, label, slot) DO UPDATE SET \
           charges = r.charges + excluded.charges, amount = r.amount + excluded.amount"
    )
}

/// Where an invoice's figures go: its company, business day, customer, store, sales person and
/// delivery charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// Company.
    pub company_id: i64,
    /// Business day.
    pub day: NaiveDate,
    /// Customer.
    pub customer_id: i64,
    /// Store.
    pub store_id: i64,
    /// Sales person.
    pub sales_person_id: Option<i64>,
    /// Delivery charge label.
    pub delivery_label: Option<String>,
    /// Known to be the store's default customer (the Walk-in), who has no lifetime or month
    /// rows: the call that would find so is skipped. False when not known (a cancel).
    pub store_default_customer: bool,
}

diesel::define_sql_function! {
    /// Migrations `cohorts_and_one_rollup_call` and `rollups_appended`: everything an invoice
    /// adds to the rollups.
    #[allow(clippy::too_many_arguments)]
    fn add_invoice_rollups(
        invoice: BigInt,
        slot: SmallInt,
        company: BigInt,
        day: Date,
        customer: BigInt,
        store: BigInt,
        sales_person: Nullable<BigInt>,
        label: Nullable<Text>,
        sales: Integer,
        returns: Integer,
        net: Numeric,
        discount: Numeric,
        delivery: Numeric,
        lifetime: Bool,
        promotions: Bool,
    ) -> Integer;
}

/// A sale's or a return's day as the fold will take it (`unfolded_days`). A missing sales person
/// or label is written as NULL, so the INSERT is one SQL text Diesel prepares once.
#[derive(Insertable)]
#[diesel(table_name = crate::db::schema::unfolded_days, treat_none_as_default_value = false)]
struct UnfoldedDay<'a> {
    company_id: i64,
    day: NaiveDate,
    customer_id: i64,
    store_id: i64,
    sales_person_id: Option<i64>,
    label: Option<&'a str>,
    sales: i32,
    returns: i32,
    net_sales: rust_decimal::Decimal,
    discount: rust_decimal::Decimal,
    delivery: rust_decimal::Decimal,
}

/// Adds `figures` of invoice `invoice` under `key` (a cancel's are negative): the customer's,
/// the store's and the delivery charge's day as one appended row the fold moves into them (no
/// row that every till of a store updates), the customer's note for the fold of their lifetime,
/// month and cohort rows (none for the store's default customer), and, when `promotions`, what
/// the invoice's offers and coupons brought in: a sale's noted for the fold (migration
/// `rollups_appended`), a cancel's taken off at once (or the sale's note taken away), on the
/// invoice's slot of each day (`reports::slot`): sales made at once land on different rows, so
/// no till waits for another's transaction to end.
///
/// A sale or a return only appends, so it writes its rows with plain prepared INSERTs: the
/// Walk-in's sale one, half what the same row costs through `add_invoice_rollups` (a PL/pgSQL
/// call; bench/RESULTS.md, "The Walk-in's day as a plain INSERT"). A cancel, which may have to
/// take figures off instead, calls the function.
pub fn add(
    conn: &mut PgConnection,
    invoice: i64,
    key: &Key,
    figures: Figures,
    promotions: bool,
) -> QueryResult<()> {
    let slot = patron_rules::reports::slot(invoice);
    if figures.sales + figures.returns > 0 {
        return append(conn, invoice, slot, key, figures, promotions);
    }
    diesel::select(add_invoice_rollups(
        invoice,
        slot,
        key.company_id,
        key.day,
        key.customer_id,
        key.store_id,
        key.sales_person_id,
        key.delivery_label.as_deref(),
        figures.sales,
        figures.returns,
        figures.net_sales,
        figures.discount,
        figures.delivery,
        !key.store_default_customer,
        promotions,
    ))
    .execute(conn)
    .map(|_| ())
}

/// A sale's or a return's part of `add`: the rows `add_invoice_rollups` writes for one, each an
/// INSERT of its own.
fn append(
    conn: &mut PgConnection,
    invoice: i64,
    slot: i16,
    key: &Key,
    figures: Figures,
    promotions: bool,
) -> QueryResult<()> {
    use crate::db::schema::{customer_purchase_queue, unfolded_days, unfolded_promotions};
    diesel::insert_into(unfolded_days::table)
        .values(UnfoldedDay {
            company_id: key.company_id,
            day: key.day,
            customer_id: key.customer_id,
            store_id: key.store_id,
            sales_person_id: key.sales_person_id,
            label: key.delivery_label.as_deref(),
            sales: figures.sales,
            returns: figures.returns,
            net_sales: figures.net_sales,
            discount: figures.discount,
            delivery: figures.delivery,
        })
        .execute(conn)?;
    if !key.store_default_customer {
        use chrono::Datelike;
        diesel::insert_into(customer_purchase_queue::table)
            .values((
                customer_purchase_queue::company_id.eq(key.company_id),
                customer_purchase_queue::customer_id.eq(key.customer_id),
                customer_purchase_queue::month.eq(key.day.with_day(1).unwrap_or(key.day)),
                customer_purchase_queue::invoice_id.eq(Some(invoice)),
            ))
            .execute(conn)?;
    }
    if promotions {
        diesel::insert_into(unfolded_promotions::table)
            .values((
                unfolded_promotions::invoice_id.eq(invoice),
                unfolded_promotions::slot.eq(slot),
            ))
            .execute(conn)?;
    }
    Ok(())
}

diesel::define_sql_function! {
    /// Migration `merge_moves_rollups`: moves a merged customer's rollups to the kept one.
    fn move_customer_rollups(from: BigInt, to: BigInt) -> Integer;
}

/// The customers' `merged` hook: customer `from`'s days become `to`'s (as the merge moves their
/// invoices), and `to`'s lifetime, month, cohort and referral figures are made again from them.
/// Returns the daily rows moved.
pub fn move_customer(
    conn: &mut PgConnection,
    from: patron_rules::CustomerId,
    to: patron_rules::CustomerId,
) -> QueryResult<usize> {
    let moved: i32 =
        diesel::select(move_customer_rollups(from.get(), to.get())).get_result(conn)?;
    Ok(usize::try_from(moved).unwrap_or(0))
}

/// Deletes the rollups of the days `from` to `to` (both included) and makes them again from the
/// submitted invoices of those days, all in slot 0; returns how many invoices were read. The
/// caller runs it in a transaction: its lock lets sales already writing rollups finish first and
/// holds new ones at their rollup step until it commits, so every invoice is counted once.
pub fn rebuild_days(conn: &mut PgConnection, from: NaiveDate, to: NaiveDate) -> QueryResult<i64> {
    diesel::sql_query(format!(
        "LOCK TABLE {}, unfolded_promotions IN SHARE ROW EXCLUSIVE MODE",
        TABLES.join(", ")
    ))
    .execute(conn)?;
    // The sales noted for the promotions' fold have no day to delete by: folded first, those
    // of these days are then deleted and made again with the rest.
    diesel::sql_query("SELECT fold_promotions()").execute(conn)?;
    for table in TABLES {
        diesel::sql_query(format!("DELETE FROM {table} WHERE day BETWEEN $1 AND $2"))
            .bind::<Date, _>(from)
            .bind::<Date, _>(to)
            .execute(conn)?;
    }
    let figures = format!("SELECT {FIGURES}, 0::smallint AS slot {DAYS_INVOICES}");
    diesel::sql_query(upsert(&figures))
        .bind::<Date, _>(from)
        .bind::<Date, _>(to)
        .execute(conn)?;
    diesel::sql_query(format!(
        "SELECT add_invoice_promotions(array_agg(i.id), array_agg(0::smallint), 1) \
         {DAYS_INVOICES}"
    ))
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .execute(conn)?;
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query(
        "SELECT coalesce(sum(sales + returns), 0)::bigint AS n FROM rollup_customer_days \
         WHERE day BETWEEN $1 AND $2",
    )
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .get_result::<Count>(conn)
    .map(|c| c.n)
}

/// Makes every customer's lifetime and month rows, the cohort counts, the referral
/// registrations' figures and the segments' facts again from the daily rollups (after their
/// days are rebuilt; a lifetime spans every day, so all of them), and the segments' goods from
/// the invoices, holding sales at their rollup step until it commits. The caller runs it in a
/// transaction.
pub fn rebuild_customer_purchases(conn: &mut PgConnection) -> QueryResult<()> {
    // No fold meanwhile; the customers noted so far are all in the daily rows the lock holds.
    crate::db::fold::lock(conn)?;
    diesel::sql_query(
        "LOCK TABLE folded_customer_days, unfolded_days, customer_purchases, rollup_customer_months, \
         rollup_cohort_months IN SHARE ROW EXCLUSIVE MODE",
    )
    .execute(conn)?;
    diesel::sql_query("DELETE FROM customer_purchase_queue").execute(conn)?;
    diesel::sql_query("SELECT rebuild_customer_purchases()").execute(conn)?;
    diesel::sql_query("SELECT rebuild_cohort_months()").execute(conn)?;
    diesel::sql_query("SELECT rebuild_referral_figures()").execute(conn)?;
    // The segments' facts read the lifetime rows and the daily rows just made.
    diesel::sql_query("SELECT refold_customer_facts(NULL, NULL)").execute(conn)?;
    // What each customer bought and when, from the invoices (for "bought ... in N days").
    diesel::sql_query("SELECT refold_customer_goods(NULL, NULL)")
        .execute(conn)
        .map(|_| ())
}

/// The first and last business day any invoice falls on (none without invoices).
pub fn invoice_days(conn: &mut PgConnection) -> QueryResult<Option<(NaiveDate, NaiveDate)>> {
    #[derive(QueryableByName)]
    struct Span {
        #[diesel(sql_type = diesel::sql_types::Nullable<Date>)]
        first: Option<NaiveDate>,
        #[diesel(sql_type = diesel::sql_types::Nullable<Date>)]
        last: Option<NaiveDate>,
    }
    // Every zone is within a day of UTC: widen by a day each side.
    let span: Span = diesel::sql_query(
        "SELECT (min(posted_at) AT TIME ZONE 'UTC')::date - 1 AS first, \
                (max(posted_at) AT TIME ZONE 'UTC')::date + 1 AS last FROM invoices",
    )
    .get_result(conn)?;
    Ok(span.first.zip(span.last))
}
