//! Synthetic sales for demos and benchmarks, made set-based in SQL (one statement per batch of
//! invoices, their lines and payments), never through the API, so that millions take minutes.
//! Every invoice adds up: its totals are the sum of its lines, paid by card. Synthetic invoices
//! keep no replay answer (a till never retries them).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::mpsc;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

/// Invoices per statement.
pub const BATCH: i64 = 20_000;

/// Adds `count` invoices of 3 to 7 lines over the last two years, spread over the active
/// stores, the active customers and the active items; then cancels about 1 in 100 and returns
/// one item of about 1 in 50. Batches of `batch` run on every connection of `conns` at once
/// (one PostgreSQL backend works one statement on one core). Reports progress (invoices made so
/// far).
pub fn add_invoices(
    conns: &mut [&mut PgConnection],
    count: i64,
    batch: i64,
    mut progress: impl FnMut(i64),
) -> QueryResult<()> {
    let batch_size = batch.max(1);
    let Some(first) = conns.first_mut() else {
        return Ok(());
    };
    let start: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
        "coalesce(max(id), 0) FROM invoices",
    ))
    .get_result(*first)?;
    let next = AtomicI64::new(0);
    let (done, finished) = mpsc::channel::<QueryResult<i64>>();
    std::thread::scope(|scope| {
        for conn in conns.iter_mut() {
            let (next, done) = (&next, done.clone());
            scope.spawn(move || {
                loop {
                    let from = next.fetch_add(batch_size, Ordering::SeqCst);
                    if from >= count {
                        break;
                    }
                    let batch = (count - from).min(batch_size);
                    let made = conn.transaction(|conn| insert_batch(conn, start + from, batch));
                    let failed = made.is_err();
                    if done.send(made.map(|()| batch)).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(done);
        let mut made = 0;
        for batch in finished {
            made += batch?;
            progress(made);
        }
        Ok::<(), diesel::result::Error>(())
    })?;
    let first = conns.first_mut().map(|c| &mut **c);
    if let Some(conn) = first {
        conn.transaction(|conn| {
            cancel_and_return(conn, start)?;
            date_companies_back(conn, start)
        })?;
    }
    Ok(())
}

/// A company made just now (the demo's) with two years of sales behind it: dated back to its
/// first sale, so that no sale is dated before its company existed (the API refuses such
/// dates from tills).
fn date_companies_back(conn: &mut PgConnection, after: i64) -> QueryResult<()> {
    use crate::db::schema::invoices;
    let firsts: Vec<(i64, Option<chrono::DateTime<chrono::Utc>>)> = invoices::table
        .filter(invoices::id.gt(after))
        .group_by(invoices::company_id)
        .select((invoices::company_id, diesel::dsl::min(invoices::posted_at)))
        .load(conn)?;
    for (company_id, first) in firsts {
        if let Some(first) = first {
            crate::stores::model::date_back(conn, company_id, first)?;
        }
    }
    Ok(())
}

/// The CTEs every batch starts from: the stores, customers and items to draw from, as arrays,
/// and for each new invoice its store, customer, date and number of lines.
const DRAW: &str = "
    WITH st AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(company_id ORDER BY id) AS cos
                FROM stores WHERE active),
         cu AS (SELECT min(id) AS lo, max(id) AS hi FROM customers),
         it AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(item_code ORDER BY id) AS codes,
                       array_agg(name ORDER BY id) AS names,
                       array_agg(standard_rate ORDER BY id) AS rates FROM items WHERE active),
         src AS (SELECT g,
                        1 + (g * 7) % cardinality(st.ids) AS s,
                        cu.lo + (g * 7919) % (cu.hi - cu.lo + 1) AS customer_id,
                        now() - ((g * 104729) % (730 * 86400)) * interval '1 second' AS posted_at,
                        3 + g % 5 AS lines
                 FROM generate_series($1 + 1, $1 + $2) AS g, st, cu)";

/// One line of invoice `g`: item index (1-based) and quantity, the same in every statement.
const LINE: &str = "1 + ((g * 31 + l * 17) % cardinality(it.ids))";
const QTY: &str = "(1 + (g + l) % 3)";

fn insert_batch(conn: &mut PgConnection, after: i64, batch: i64) -> QueryResult<()> {
    diesel::sql_query(format!(
        "{DRAW},
         made AS (
            INSERT INTO invoices (uuid, number, store_id, company_id, customer_id, posted_at,
                                  currency_code, net_total, discount_amount, grand_total,
                                  request_hash, response)
            SELECT gen_random_uuid(), 'SYN-' || g, st.ids[s], st.cos[s], src.customer_id,
                   src.posted_at, 'USD', t.total, 0, t.total, '\\x00', '{{}}'
            FROM src, st, it,
                 LATERAL (SELECT sum({QTY} * it.rates[{LINE}]) AS total
                          FROM generate_series(1, src.lines) AS l) t
            WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = src.customer_id)
            RETURNING id, number, grand_total),
         numbered AS (SELECT made.id, made.grand_total, src.g, src.lines
                      FROM made JOIN src ON made.number = 'SYN-' || src.g),
         lines AS (
            INSERT INTO invoice_lines (invoice_id, line_no, item_id, item_code, item_name, qty,
                                      price_list_rate, discount_amount, amount)
            SELECT n.id, l, it.ids[{LINE}], it.codes[{LINE}], it.names[{LINE}], {QTY},
                   it.rates[{LINE}], 0, {QTY} * it.rates[{LINE}]
            FROM numbered n CROSS JOIN LATERAL generate_series(1, n.lines) AS l, it
            RETURNING invoice_id)
         INSERT INTO invoice_payments (invoice_id, mode, amount)
         SELECT id, 'card', grand_total FROM numbered",
    ))
    .bind::<BigInt, _>(after)
    .bind::<Integer, _>(i32::try_from(batch).unwrap_or(i32::MAX))
    .execute(conn)?;
    Ok(())
}

/// Which invoices are cancelled or returned: a hash of the id, taken to 0..99. Not the id itself:
/// customers are drawn with a fixed step through the ids, so with 2,000 customers every sale of
/// one customer has the same id modulo 100, and a rule on `id % 100` cancelled all of 20
/// customers' sales and put a return against all of 40 others' (who then had no points).
const PICK: &str = "((hashint8(i.id)::bigint + 2147483648) % 100)";

/// Cancels about 1 in 100 of the invoices after id `after`, and returns the first line's item
/// (one unit, refunded by card) of about 1 in 50 others; which ones does not follow the customer.
fn cancel_and_return(conn: &mut PgConnection, after: i64) -> QueryResult<()> {
    diesel::sql_query(format!(
        "UPDATE invoices i SET status = 'cancelled',
                cancelled_at = least(posted_at + interval '1 hour', now()),
                cancelled_by = 'synthetic data'
         WHERE i.id > $1 AND {PICK} = 7 AND i.number LIKE 'SYN-%'",
    ))
    .bind::<BigInt, _>(after)
    .execute(conn)?;
    diesel::sql_query(format!(
        "WITH orig AS (
            SELECT i.id, i.store_id, i.company_id, i.customer_id, i.posted_at, l.item_id,
                   l.item_code, l.item_name, l.price_list_rate
            FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id AND l.line_no = 1
            WHERE i.id > $1 AND {PICK} IN (3, 53) AND i.status = 'submitted'
              AND i.number LIKE 'SYN-%'),
         made AS (
            INSERT INTO invoices (uuid, number, store_id, company_id, customer_id, posted_at,
                                  return_against_id, currency_code, net_total, discount_amount,
                                  grand_total, request_hash, response)
            SELECT gen_random_uuid(), 'RET-' || o.id, o.store_id, o.company_id, o.customer_id,
                   least(o.posted_at + interval '3 days', now()), o.id, 'USD', -o.price_list_rate, 0,
                   -o.price_list_rate, '\\x00', '{{}}'
            FROM orig o
            RETURNING id, return_against_id, grand_total),
         lines AS (
            INSERT INTO invoice_lines (invoice_id, line_no, item_id, item_code, item_name, qty,
                                      price_list_rate, discount_amount, amount)
            SELECT m.id, 1, o.item_id, o.item_code, o.item_name, -1, o.price_list_rate, 0,
                   -o.price_list_rate
            FROM made m JOIN orig o ON o.id = m.return_against_id
            RETURNING invoice_id)
         INSERT INTO invoice_payments (invoice_id, mode, amount)
         SELECT id, 'card', grand_total FROM made",
    ))
    .bind::<BigInt, _>(after)
    .execute(conn)?;
    Ok(())
}
