//! A batch of Gift Card coupons for named customers (a segment's "issue coupons" action): one
//! coupon per member of the segment's snapshot, each carrying its customer, made and counted like
//! any batch. The unique index `coupons_segment_offer_customer_key` is the "one per customer per
//! segment and offer" rule: codes go in with ON CONFLICT DO NOTHING, never after a check.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};
use patron_rules::coupons::codes;

/// Customers read (and codes written) per statement, and per progress report.
const CHUNK: i64 = 10_000;

/// Rounds in a row that may write nothing before a run gives up (each such round only meets
/// codes taken elsewhere or customers another run is covering; never expected twice).
const STALLS: u32 = 3;

/// The members of segment `$1`'s snapshot without a coupon of offer `$2` from it. EXCEPT, which
/// PostgreSQL hashes or sorts whatever it believes of the tables: as a NOT EXISTS, right after a
/// run had written 97,000 coupons and before autovacuum analyzed them, the planner took the
/// segment's coupons for one row and a second run's count took 132 s instead of 0.1 s.
const UNCOVERED: &str = "SELECT customer_id FROM segment_members WHERE segment_id = $1 \
     EXCEPT SELECT customer_id FROM coupons WHERE segment_id = $1 AND offer_id = $2";

/// How many members of segment `segment`'s snapshot hold no coupon of offer `offer` from it yet.
pub fn due(conn: &mut PgConnection, segment: i64, offer: i64) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let found: N = diesel::sql_query(format!("SELECT count(*) AS n FROM ({UNCOVERED}) d"))
        .bind::<BigInt, _>(segment)
        .bind::<BigInt, _>(offer)
        .get_result(conn)?;
    Ok(found.n)
}

/// Writes batch `id`'s coupons: one for each member of segment `segment` without a coupon of
/// `offer` from it, `CHUNK` at a time, reporting on `progress`. Returns how many were written.
pub fn write_codes(
    data: &mut PgConnection,
    progress: &mut PgConnection,
    id: i64,
    (segment, offer): (i64, i64),
    prefix: &str,
) -> QueryResult<usize> {
    #[derive(QueryableByName)]
    struct Member {
        #[diesel(sql_type = BigInt)]
        customer_id: i64,
    }
    let (mut made, mut stalls) = (0, 0);
    while stalls < STALLS {
        let members: Vec<i64> = diesel::sql_query(format!(
            "SELECT customer_id FROM ({UNCOVERED}) d ORDER BY customer_id LIMIT $3"
        ))
        .bind::<BigInt, _>(segment)
        .bind::<BigInt, _>(offer)
        .bind::<BigInt, _>(CHUNK)
        .load::<Member>(data)?
        .into_iter()
        .map(|m| m.customer_id)
        .collect();
        if members.is_empty() {
            break;
        }
        let chunk: Vec<String> = members
            .iter()
            .map(|_| format!("{prefix}{}", codes::random(codes::BULK_LENGTH)))
            .collect();
        // A code another coupon has (next to never with 54 random bits) or a customer another
        // run covered meanwhile is skipped here; the next round reads who is still due.
        let written = diesel::sql_query(
            "INSERT INTO coupons (company_id, name, coupon_type, code, offer_id, campaign_id, \
             valid_from, valid_upto, maximum_use, one_use, customer_id, batch_id, segment_id) \
             SELECT b.company_id, b.name, 'gift_card', x.code, b.offer_id, b.campaign_id, \
             b.valid_from, b.valid_upto, 1, false, x.customer_id, b.id, b.segment_id \
             FROM coupon_batches b, unnest($2, $3) AS x(customer_id, code) WHERE b.id = $1 \
             ON CONFLICT DO NOTHING",
        )
        .bind::<BigInt, _>(id)
        .bind::<Array<BigInt>, _>(&members)
        .bind::<Array<Text>, _>(&chunk)
        .execute(data)?;
        stalls = if written == 0 { stalls + 1 } else { 0 };
        made += written;
        diesel::update(crate::db::schema::coupon_batches::table.find(id))
            .set(
                crate::db::schema::coupon_batches::made.eq(i32::try_from(made).unwrap_or(i32::MAX)),
            )
            .execute(progress)?;
    }
    Ok(made)
}

/// Batch `id`'s coupons as CSV for a mailing tool (Code, Customer Code, Customer Name, Mobile,
/// Email, POS Offer, Valid From, Valid Upto), in the order they were made; a coupon with no dates
/// of its own carries its offer's, the offer by its current Title.
pub fn csv(conn: &mut PgConnection, id: i64) -> anyhow::Result<Vec<u8>> {
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = Text)]
        code: String,
        #[diesel(sql_type = Text)]
        customer_code: String,
        #[diesel(sql_type = Text)]
        customer: String,
        #[diesel(sql_type = Text)]
        mobile: String,
        #[diesel(sql_type = Text)]
        email: String,
        #[diesel(sql_type = Text)]
        offer: String,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
        valid_from: Option<NaiveDate>,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
        valid_upto: Option<NaiveDate>,
    }
    let lines: Vec<Line> = diesel::sql_query(
        "SELECT c.code, cu.code AS customer_code, \
                btrim(cu.first_name || ' ' || cu.last_name) AS customer, \
                coalesce(cu.mobile, '') AS mobile, coalesce(cu.email, '') AS email, \
                v.title AS offer, coalesce(c.valid_from, v.valid_from) AS valid_from, \
                coalesce(c.valid_upto, v.valid_upto) AS valid_upto \
         FROM coupons c JOIN customers cu ON cu.id = c.customer_id \
         JOIN offers o ON o.id = c.offer_id \
         JOIN offer_versions v ON v.offer_id = o.id AND v.version = o.current_version \
         WHERE c.batch_id = $1 ORDER BY c.id",
    )
    .bind::<BigInt, _>(id)
    .load(conn)?;
    let mut out = crate::web::csv_file::CsvFile::new();
    out.row([
        "Code",
        "Customer Code",
        "Customer Name",
        "Mobile",
        "Email",
        "POS Offer",
        "Valid From",
        "Valid Upto",
    ])?;
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for l in lines {
        out.row([
            l.code,
            l.customer_code,
            l.customer,
            l.mobile,
            l.email,
            l.offer,
            day(l.valid_from),
            day(l.valid_upto),
        ])?;
    }
    Ok(out.bytes()?)
}
