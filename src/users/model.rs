//! User rows and queries: the only place that writes the `users` table.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use patron_rules::Activation;
use patron_rules::users::Role;
use serde::Serialize;

use crate::audit;
use crate::db::lower;
use crate::db::schema::{stores, users};
use crate::kernel::Actor;

/// A user as stored (the hash never leaves through serialisation).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    /// Internal id.
    pub id: i64,
    /// Sign-in email, unique whatever its case.
    pub email: String,
    /// Name people read.
    pub name: String,
    /// argon2id PHC string.
    #[serde(skip)]
    pub password_hash: String,
    /// Stored role name; see `role()`.
    pub role: String,
    /// The store of a store supervisor.
    pub store_id: Option<i64>,
    /// Deactivated users cannot sign in.
    pub active: bool,
    /// Last successful sign-in.
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// When created.
    pub created_at: DateTime<Utc>,
}

audit::keyed_by_id!(User);

impl User {
    /// The user's role (a CHECK constraint keeps the stored name valid).
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }
}

/// A user in the Users list, with their store's code.
#[derive(Debug, Clone)]
pub struct UserListRow {
    /// The user.
    pub user: User,
    /// Their store's code, for supervisors.
    pub store_code: Option<String>,
}

/// Values of a new user.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    /// Email.
    pub email: &'a str,
    /// Name.
    pub name: &'a str,
    /// argon2id PHC string.
    pub password_hash: &'a str,
    /// Role name.
    pub role: &'a str,
    /// Store, for supervisors.
    pub store_id: Option<i64>,
}

/// What the Users page may change about a user.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = users, treat_none_as_null = true)]
pub struct UserChanges<'a> {
    /// Email.
    pub email: &'a str,
    /// Name.
    pub name: &'a str,
    /// Role name.
    pub role: &'a str,
    /// Store, for supervisors (cleared for other roles).
    pub store_id: Option<i64>,
}

/// The user with `id`.
pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

/// An active store a supervisor can be given, as the user form lists it.
#[derive(Debug, Clone, Queryable)]
pub struct StoreChoice {
    /// Store id.
    pub id: i64,
    /// Store code.
    pub code: String,
    /// Store name.
    pub name: String,
}

/// Active stores by name, for the user form's Store field.
pub fn store_choices(conn: &mut PgConnection) -> QueryResult<Vec<StoreChoice>> {
    stores::table
        .filter(stores::active.eq(true))
        .order(stores::name.asc())
        .select((stores::id, stores::code, stores::name))
        .load(conn)
}

/// The user with `id`, locked for the rest of the transaction.
pub fn find_for_update(conn: &mut PgConnection, id: i64) -> QueryResult<User> {
    users::table
        .find(id)
        .select(User::as_select())
        .for_update()
        .first(conn)
}

/// The user whose email matches, whatever its case.
pub fn find_by_email(conn: &mut PgConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(lower(users::email).eq(lower(email)))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// Every user with their store's code, active ones first, then by name.
pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<UserListRow>> {
    users::table
        .left_join(stores::table)
        .select((User::as_select(), stores::code.nullable()))
        .order((users::active.desc(), users::name.asc(), users::id.asc()))
        .load::<(User, Option<String>)>(conn)
        .map(|rows| {
            rows.into_iter()
                .map(|(user, store_code)| UserListRow { user, store_code })
                .collect()
        })
}

/// Inserts a user. Not audited: see `create`.
pub fn insert(conn: &mut PgConnection, new: &NewUser<'_>) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(User::as_returning())
        .get_result(conn)
}

/// Creates a user, audited.
pub fn create(conn: &mut PgConnection, new: &NewUser<'_>, actor: &Actor) -> QueryResult<User> {
    audit::create(conn, actor, "user", |conn| insert(conn, new))
}

/// Saves changes made on the Users page to user `id` (its row locked), audited with before and
/// after.
pub fn update(
    conn: &mut PgConnection,
    id: i64,
    changes: &UserChanges<'_>,
    actor: &Actor,
) -> QueryResult<User> {
    audit::update(
        conn,
        actor,
        "user",
        id,
        |conn| find_for_update(conn, id),
        |conn, _| {
            diesel::update(users::table.find(id))
                .set((changes, users::updated_at.eq(diesel::dsl::now)))
                .returning(User::as_returning())
                .get_result(conn)
        },
    )
}

/// Deactivates or reactivates user `id`, audited (their sessions are the caller's to end).
pub fn set_active(
    conn: &mut PgConnection,
    id: i64,
    activation: Activation,
    actor: &Actor,
) -> QueryResult<User> {
    audit::switch(
        conn,
        actor,
        "user",
        id,
        activation,
        |conn| find_for_update(conn, id),
        |conn, active| {
            diesel::update(users::table.find(id))
                .set((
                    users::active.eq(active),
                    users::updated_at.eq(diesel::dsl::now),
                ))
                .returning(User::as_returning())
                .get_result(conn)
        },
    )
}

/// Who set a new password, as the audit log says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordChange {
    /// The user changed their own (`change_password`).
    Own,
    /// Someone else, or the command line, set it (`reset_password`).
    Reset,
}

/// Stores a new password hash for user `id` and lifts any lock, audited (the hash is not in the
/// entry). Ending their sessions is the caller's.
pub fn change_password(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    hash: &str,
    change: PasswordChange,
) -> QueryResult<User> {
    let user = set_password(conn, id, hash)?;
    let action = match change {
        PasswordChange::Own => "change_password",
        PasswordChange::Reset => "reset_password",
    };
    audit::record(conn, actor, "user", id, action, None, None)?;
    Ok(user)
}

/// Notes in the audit log that `actor` signed in as user `id`, or out.
pub fn note_session(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    signed_in: bool,
) -> QueryResult<()> {
    let action = if signed_in { "sign_in" } else { "sign_out" };
    audit::record(conn, actor, "user", id, action, None, None)
}

/// Stores a new password hash and lifts any lock (the failures counted against the account).
fn set_password(conn: &mut PgConnection, id: i64, hash: &str) -> QueryResult<User> {
    super::attempts::forget_account(conn, id)?;
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .returning(User::as_returning())
        .get_result(conn)
}

/// Records a successful sign-in: notes the time.
pub fn record_sign_in(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::last_sign_in_at.eq(diesel::dsl::now))
        .execute(conn)?;
    Ok(())
}

/// Locks every active administrator row and counts those other than `except`. Changes that could
/// remove the last administrator take this lock first, so two of them cannot both pass.
pub fn lock_other_active_admins(conn: &mut PgConnection, except: i64) -> QueryResult<i64> {
    let ids: Vec<i64> = users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::active.eq(true))
        .select(users::id)
        .for_update()
        .load(conn)?;
    Ok(i64::try_from(ids.iter().filter(|id| **id != except).count()).unwrap_or(i64::MAX))
}

/// Number of users, active or not.
pub fn count_all(conn: &mut PgConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}
