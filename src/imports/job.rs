//! Imports in the database: keeping a checked file, and the background run that writes its rows
//! in one transaction while reporting progress through a second connection. Each area says how
//! its rows are checked and written by implementing `Importer`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use patron_rules::users::{Permission, Role};
use serde::Serialize;

use super::check::{Checked, RowError, decode};
use super::model;
use crate::db::DbPool;
use crate::db::schema::imports;
use crate::kernel::Actor;
use crate::web::auth::StoreScope;

/// Errors kept for the preview (the counts are always exact).
const KEPT_ERRORS: usize = 1_000;
/// Rows written per statement (and per progress report).
pub const BATCH: usize = 1_000;

/// One documented column of an import's file.
#[derive(Debug, Clone)]
pub struct Column {
    /// The label in the header.
    pub label: &'static str,
    /// Whether every file must have it.
    pub required: bool,
    /// What a cell holds.
    pub format: &'static str,
}

impl Column {
    /// The columns of a file: each of `all` in order, required when `required` names it, its
    /// cells described by `format`.
    pub fn list(
        all: &[&'static str],
        required: &[&str],
        format: impl Fn(&str) -> &'static str,
    ) -> Vec<Column> {
        all.iter()
            .map(|label| Column {
                label,
                required: required.contains(label),
                format: format(label),
            })
            .collect()
    }
}

/// A template file: the header of `all`, then `example` (rows, each ending in a newline).
pub fn template(all: &[&str], example: &str) -> String {
    format!("{}\n{example}", all.join(","))
}

/// Whose rights an import's rows are held to: the person who uploads it (for the preview) and
/// the one who runs it, row by row as the area's form would hold them.
#[derive(Debug, Clone, Copy)]
pub struct ImportScope {
    /// Their role, for what the form lets it do.
    pub role: Role,
    /// Whose records they act on (a store supervisor: their store's).
    pub stores: StoreScope,
}

impl ImportScope {
    /// Whether a user of `role` with id `user` may see and run `import`: its uploader, or head
    /// office (an administrator or HQ manager looking after their people's files).
    pub fn may_open(role: Role, user: i64, import: &Import) -> bool {
        import.created_by == user || matches!(role, Role::Admin | Role::HqManager)
    }
}

/// What an area tells the shared import about its rows and its pages.
pub trait Importer: Send + Sync + 'static {
    /// A row ready to write.
    type Row: Send + Clone;
    /// What other areas do with the rows written (customers: `CustomerHooks`; `()` for none),
    /// handed over by the app as app data.
    type Hooks: Send + Sync + 'static;
    /// The `imports.kind` of its files.
    const KIND: &'static str;
    /// The audit log's entity for a run.
    const ENTITY: &'static str;
    /// The upload page's path, like `/customers/import`.
    const BASE: &'static str;
    /// The list the pages link back to, like `/customers`.
    const LIST: &'static str;
    /// That link's words; empty: "All " and the plural noun.
    const LIST_LABEL: &'static str = "";
    /// Whether the area's CSV export has the same columns (an exported file imports back).
    const ROUND_TRIPS: bool = true;
    /// Where to see what a run created.
    const DONE_LINK: &'static str;
    /// What the file holds, plural and singular: `customers`, `customer`.
    const NOUNS: (&'static str, &'static str);
    /// The permission every import page needs.
    const PERMISSION: Permission;

    /// The columns, documented for the upload page.
    fn columns() -> Vec<Column>;
    /// The downloadable template file.
    fn template_csv() -> String;
    /// Checks `text` against the database as it is now, each row within `scope`; `Err` is
    /// about the whole file.
    fn check(
        conn: &mut PgConnection,
        text: &str,
        scope: ImportScope,
    ) -> QueryResult<Result<Checked<Self::Row>, String>>;
    /// Writes one batch of rows for `actor` (the user who runs the import).
    fn insert(
        conn: &mut PgConnection,
        rows: &[Self::Row],
        actor: &Actor,
        hooks: &Self::Hooks,
    ) -> QueryResult<()>;
    /// Runs inside the run's transaction after the last batch.
    fn after_insert(_conn: &mut PgConnection) -> QueryResult<()> {
        Ok(())
    }
}

/// An import as its page shows it.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = imports)]
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

/// The import of `kind` with `id`.
pub fn find(conn: &mut PgConnection, kind: &str, id: i64) -> QueryResult<Import> {
    imports::table
        .find(id)
        .filter(imports::kind.eq(kind))
        .select(Import::as_select())
        .first(conn)
}

/// The first problems of an import, for the preview.
pub fn errors(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<RowError>> {
    let value: serde_json::Value = imports::table
        .find(id)
        .select(imports::errors)
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

/// Checks `bytes` and keeps them with the outcome; `Err` carries a message about the whole file.
pub fn create<I: Importer>(
    conn: &mut PgConnection,
    user: i64,
    scope: ImportScope,
    file_name: &str,
    bytes: &[u8],
) -> Result<QueryResult<Import>, String> {
    let text = decode(bytes)?;
    let checked = match I::check(conn, text, scope) {
        Ok(checked) => checked?,
        Err(e) => return Ok(Err(e)),
    };
    let kept: Vec<&RowError> = checked.errors.iter().take(KEPT_ERRORS).collect();
    Ok(diesel::insert_into(imports::table)
        .values((
            imports::kind.eq(I::KIND),
            imports::created_by.eq(user),
            imports::file_name.eq(file_name),
            imports::content.eq(bytes),
            imports::total_rows.eq(count(checked.total)),
            imports::valid_rows.eq(count(checked.rows.len())),
            imports::error_count.eq(count(checked.errors.len())),
            imports::errors.eq(serde_json::to_value(kept).unwrap_or_default()),
        ))
        .returning(Import::as_returning())
        .get_result(conn))
}

/// Marks a checked import as running, once: a second click finds it running and starts nothing.
pub fn claim(
    conn: &mut PgConnection,
    kind: &str,
    id: i64,
    all_or_nothing: bool,
) -> QueryResult<bool> {
    let claimed = diesel::update(
        imports::table
            .find(id)
            .filter(imports::kind.eq(kind))
            .filter(imports::status.eq("checked")),
    )
    .set((
        imports::status.eq("running"),
        imports::all_or_nothing.eq(all_or_nothing),
    ))
    .execute(conn)?;
    Ok(claimed == 1)
}

fn finish(
    conn: &mut PgConnection,
    id: i64,
    status: &str,
    imported: usize,
    message: &str,
) -> QueryResult<usize> {
    diesel::update(imports::table.find(id))
        .set((
            imports::status.eq(status),
            imports::imported_rows.eq(count(imported)),
            imports::message.eq(message),
            imports::finished_at.eq(Some(Utc::now())),
        ))
        .execute(conn)
}

/// Writes the rows of a claimed import in one transaction (on `data`), reporting progress on
/// `progress`. Rows are checked again first: the database may have changed since the preview.
pub fn run<I: Importer>(
    data: &mut PgConnection,
    progress: &mut PgConnection,
    id: i64,
    actor: &Actor,
    scope: ImportScope,
    hooks: &I::Hooks,
) -> anyhow::Result<()> {
    let (content, all_or_nothing): (Vec<u8>, bool) = imports::table
        .find(id)
        .select((imports::content, imports::all_or_nothing))
        .first(data)?;
    let outcome = (|| -> anyhow::Result<Result<usize, String>> {
        let text = decode(&content).map_err(anyhow::Error::msg)?;
        let Checked { rows, errors, .. } =
            I::check(data, text, scope)?.map_err(anyhow::Error::msg)?;
        if all_or_nothing && !errors.is_empty() {
            return Ok(Err(format!(
                "{} problem(s) found; nothing was imported.",
                errors.len()
            )));
        }
        let imported = rows.len();
        data.transaction(|data| -> anyhow::Result<()> {
            for (done, batch) in rows.chunks(BATCH).enumerate() {
                I::insert(data, batch, actor, hooks)?;
                let written = (done * BATCH + batch.len()).min(imported);
                diesel::update(imports::table.find(id))
                    .set(imports::done_rows.eq(count(written)))
                    .execute(progress)?;
            }
            I::after_insert(data)?;
            model::note_import(data, actor, I::ENTITY, id, imported, errors.len())?;
            Ok(())
        })?;
        Ok(Ok(imported))
    })();
    match outcome {
        Ok(Ok(imported)) => finish(progress, id, "done", imported, "")?,
        Ok(Err(refused)) => finish(progress, id, "failed", 0, &refused)?,
        Err(e) => {
            tracing::error!(import = id, kind = I::KIND, "import failed: {e:#}");
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
        "UPDATE imports SET status = 'failed', finished_at = now(), \
         message = 'Patron stopped during this import; nothing was written. Start it again from a new upload.' \
         WHERE status = 'running' AND pg_try_advisory_xact_lock($1, id::int)",
    )
    .bind::<diesel::sql_types::Integer, _>(LOCK_CLASS)
    .execute(conn)
}

/// Starts the run of a claimed import on its own thread with two pooled connections, and
/// returns once the run holds its lock (or could not start).
pub fn spawn<I: Importer>(
    pool: DbPool,
    id: i64,
    actor: Actor,
    scope: ImportScope,
    hooks: std::sync::Arc<I::Hooks>,
) {
    let (started, wait) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let result = (|| -> anyhow::Result<()> {
            let mut progress = pool.get()?;
            advisory(&mut progress, "pg_advisory_lock", id)?;
            let _ = started.send(());
            let mut data = pool.get()?;
            let outcome = run::<I>(&mut data, &mut progress, id, &actor, scope, &hooks);
            advisory(&mut progress, "pg_advisory_unlock", id)?;
            outcome
        })();
        if let Err(e) = result {
            tracing::error!(import = id, kind = I::KIND, "import could not run: {e:#}");
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
    // Waits on the thread itself: a dropped sender (the thread failed early) ends the wait too.
    let _ = wait.recv();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_templates_follow_the_area_lists() {
        let columns = Column::list(&["Code", "Note"], &["Code"], |label| match label {
            "Code" => "CUST-00042",
            _ => "text",
        });
        let seen: Vec<(&str, bool, &str)> = columns
            .iter()
            .map(|c| (c.label, c.required, c.format))
            .collect();
        assert_eq!(
            seen,
            [("Code", true, "CUST-00042"), ("Note", false, "text")]
        );
        assert_eq!(
            template(&["Code", "Note"], "C-1,hi\n"),
            "Code,Note\nC-1,hi\n"
        );
    }
}
