//! Bulk coupon codes: a batch of up to 100,000 promotional coupons for one offer, each code
//! unguessable (11 random characters, about 54 bits, after an optional prefix) and unique in the
//! company. The codes are written in one transaction on a background thread, while a second
//! connection reports how many are made, so that the batch page shows progress and a failed
//! batch leaves no half of itself behind.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};
use patron_rules::coupons::codes;
use serde::Serialize;

use super::for_customers;
use crate::audit;
use crate::db::DbPool;
use crate::db::schema::coupon_batches;
use crate::kernel::Actor;

/// The audit log's name for a batch.
pub const ENTITY: &str = "coupon_batch";

/// Most codes in one batch.
pub const MOST: i32 = 100_000;

/// Codes written per statement (and per progress report).
const CHUNK: usize = 10_000;

/// A batch as its form makes it.
#[derive(Debug, Clone, PartialEq, Insertable, Serialize)]
#[diesel(table_name = coupon_batches)]
pub struct BatchFields {
    /// Company.
    pub company_id: i64,
    /// POS Offer.
    pub offer_id: i64,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// The coupons' name.
    pub name: String,
    /// Prefix (upper-case, may be empty).
    pub prefix: String,
    /// How many codes.
    pub requested: i32,
    /// Each coupon's Maximum Use.
    pub maximum_use: i32,
    /// Each coupon's One Use.
    pub one_use: bool,
    /// Each coupon's Valid From.
    pub valid_from: Option<NaiveDate>,
    /// Each coupon's Valid Upto.
    pub valid_upto: Option<NaiveDate>,
    /// Who asked for it.
    pub created_by: String,
    /// The segment whose customers each get a Gift Card coupon (none: promotional codes).
    pub segment_id: Option<i64>,
}

/// A batch as its page shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = coupon_batches)]
pub struct Batch {
    /// Id.
    pub id: i64,
    /// Company.
    pub company_id: i64,
    /// The coupons' name.
    pub name: String,
    /// Prefix.
    pub prefix: String,
    /// How many codes were asked for.
    pub requested: i32,
    /// How many are made so far.
    pub made: i32,
    /// running, done or failed.
    pub status: String,
    /// Why it failed.
    pub message: String,
    /// POS Offer.
    pub offer_id: i64,
    /// When it was asked for.
    pub created_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// The segment whose customers it is for (Gift Card coupons, one each).
    pub segment_id: Option<i64>,
}

impl Batch {
    /// Share made, 0-100.
    pub fn percent(&self) -> i64 {
        i64::from(self.made) * 100 / i64::from(self.requested.max(1))
    }
}

/// Batch `id`.
pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Batch> {
    coupon_batches::table
        .find(id)
        .select(Batch::as_select())
        .first(conn)
}

/// A batch as the list of batches shows it.
#[derive(Debug, Clone, QueryableByName)]
pub struct BatchRow {
    /// Id.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// The coupons' name.
    #[diesel(sql_type = Text)]
    pub name: String,
    /// POS Offer.
    #[diesel(sql_type = BigInt)]
    pub offer_id: i64,
    /// Its current Title.
    #[diesel(sql_type = Text)]
    pub offer: String,
    /// Campaign's name.
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    pub campaign: Option<String>,
    /// Prefix.
    #[diesel(sql_type = Text)]
    pub prefix: String,
    /// Codes asked for.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub requested: i32,
    /// Codes made.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub made: i32,
    /// running, done or failed.
    #[diesel(sql_type = Text)]
    pub status: String,
    /// Who asked for it.
    #[diesel(sql_type = Text)]
    pub created_by: String,
    /// When.
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// Sales that used its codes so far.
    #[diesel(sql_type = BigInt)]
    pub used: i64,
    /// Its codes that are disabled.
    #[diesel(sql_type = BigInt)]
    pub disabled: i64,
    /// The segment whose customers it is for, by name.
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    pub segment: Option<String>,
}

impl BatchRow {
    /// Some of its codes are still enabled.
    pub fn any_enabled(&self) -> bool {
        self.disabled < i64::from(self.made)
    }
}

/// How many batches the list shows, newest first.
pub const LISTED: i64 = 200;

/// `company`'s batches, newest first (at most `LISTED`), of offer `offer` and campaign
/// `campaign` when given, with what their codes were used for so far.
pub fn list(
    conn: &mut PgConnection,
    company: i64,
    offer: Option<i64>,
    campaign: Option<i64>,
) -> QueryResult<Vec<BatchRow>> {
    rows(conn, company, [offer, campaign, None])
}

/// Batch `id` of `company` as the list shows it.
pub fn row(conn: &mut PgConnection, company: i64, id: i64) -> QueryResult<BatchRow> {
    rows(conn, company, [None, None, Some(id)])?
        .pop()
        .ok_or(diesel::result::Error::NotFound)
}

/// `company`'s batches of [offer, campaign, id] (each when given), newest first.
fn rows(
    conn: &mut PgConnection,
    company: i64,
    [offer, campaign, id]: [Option<i64>; 3],
) -> QueryResult<Vec<BatchRow>> {
    diesel::sql_query(
        "SELECT b.id, b.name, b.offer_id, v.title AS offer, k.name AS campaign, b.prefix, \
                b.requested, b.made, b.status, b.created_by, b.created_at, \
                coalesce(u.used, 0) AS used, coalesce(u.disabled, 0) AS disabled, \
                s.name AS segment \
         FROM coupon_batches b \
         LEFT JOIN segments s ON s.id = b.segment_id \
         JOIN offers o ON o.id = b.offer_id \
         JOIN offer_versions v ON v.offer_id = o.id AND v.version = o.current_version \
         LEFT JOIN campaigns k ON k.id = b.campaign_id \
         LEFT JOIN LATERAL (SELECT sum(c.used)::bigint AS used, \
                                   count(*) FILTER (WHERE c.disabled) AS disabled \
                            FROM coupons c WHERE c.batch_id = b.id) u ON true \
         WHERE b.company_id = $1 AND ($2::bigint IS NULL OR b.offer_id = $2) \
           AND ($3::bigint IS NULL OR b.campaign_id = $3) \
           AND ($4::bigint IS NULL OR b.id = $4) \
         ORDER BY b.id DESC LIMIT $5",
    )
    .bind::<BigInt, _>(company)
    .bind::<diesel::sql_types::Nullable<BigInt>, _>(offer)
    .bind::<diesel::sql_types::Nullable<BigInt>, _>(campaign)
    .bind::<diesel::sql_types::Nullable<BigInt>, _>(id)
    .bind::<BigInt, _>(LISTED)
    .load(conn)
}

/// Disables (or enables) every code of batch `id` in one statement, audited with how many
/// changed; returns that count. Codes already so stay as they are.
pub fn set_disabled(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    disabled: bool,
) -> QueryResult<usize> {
    use crate::db::schema::coupons;
    let changed = diesel::update(
        coupons::table
            .filter(coupons::batch_id.eq(id))
            .filter(coupons::disabled.ne(disabled)),
    )
    .set((
        coupons::disabled.eq(disabled),
        coupons::updated_at.eq(Utc::now()),
    ))
    .execute(conn)?;
    audit::record(
        conn,
        actor,
        ENTITY,
        id,
        if disabled { "disable" } else { "enable" },
        None,
        Some(serde_json::json!({ "coupons": changed })),
    )?;
    Ok(changed)
}

/// Records a batch to make, audited; returns its id. `spawn` then makes the codes.
pub fn create(conn: &mut PgConnection, actor: &Actor, fields: &BatchFields) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(coupon_batches::table)
        .values(fields)
        .returning(coupon_batches::id)
        .get_result(conn)?;
    audit::record(
        conn,
        actor,
        ENTITY,
        id,
        "create",
        None,
        audit::snapshot(fields),
    )?;
    Ok(id)
}

/// Notes that batch `id`'s codes were downloaded (who took the CSV, and when).
pub fn note_export(conn: &mut PgConnection, actor: &Actor, id: i64) -> QueryResult<()> {
    audit::record(conn, actor, ENTITY, id, "export", None, None)
}

/// Writes `count` fresh codes of batch `id` (prefix `prefix`), all or none: a code another
/// coupon of the company has already is made again. Returns how many were written.
fn write_codes(
    data: &mut PgConnection,
    progress: &mut PgConnection,
    id: i64,
    prefix: &str,
    count: usize,
) -> QueryResult<usize> {
    let mut made = 0;
    while made < count {
        let wanted = (count - made).min(CHUNK);
        let chunk: Vec<String> = (0..wanted)
            .map(|_| format!("{prefix}{}", codes::random(codes::BULK_LENGTH)))
            .collect();
        // Collisions (with 54 random bits, next to never) are skipped by the unique index and
        // made up in the next round.
        made += diesel::sql_query(
            "INSERT INTO coupons (company_id, name, coupon_type, code, offer_id, campaign_id, \
             valid_from, valid_upto, maximum_use, one_use, batch_id) \
             SELECT b.company_id, b.name, 'promotional', c.code, b.offer_id, b.campaign_id, \
             b.valid_from, b.valid_upto, b.maximum_use, b.one_use, b.id \
             FROM coupon_batches b, unnest($2) AS c(code) WHERE b.id = $1 \
             ON CONFLICT (company_id, code) DO NOTHING",
        )
        .bind::<BigInt, _>(id)
        .bind::<Array<Text>, _>(&chunk)
        .execute(data)?;
        diesel::update(coupon_batches::table.find(id))
            .set(coupon_batches::made.eq(i32::try_from(made).unwrap_or(i32::MAX)))
            .execute(progress)?;
    }
    Ok(made)
}

/// Makes batch `id`'s codes in one transaction on `data`, reporting progress on `progress`.
pub fn run(data: &mut PgConnection, progress: &mut PgConnection, id: i64) -> QueryResult<()> {
    let (prefix, requested, offer, segment): (String, i32, i64, Option<i64>) =
        coupon_batches::table
            .find(id)
            .select((
                coupon_batches::prefix,
                coupon_batches::requested,
                coupon_batches::offer_id,
                coupon_batches::segment_id,
            ))
            .first(data)?;
    let count = usize::try_from(requested).unwrap_or(0);
    let outcome = data.transaction(|data| match segment {
        Some(segment) => for_customers::write_codes(data, progress, id, (segment, offer), &prefix),
        None => write_codes(data, progress, id, &prefix, count),
    });
    let (status, made, message) = match outcome {
        Ok(made) => ("done", made, String::new()),
        Err(e) => {
            tracing::error!(batch = id, "coupon batch failed: {e}");
            (
                "failed",
                0,
                "Making the codes failed and none were kept; it has been logged. Try again."
                    .to_owned(),
            )
        }
    };
    diesel::update(coupon_batches::table.find(id))
        .set((
            coupon_batches::status.eq(status),
            coupon_batches::made.eq(i32::try_from(made).unwrap_or(i32::MAX)),
            coupon_batches::message.eq(message),
            coupon_batches::finished_at.eq(Some(Utc::now())),
        ))
        .execute(progress)?;
    Ok(())
}

/// The advisory lock a run holds until it has finished: `SELECT pg_advisory_lock(7304, id)`
/// returns once it is over, which is how anyone waits for a batch.
pub const LOCK_CLASS: i32 = 7304;

fn advisory(conn: &mut PgConnection, function: &str, id: i64) -> QueryResult<()> {
    diesel::sql_query(format!("SELECT {function}($1, $2)"))
        .bind::<diesel::sql_types::Integer, _>(LOCK_CLASS)
        .bind::<diesel::sql_types::Integer, _>(i32::try_from(id).unwrap_or(i32::MAX))
        .execute(conn)
        .map(drop)
}

/// Starts making batch `id`'s codes on its own thread with two pooled connections, and returns
/// once the run holds its lock (or could not start).
pub fn spawn(pool: DbPool, id: i64) {
    let (started, wait) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let result = (|| -> anyhow::Result<()> {
            let mut progress = pool.get()?;
            advisory(&mut progress, "pg_advisory_lock", id)?;
            let _ = started.send(());
            let mut data = pool.get()?;
            let outcome = run(&mut data, &mut progress, id);
            advisory(&mut progress, "pg_advisory_unlock", id)?;
            Ok(outcome?)
        })();
        if let Err(e) = result {
            tracing::error!(batch = id, "coupon batch could not run: {e:#}");
            if let Ok(mut conn) = pool.get() {
                let _ = diesel::update(coupon_batches::table.find(id))
                    .set((
                        coupon_batches::status.eq("failed"),
                        coupon_batches::message.eq("The batch could not start; try again."),
                        coupon_batches::finished_at.eq(Some(Utc::now())),
                    ))
                    .execute(&mut conn);
            }
        }
    });
    // Waits on the thread itself: a dropped sender (the thread failed early) ends the wait too.
    let _ = wait.recv();
}

/// Batch `id`'s codes as CSV (Code, Coupon Name, POS Offer, Valid From, Valid Upto, Maximum
/// Use; a segment's batch lists each coupon's customer instead), in the order they were made; a code with no dates of its own carries its offer's (what
/// a mailing prints), the offer by its current Title.
pub fn csv(conn: &mut PgConnection, id: i64) -> anyhow::Result<Vec<u8>> {
    if find(conn, id)?.segment_id.is_some() {
        return for_customers::csv(conn, id);
    }
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = Text)]
        code: String,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        offer: String,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
        valid_from: Option<NaiveDate>,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
        valid_upto: Option<NaiveDate>,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        maximum_use: i32,
    }
    let lines: Vec<Line> = diesel::sql_query(
        "SELECT c.code, c.name, v.title AS offer, coalesce(c.valid_from, v.valid_from) AS valid_from, \
                coalesce(c.valid_upto, v.valid_upto) AS valid_upto, c.maximum_use \
         FROM coupons c JOIN offers o ON o.id = c.offer_id \
         JOIN offer_versions v ON v.offer_id = o.id AND v.version = o.current_version \
         WHERE c.batch_id = $1 ORDER BY c.id",
    )
    .bind::<BigInt, _>(id)
    .load(conn)?;
    let mut out = crate::web::csv_file::CsvFile::new();
    out.row([
        "Code",
        "Coupon Name",
        "POS Offer",
        "Valid From",
        "Valid Upto",
        "Maximum Use",
    ])?;
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for l in lines {
        out.row([
            l.code,
            l.name,
            l.offer,
            day(l.valid_from),
            day(l.valid_upto),
            l.maximum_use.to_string(),
        ])?;
    }
    Ok(out.bytes()?)
}
