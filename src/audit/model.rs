//! Audit rows: the one helper every write by a person goes through, and the filtered list.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use patron_rules::Activation;
use patron_rules::keyset::Keyset;
use serde::Serialize;

use crate::db::schema::{audit_log, users};
use crate::kernel::Actor;

/// A record the audit log can name: the id its entries carry. What an entry keeps of it is its
/// `Serialize` form, so a row type is its own snapshot; `Keyed` pairs an id with a snapshot that
/// does not carry it (an offer's fields).
///
/// A trait rather than an `id` argument because `create` learns the id only from what `insert`
/// wrote: the row answers it, and each call site stays one closure long.
pub trait Audited: Serialize {
    /// The id the audit entry names (`audit_log.entity_id`).
    fn audit_id(&self) -> i64;
}

/// Implements `Audited` for row types named by their `id` column.
macro_rules! keyed_by_id {
    ($($row:ty),+ $(,)?) => {
        $(impl $crate::audit::Audited for $row {
            fn audit_id(&self) -> i64 {
                self.id
            }
        })+
    };
}
pub(crate) use keyed_by_id;

/// A snapshot and the id of the record it shows, for records whose snapshot is not their row.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Keyed<T> {
    /// The record's id (not part of the snapshot).
    #[serde(skip)]
    pub id: i64,
    /// What the entry keeps.
    pub snapshot: T,
}

impl<T: Serialize> Audited for Keyed<T> {
    fn audit_id(&self) -> i64 {
        self.id
    }
}

/// Creates one record, audited in the same transaction: `insert` writes it (and whatever belongs
/// to it) and answers it as saved; the entry ("create") keeps that with no before. The one path
/// every audited create takes, so that no model writes its own entry.
pub fn create<T: Audited>(
    conn: &mut PgConnection,
    actor: &Actor,
    entity: &str,
    insert: impl FnOnce(&mut PgConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    let created = insert(conn)?;
    record(
        conn,
        actor,
        entity,
        created.audit_id(),
        "create",
        None,
        snapshot(&created),
    )?;
    Ok(created)
}

/// Changes one record, audited in the same transaction: `read` loads it as it is (locked, where
/// two edits at once matter), `write` saves the change (it sees the record before) and answers it
/// as it is afterwards; the entry ("update") keeps both. The one path every audited edit takes.
pub fn update<T: Serialize>(
    conn: &mut PgConnection,
    actor: &Actor,
    entity: &str,
    id: i64,
    read: impl FnOnce(&mut PgConnection) -> QueryResult<T>,
    write: impl FnOnce(&mut PgConnection, &T) -> QueryResult<T>,
) -> QueryResult<T> {
    change(conn, actor, entity, id, "update", read, write)
}

/// Deactivates or reactivates one row, audited in the same transaction: the one path every
/// never-deleted entity takes. `read` loads the row as it is (locked, where it matters) and
/// `write` sets its active flag and returns the row as it is afterwards.
pub fn switch<T: Serialize>(
    conn: &mut PgConnection,
    actor: &Actor,
    entity: &str,
    id: i64,
    activation: Activation,
    read: impl FnOnce(&mut PgConnection) -> QueryResult<T>,
    write: impl FnOnce(&mut PgConnection, bool) -> QueryResult<T>,
) -> QueryResult<T> {
    change(
        conn,
        actor,
        entity,
        id,
        activation.action(),
        read,
        |conn, _| write(conn, activation.active()),
    )
}

/// Reads a record, writes its change and records both states under `action`.
fn change<T: Serialize>(
    conn: &mut PgConnection,
    actor: &Actor,
    entity: &str,
    id: i64,
    action: &str,
    read: impl FnOnce(&mut PgConnection) -> QueryResult<T>,
    write: impl FnOnce(&mut PgConnection, &T) -> QueryResult<T>,
) -> QueryResult<T> {
    let before = read(conn)?;
    let after = write(conn, &before)?;
    record_change(conn, actor, entity, id, action, &before, &after)?;
    Ok(after)
}

/// Writes one audit entry, on the caller's connection so that it commits with the change.
/// `before` and `after` are snapshots of the record (see `snapshot`); either may be absent.
pub fn record(
    conn: &mut PgConnection,
    actor: &Actor,
    entity: &str,
    entity_id: impl ToString,
    action: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> QueryResult<()> {
    let (actor_id, actor_label) = actor.parts();
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor_id.eq(actor_id),
            audit_log::actor_label.eq(actor_label),
            audit_log::entity.eq(entity),
            audit_log::entity_id.eq(entity_id.to_string()),
            audit_log::action.eq(action),
            audit_log::before.eq(before),
            audit_log::after.eq(after),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes the same entry (`action`, `after`) for each of `ids` in one statement: an action a
/// person ran over many records at once (a segment's customers enrolled), so that each record's
/// own history still shows it.
pub fn record_each(
    conn: &mut PgConnection,
    actor: &Actor,
    entity: &str,
    ids: &[i64],
    action: &str,
    after: &serde_json::Value,
) -> QueryResult<usize> {
    use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text};
    let (actor_id, actor_label) = actor.parts();
    diesel::sql_query(
        "INSERT INTO audit_log (actor_id, actor_label, entity, entity_id, action, after) \
         SELECT $1, $2, $3, i::text, $5, $6 FROM unnest($4) AS i",
    )
    .bind::<Nullable<BigInt>, _>(actor_id)
    .bind::<Text, _>(actor_label)
    .bind::<Text, _>(entity)
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Text, _>(action)
    .bind::<Jsonb, _>(after)
    .execute(conn)
}

/// Writes the audit entry of a change to one record: its state before and after.
pub fn record_change<T: Serialize>(
    conn: &mut PgConnection,
    actor: &Actor,
    entity: &str,
    entity_id: impl ToString,
    action: &str,
    before: &T,
    after: &T,
) -> QueryResult<()> {
    record(
        conn,
        actor,
        entity,
        entity_id,
        action,
        snapshot(before),
        snapshot(after),
    )
}

/// A record as the audit log keeps it.
pub fn snapshot<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

/// One line of the Audit page.
#[derive(Debug, Clone, Queryable)]
pub struct AuditEntry {
    /// Entry id (also the paging cursor).
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// The user who made the change (none for tills and the command line).
    pub actor_id: Option<i64>,
    /// Who, as recorded.
    pub actor_label: String,
    /// What kind of thing changed (`user`).
    pub entity: String,
    /// Which one.
    pub entity_id: String,
    /// What happened (`create`, `update`, `deactivate`...).
    pub action: String,
    /// The record before.
    pub before: Option<serde_json::Value>,
    /// The record after.
    pub after: Option<serde_json::Value>,
}

/// Filters of the Audit page.
#[derive(Debug, Clone)]
pub struct AuditFilter {
    /// Only this user's changes.
    pub actor_id: Option<i64>,
    /// Only this kind of entity.
    pub entity: Option<String>,
    /// Only this entity id (with `entity`).
    pub entity_id: Option<String>,
    /// From this instant on (the first of the From day in the company's time zone).
    pub from: Option<DateTime<Utc>>,
    /// Before this instant (the first of the day after the To day).
    pub until: Option<DateTime<Utc>>,
    /// Only this action.
    pub action: Option<String>,
    /// Not these actions.
    pub except_actions: Vec<String>,
    /// The page: entries older than an id (Next) or newer than it (Previous).
    pub page: Keyset<i64>,
}

impl Default for AuditFilter {
    fn default() -> AuditFilter {
        AuditFilter {
            actor_id: None,
            entity: None,
            entity_id: None,
            from: None,
            until: None,
            action: None,
            except_actions: Vec::new(),
            page: Keyset::First,
        }
    }
}

/// Newest entries first, `limit` of them, keyset-paginated by id (a Previous page reads oldest
/// first, from the newer side of its id).
pub fn list(conn: &mut PgConnection, f: &AuditFilter, limit: i64) -> QueryResult<Vec<AuditEntry>> {
    let mut q = audit_log::table
        .select((
            audit_log::id,
            audit_log::at,
            audit_log::actor_id,
            audit_log::actor_label,
            audit_log::entity,
            audit_log::entity_id,
            audit_log::action,
            audit_log::before,
            audit_log::after,
        ))
        .into_boxed();
    if let Some(actor) = f.actor_id {
        q = q.filter(audit_log::actor_id.eq(actor));
    }
    if let Some(entity) = &f.entity {
        q = q.filter(audit_log::entity.eq(entity.clone()));
    }
    if let Some(entity_id) = &f.entity_id {
        q = q.filter(audit_log::entity_id.eq(entity_id.clone()));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_log::at.ge(from));
    }
    if let Some(until) = f.until {
        q = q.filter(audit_log::at.lt(until));
    }
    if let Some(action) = &f.action {
        q = q.filter(audit_log::action.eq(action.clone()));
    }
    if !f.except_actions.is_empty() {
        q = q.filter(audit_log::action.ne_all(f.except_actions.clone()));
    }
    q = match f.page {
        Keyset::First => q.order(audit_log::id.desc()),
        Keyset::After(id) => q.filter(audit_log::id.lt(id)).order(audit_log::id.desc()),
        Keyset::Before(id) => q.filter(audit_log::id.gt(id)).order(audit_log::id.asc()),
    };
    q.limit(limit).load(conn)
}

/// Distinct entity kinds, for the filter.
pub fn entities(conn: &mut PgConnection) -> QueryResult<Vec<String>> {
    audit_log::table
        .select(audit_log::entity)
        .distinct()
        .order(audit_log::entity.asc())
        .load(conn)
}

/// Users who appear in the log, for the filter: (id, name, email).
pub fn actors(conn: &mut PgConnection) -> QueryResult<Vec<(i64, String, String)>> {
    users::table
        .select((users::id, users::name, users::email))
        .order(users::name.asc())
        .load(conn)
}
