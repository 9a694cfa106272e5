//! Terminal tokens: the API credentials of one till. Only the SHA-256 of a token is stored; the
//! token itself is shown once, when it is made.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use patron_rules::clock::Clock;
use patron_rules::stores::{token_from_bytes, token_hash, token_hint};
use patron_rules::{CompanyId, StoreId};
use serde::Serialize;

use crate::audit::model as audit;
use crate::db::schema::terminal_tokens;
use crate::kernel::{Actor, Till};

/// A token as its store's page lists it (never the secret).
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = terminal_tokens)]
pub struct TokenRow {
    /// Id (what `patron token revoke` takes).
    pub id: i64,
    /// Store it belongs to.
    pub store_id: i64,
    /// Which till ("Till 2").
    pub label: String,
    /// Its last characters.
    pub hint: String,
    /// Who made it.
    pub created_by_label: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last API call made with it (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Who revoked it.
    pub revoked_by_label: Option<String>,
}

audit::keyed_by_id!(TokenRow);

/// A token just made: the secret, to show once.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The stored row.
    pub row: TokenRow,
    /// The secret the till sends as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// Makes a token for store `store_id`, audited (the audit entry holds the hint, not the secret).
pub fn create(
    conn: &mut PgConnection,
    store_id: i64,
    label: &str,
    actor: &Actor,
) -> QueryResult<IssuedToken> {
    let secret = token_from_bytes(rand::random());
    let (created_by, created_by_label) = actor.parts();
    let row = audit::create(conn, actor, "terminal_token", |conn| {
        diesel::insert_into(terminal_tokens::table)
            .values((
                terminal_tokens::store_id.eq(store_id),
                terminal_tokens::label.eq(label),
                terminal_tokens::token_hash.eq(token_hash(&secret)),
                terminal_tokens::hint.eq(token_hint(&secret)),
                terminal_tokens::created_by.eq(created_by),
                terminal_tokens::created_by_label.eq(created_by_label),
            ))
            .returning(TokenRow::as_returning())
            .get_result(conn)
    })?;
    Ok(IssuedToken { row, secret })
}

/// The tokens of store `store_id`, newest first.
pub fn list_for_store(conn: &mut PgConnection, store_id: i64) -> QueryResult<Vec<TokenRow>> {
    terminal_tokens::table
        .filter(terminal_tokens::store_id.eq(store_id))
        .order((
            terminal_tokens::created_at.desc(),
            terminal_tokens::id.desc(),
        ))
        .select(TokenRow::as_select())
        .load(conn)
}

/// The token with `id`.
pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<TokenRow> {
    terminal_tokens::table
        .find(id)
        .select(TokenRow::as_select())
        .first(conn)
}

/// Revokes token `id` (a no-op when it already is), audited; returns the row as it now stands.
pub fn revoke(conn: &mut PgConnection, id: i64, actor: &Actor) -> QueryResult<TokenRow> {
    let before = find(conn, id)?;
    if before.revoked_at.is_some() {
        return Ok(before);
    }
    let (_, label) = actor.parts();
    let after = diesel::update(terminal_tokens::table.find(id))
        .set((
            terminal_tokens::revoked_at.eq(diesel::dsl::now),
            terminal_tokens::revoked_by_label.eq(label),
        ))
        .returning(TokenRow::as_returning())
        .get_result(conn)?;
    audit::record_change(conn, actor, "terminal_token", id, "revoke", &before, &after)?;
    Ok(after)
}

diesel::define_sql_function! {
    /// Migration `planned_once`: the token's id, store id, store code, company id, the company's
    /// time zone and when it was created, as one record (no row for an unknown or revoked token).
    fn till_of_token(
        hash: diesel::sql_types::Binary,
    ) -> Record<(BigInt, BigInt, Text, BigInt, Text, Timestamptz)>;
}

/// Who `secret` speaks for: a token that exists, is not revoked, and whose store is active.
/// Notes the use, at most once a minute per token so that busy tills do not write on every call;
/// the lookup and the note are one statement (one round trip on every till request), and a
/// revoked token answers nothing at once.
pub fn authenticate(conn: &mut PgConnection, secret: &str) -> QueryResult<Option<Till>> {
    // A function (its plan made once per connection), called through the query builder so that
    // the call itself is a prepared statement Diesel keeps, not parsed on every till request.
    let owner: Option<(i64, i64, String, i64, String, DateTime<Utc>)> =
        diesel::select(till_of_token(token_hash(secret)))
            .get_result(conn)
            .optional()?;
    let Some((token_id, store_id, store_code, company_id, time_zone, company_created)) = owner
    else {
        return Ok(None);
    };
    let clock = Clock::from_name(&time_zone);
    Ok(Some(Till {
        token_id,
        store_id: StoreId(store_id),
        store_code,
        company_id: CompanyId(company_id),
        clock,
        company_since: clock.date(company_created),
    }))
}
