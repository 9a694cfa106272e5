//! Customer imports in the database: keeping a checked file, and the background run that writes
//! its rows in one transaction while reporting progress through a second connection.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use super::import::{Checked, ImportRow, Lookups, RowError, check, decode, keys};
use super::model::CustomerFields;
use crate::audit::{self, Actor};
use crate::db::DbPool;
use crate::db::schema::{
    countries, customer_groups, customer_imports, customers, stores, territories,
};

/// Errors kept for the preview (the counts are always exact).
const KEPT_ERRORS: usize = 1_000;
/// Rows written per statement (and per progress report).
const BATCH: usize = 1_000;

/// An import as its page shows it.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = customer_imports)]
pub struct Import {
    /// Id.
    pub id: i64,
    /// Who uploaded it.
    pub created_by: i64,
    /// File name as uploaded.
    pub file_name: String,
    /// Data rows in the file.
    pub total_rows: i32,
    /// Rows without errors.
    pub valid_rows: i32,
    /// Problems found.
    pub error_count: i32,
    /// `checked`, `running`, `done` or `failed`.
    pub status: String,
    /// Whether any error stops the whole import.
    pub all_or_nothing: bool,
    /// Rows written so far.
    pub done_rows: i32,
    /// Rows the run imported.
    pub imported_rows: i32,
    /// Why a run failed.
    pub message: String,
    /// When the run ended.
    pub finished_at: Option<DateTime<Utc>>,
}

/// The import with `id`.
pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Import> {
    customer_imports::table
        .find(id)
        .select(Import::as_select())
        .first(conn)
}

/// The first problems of an import, for the preview.
pub fn errors(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<RowError>> {
    let value: serde_json::Value = customer_imports::table
        .find(id)
        .select(customer_imports::errors)
        .first(conn)?;
    Ok(value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|e| {
                    Some(RowError {
                        line: usize::try_from(e.get("line")?.as_u64()?).ok()?,
                        column: e.get("column")?.as_str()?.to_owned(),
                        message: e.get("message")?.as_str()?.to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default())
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Everything names in `text` may refer to.
pub fn lookups(conn: &mut PgConnection, text: &str) -> QueryResult<Lookups> {
    let (codes, uuids) = keys(text);
    let lower = |rows: Vec<(String, i64)>| -> HashMap<String, i64> {
        rows.into_iter()
            .map(|(name, id)| (name.to_lowercase(), id))
            .collect()
    };
    Ok(Lookups {
        groups: lower(
            customer_groups::table
                .select((customer_groups::name, customer_groups::id))
                .load(conn)?,
        ),
        territories: lower(
            territories::table
                .select((territories::name, territories::id))
                .load(conn)?,
        ),
        stores: stores::table
            .select((stores::code, stores::id))
            .load::<(String, i64)>(conn)?
            .into_iter()
            .collect(),
        countries: countries::table
            .select(countries::code)
            .load::<String>(conn)?
            .into_iter()
            .collect(),
        existing_codes: customers::table
            .filter(customers::code.eq_any(&codes))
            .select(customers::code)
            .load::<String>(conn)?
            .into_iter()
            .collect(),
        existing_uuids: customers::table
            .filter(customers::uuid.eq_any(&uuids))
            .select(customers::uuid)
            .load::<Uuid>(conn)?
            .into_iter()
            .collect::<HashSet<Uuid>>(),
    })
}

/// Checks `bytes` and keeps them with the outcome; `Err` carries a message about the whole file.
pub fn create(
    conn: &mut PgConnection,
    user: i64,
    file_name: &str,
    bytes: &[u8],
) -> Result<QueryResult<Import>, String> {
    let text = decode(bytes)?;
    let lookups = match lookups(conn, text) {
        Ok(lookups) => lookups,
        Err(e) => return Ok(Err(e)),
    };
    let checked = check(text, &lookups, Utc::now().date_naive())?;
    let kept: Vec<&RowError> = checked.errors.iter().take(KEPT_ERRORS).collect();
    Ok(diesel::insert_into(customer_imports::table)
        .values((
            customer_imports::created_by.eq(user),
            customer_imports::file_name.eq(file_name),
            customer_imports::content.eq(bytes),
            customer_imports::total_rows.eq(count(checked.total)),
            customer_imports::valid_rows.eq(count(checked.rows.len())),
            customer_imports::error_count.eq(count(checked.errors.len())),
            customer_imports::errors.eq(serde_json::to_value(kept).unwrap_or_default()),
        ))
        .returning(Import::as_returning())
        .get_result(conn))
}

/// Marks a checked import as running, once: a second click finds it running and starts nothing.
pub fn claim(conn: &mut PgConnection, id: i64, all_or_nothing: bool) -> QueryResult<bool> {
    let claimed = diesel::update(
        customer_imports::table
            .find(id)
            .filter(customer_imports::status.eq("checked")),
    )
    .set((
        customer_imports::status.eq("running"),
        customer_imports::all_or_nothing.eq(all_or_nothing),
    ))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// A customer as imported: its code and uuid kept when the file has them.
#[derive(Insertable)]
#[diesel(table_name = customers)]
struct ImportedCustomer {
    uuid: Uuid,
    code: Option<String>,
    origin_store_id: Option<i64>,
    active: bool,
    #[diesel(embed)]
    fields: CustomerFields,
}

fn finish(
    conn: &mut PgConnection,
    id: i64,
    status: &str,
    imported: usize,
    message: &str,
) -> QueryResult<usize> {
    diesel::update(customer_imports::table.find(id))
        .set((
            customer_imports::status.eq(status),
            customer_imports::imported_rows.eq(count(imported)),
            customer_imports::message.eq(message),
            customer_imports::finished_at.eq(Some(Utc::now())),
        ))
        .execute(conn)
}

/// Writes the rows of a claimed import in one transaction (on `data`), reporting progress on
/// `progress`. Rows are checked again first: the database may have changed since the preview.
pub fn run(
    data: &mut PgConnection,
    progress: &mut PgConnection,
    id: i64,
    actor: &Actor,
) -> anyhow::Result<()> {
    let (content, all_or_nothing): (Vec<u8>, bool) = customer_imports::table
        .find(id)
        .select((customer_imports::content, customer_imports::all_or_nothing))
        .first(data)?;
    let outcome = (|| -> anyhow::Result<Result<usize, String>> {
        let text = decode(&content).map_err(anyhow::Error::msg)?;
        let lookups = lookups(data, text)?;
        let Checked { rows, errors, .. } =
            check(text, &lookups, Utc::now().date_naive()).map_err(anyhow::Error::msg)?;
        if all_or_nothing && !errors.is_empty() {
            return Ok(Err(format!(
                "{} problem(s) found; nothing was imported.",
                errors.len()
            )));
        }
        let imported = rows.len();
        data.transaction(|data| -> anyhow::Result<()> {
            for (done, batch) in rows.chunks(BATCH).enumerate() {
                let values: Vec<ImportedCustomer> = batch
                    .iter()
                    .cloned()
                    .map(|r: ImportRow| ImportedCustomer {
                        uuid: r.uuid.unwrap_or_else(Uuid::new_v4),
                        code: r.code,
                        origin_store_id: r.origin_store_id,
                        active: r.active,
                        fields: r.fields,
                    })
                    .collect();
                diesel::insert_into(customers::table).values(&values).execute(data)?;
                let written = (done * BATCH + batch.len()).min(imported);
                diesel::update(customer_imports::table.find(id))
                    .set(customer_imports::done_rows.eq(count(written)))
                    .execute(progress)?;
            }
            // Codes taken from the file must never come out of the sequence again.
            diesel::sql_query(
                "SELECT setval('customer_code_seq', greatest((SELECT last_value FROM customer_code_seq), \
                 (SELECT coalesce(max(substr(code, 6)::bigint), 0) FROM customers WHERE code ~ '^CUST-[0-9]+$')))",
            )
            .execute(data)?;
            let note = serde_json::json!({ "import": id, "imported": imported, "skipped_with_errors": errors.len() });
            audit::record(data, actor, "customer_import", id, "import", None, Some(note))?;
            Ok(())
        })?;
        Ok(Ok(imported))
    })();
    match outcome {
        Ok(Ok(imported)) => finish(progress, id, "done", imported, "")?,
        Ok(Err(refused)) => finish(progress, id, "failed", 0, &refused)?,
        Err(e) => {
            tracing::error!(import = id, "customer import failed: {e:#}");
            finish(
                progress,
                id,
                "failed",
                0,
                "The import failed and nothing was written; it has been logged.",
            )?
        }
    };
    Ok(())
}

/// The advisory lock a run holds from before its start is confirmed until it has finished, so
/// that anyone can wait for it: `SELECT pg_advisory_lock(7301, id)` returns once it is over.
pub const LOCK_CLASS: i32 = 7301;

fn advisory(conn: &mut PgConnection, function: &str, id: i64) -> QueryResult<()> {
    diesel::sql_query(format!("SELECT {function}($1, $2)"))
        .bind::<diesel::sql_types::Integer, _>(LOCK_CLASS)
        .bind::<diesel::sql_types::Integer, _>(i32::try_from(id).unwrap_or(i32::MAX))
        .execute(conn)?;
    Ok(())
}

/// Marks as failed the imports whose run died with its server (nobody holds their lock); their
/// transaction never committed, so nothing of them was written. Returns how many.
pub fn fail_abandoned(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE customer_imports SET status = 'failed', finished_at = now(), \
         message = 'Patron stopped during this import; nothing was written. Start it again from a new upload.' \
         WHERE status = 'running' AND pg_try_advisory_xact_lock($1, id::int)",
    )
    .bind::<diesel::sql_types::Integer, _>(LOCK_CLASS)
    .execute(conn)
}

/// Starts the run of a claimed import on its own thread with two pooled connections, and
/// returns once the run holds its lock (or could not start).
pub fn spawn(pool: DbPool, id: i64, actor: Actor) {
    let (started, wait) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let result = (|| -> anyhow::Result<()> {
            let mut progress = pool.get()?;
            advisory(&mut progress, "pg_advisory_lock", id)?;
            let _ = started.send(());
            let mut data = pool.get()?;
            let outcome = run(&mut data, &mut progress, id, &actor);
            advisory(&mut progress, "pg_advisory_unlock", id)?;
            outcome
        })();
        if let Err(e) = result {
            tracing::error!(import = id, "customer import could not run: {e:#}");
            if let Ok(mut conn) = pool.get() {
                let _ = finish(
                    &mut conn,
                    id,
                    "failed",
                    0,
                    "The import could not start; try again.",
                );
            }
        }
    });
    // Dropped sender (the thread failed early) ends the wait too.
    let _ = wait.recv_timeout(std::time::Duration::from_secs(10));
}
