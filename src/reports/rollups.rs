//! The daily rollups reports read, as SQL: what one invoice adds to them (the pipeline's step,
//! inside the sale's transaction; a cancel subtracts the same), and how to make them again from
//! the invoices (`patron reports rebuild`). Both derive an invoice's figures from its stored row
//! with the one definition in `FIGURES`, so a rebuild equals what the pipeline kept.
//!
//! The figures of an invoice: a sale counts 1 under Sales, a return 1 under Returns; Net Sales is
//! the grand total less the delivery charge (a return's is negative, so returns subtract);
//! Discount is the lines' discounts plus the grand-total discount; cancelled invoices count
//! nowhere. The day is the business day of `posted_at`.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer};

/// The rollup tables, in the order a sale writes them.
pub const TABLES: [&str; 3] = [
    "rollup_customer_days",
    "rollup_store_days",
    "rollup_delivery_days",
];

/// An invoice's figures, one row per invoice of `invoices i` (joined to its company `c`),
/// multiplied by `$sign`.
const FIGURES: &str = "i.company_id, business_day(i.posted_at, c.time_zone) AS day, \
     i.customer_id, i.store_id, i.sales_person_id, i.delivery_label, \
     $SIGN * (i.return_against_id IS NULL)::int AS sales, \
     $SIGN * (i.return_against_id IS NOT NULL)::int AS returns, \
     $SIGN * (i.grand_total - i.delivery_amount) AS net_sales, \
     $SIGN * (i.discount_amount + i.grand_total_discount) AS discount, \
     $SIGN * i.delivery_amount AS delivery";

/// Writes `figures` (a query naming the columns of `FIGURES` plus `slot`) into every rollup,
/// adding to rows that exist.
fn upsert(figures: &str) -> String {
    format!(
        "WITH f AS MATERIALIZED ({figures}), \
         customer_days AS ( \
           INSERT INTO rollup_customer_days AS r \
             (company_id, day, customer_id, store_id, slot, sales, returns, net_sales, discount) \
           SELECT company_id, day, customer_id, store_id, slot, \
                  sum(sales), sum(returns), sum(net_sales), sum(discount) \
           FROM f GROUP BY company_id, day, customer_id, store_id, slot \
           ON CONFLICT (customer_id, store_id, day, slot) DO UPDATE SET \
             sales = r.sales + excluded.sales, returns = r.returns + excluded.returns, \
             net_sales = r.net_sales + excluded.net_sales, discount = r.discount + excluded.discount \
         ), store_days AS ( \
           INSERT INTO rollup_store_days AS r \
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
         INSERT INTO rollup_delivery_days AS r \
           (company_id, day, store_id, label, slot, charges, amount) \
         SELECT company_id, day, store_id, delivery_label, slot, \
                sum(sales + returns), sum(delivery) \
         FROM f WHERE delivery_label IS NOT NULL \
         GROUP BY company_id, day, store_id, delivery_label, slot \
         ON CONFLICT (store_id, day, label, slot) DO UPDATE SET \
           charges = r.charges + excluded.charges, amount = r.amount + excluded.amount"
    )
}

/// Adds invoice `id`'s figures to the rollups (`sign` 1), or takes them off again (`sign` -1,
/// a cancel). One statement. The row is the invoice's slot (its id modulo 16): sales made at
/// once land on different rows, so no till waits for another's transaction to end.
pub fn add_invoice(conn: &mut PgConnection, id: i64, sign: i32) -> QueryResult<()> {
    let figures = format!(
        "SELECT {}, (i.id % 16)::smallint AS slot \
         FROM invoices i JOIN companies c ON c.id = i.company_id WHERE i.id = $1",
        FIGURES.replace("$SIGN", "$2")
    );
    diesel::sql_query(upsert(&figures))
        .bind::<BigInt, _>(id)
        .bind::<Integer, _>(sign)
        .execute(conn)
        .map(|_| ())
}

/// Deletes the rollups of the days `from` to `to` (both included) and makes them again from the
/// submitted invoices of those days, all in slot 0; returns how many invoices were read. The
/// caller runs it in a transaction: its lock lets sales already writing rollups finish first and
/// holds new ones at their rollup step until it commits, so every invoice is counted once.
pub fn rebuild_days(conn: &mut PgConnection, from: NaiveDate, to: NaiveDate) -> QueryResult<i64> {
    diesel::sql_query(format!(
        "LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE",
        TABLES.join(", ")
    ))
    .execute(conn)?;
    for table in TABLES {
        diesel::sql_query(format!("DELETE FROM {table} WHERE day BETWEEN $1 AND $2"))
            .bind::<Date, _>(from)
            .bind::<Date, _>(to)
            .execute(conn)?;
    }
    // A day is the company's, so the instants of one day depend on its zone: the posted_at
    // bounds below (a day on each side) let the index narrow the scan, the day test decides.
    let figures = format!(
        "SELECT {}, 0::smallint AS slot \
         FROM invoices i JOIN companies c ON c.id = i.company_id \
         WHERE i.status = 'submitted' \
           AND i.posted_at >= $1::date - 1 AND i.posted_at < $2::date + 2 \
           AND business_day(i.posted_at, c.time_zone) BETWEEN $1 AND $2",
        FIGURES.replace("$SIGN", "1")
    );
    diesel::sql_query(upsert(&figures))
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
