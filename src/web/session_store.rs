//! Server-side sessions in the `sessions` table, as an actix-session `SessionStore`.
//!
//! The cookie holds a random key; the table holds its SHA-256, the state, and the user id so that
//! sign-out, deactivation and password changes can end a user's sessions at once. Idle and absolute
//! timeouts are enforced here, on every load, not trusted to the cookie.

use std::collections::HashMap;
use std::time::Duration;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as CookieDuration;
use diesel::prelude::*;
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::db::DbPool;
use crate::db::schema::{app_secrets, sessions};
use crate::web::db::Db;

/// The session key under which the signed-in user's id is kept.
pub const USER_ID_KEY: &str = "uid";

/// `SessionStore` over PostgreSQL.
#[derive(Clone)]
pub struct PgSessionStore {
    db: Db,
    idle: Duration,
    max_age: Duration,
}

impl PgSessionStore {
    /// A store that ends sessions after `idle` without use or `max_age` after creation.
    pub fn new(pool: DbPool, idle: Duration, max_age: Duration) -> PgSessionStore {
        PgSessionStore {
            db: Db::new(pool),
            idle,
            max_age,
        }
    }
}

/// The row id for a cookie key: its SHA-256 in hex.
pub fn session_id(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

fn new_key() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

fn user_id_of(state: &HashMap<String, String>) -> Option<i64> {
    state
        .get(USER_ID_KEY)
        .and_then(|v| serde_json::from_str::<i64>(v).ok())
}

fn interval(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::hours(12))
}

impl SessionStore for PgSessionStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<HashMap<String, String>>, LoadError> {
        let id = session_id(key.as_ref());
        let (idle, max_age) = (interval(self.idle), interval(self.max_age));
        let state = self
            .db
            .run(move |conn| {
                let now = chrono::Utc::now();
                let found = sessions::table
                    .filter(sessions::id.eq(&id))
                    .filter(sessions::last_seen_at.gt(now - idle))
                    .filter(sessions::created_at.gt(now - max_age))
                    .select((sessions::state, sessions::last_seen_at))
                    .first::<(serde_json::Value, chrono::DateTime<chrono::Utc>)>(conn)
                    .optional()?;
                // The idle clock is kept here, on the connection the load already holds, rather
                // than in `update_ttl` after the response: a page took a second trip through the
                // blocking pool and the connection pool only to find, nearly always, that the
                // session was seen less than a minute ago. One write a minute per session is
                // enough to keep the clock right.
                if let Some((_, seen)) = &found
                    && *seen < now - chrono::Duration::minutes(1)
                {
                    diesel::update(sessions::table.find(&id))
                        .set(sessions::last_seen_at.eq(diesel::dsl::now))
                        .execute(conn)?;
                }
                Ok(found.map(|(state, _)| state))
            })
            .await
            .map_err(|e| LoadError::Other(anyhow::anyhow!(e)))?;
        match state {
            None => Ok(None),
            Some(value) => serde_json::from_value(value)
                .map(Some)
                .map_err(|e| LoadError::Deserialization(e.into())),
        }
    }

    async fn save(
        &self,
        state: HashMap<String, String>,
        _ttl: &CookieDuration,
    ) -> Result<SessionKey, SaveError> {
        let key = new_key();
        let id = session_id(&key);
        let user_id = user_id_of(&state);
        let json = serde_json::to_value(&state).map_err(|e| SaveError::Serialization(e.into()))?;
        let expires = chrono::Utc::now() + interval(self.max_age);
        self.db
            .run(move |conn| {
                diesel::insert_into(sessions::table)
                    .values((
                        sessions::id.eq(id),
                        sessions::user_id.eq(user_id),
                        sessions::state.eq(json),
                        sessions::expires_at.eq(expires),
                    ))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .map_err(|e| SaveError::Other(anyhow::anyhow!(e)))?;
        SessionKey::try_from(key).map_err(|e| SaveError::Other(e.into()))
    }

    async fn update(
        &self,
        key: SessionKey,
        state: HashMap<String, String>,
        ttl: &CookieDuration,
    ) -> Result<SessionKey, UpdateError> {
        let id = session_id(key.as_ref());
        let user_id = user_id_of(&state);
        let json =
            serde_json::to_value(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        let updated = self
            .db
            .run(move |conn| {
                Ok(diesel::update(sessions::table.find(id))
                    .set((
                        sessions::user_id.eq(user_id),
                        sessions::state.eq(json),
                        sessions::last_seen_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)?)
            })
            .await
            .map_err(|e| UpdateError::Other(anyhow::anyhow!(e)))?;
        if updated == 1 {
            Ok(key)
        } else {
            // The row went away meanwhile (signed out elsewhere, expired): start a new one.
            self.save(state_or_empty(), ttl)
                .await
                .map_err(|e| UpdateError::Other(anyhow::anyhow!(e)))
        }
    }

    async fn update_ttl(&self, _key: &SessionKey, _ttl: &CookieDuration) -> anyhow::Result<()> {
        // `load` keeps the idle clock (see there).
        Ok(())
    }

    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        let id = session_id(key.as_ref());
        self.db
            .run(move |conn| {
                diesel::delete(sessions::table.find(id)).execute(conn)?;
                Ok(())
            })
            .await
            .map_err(|e| anyhow::anyhow!(e))
    }
}

/// A session whose row vanished is not resurrected with its old contents (that would undo a
/// sign-out); it restarts empty.
fn state_or_empty() -> HashMap<String, String> {
    HashMap::new()
}

/// Ends every session of a user (deactivation, password reset).
pub fn end_sessions_of(conn: &mut PgConnection, user_id: i64) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
}

/// Removes sessions past their absolute lifetime; run from time to time.
pub fn purge_expired(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::expires_at.lt(diesel::dsl::now))).execute(conn)
}

const COOKIE_KEY: &str = "session_cookie_key";

/// The key that signs session cookies: made once, stored, shared by every instance.
pub fn cookie_key(conn: &mut PgConnection) -> anyhow::Result<actix_web::cookie::Key> {
    let fresh: [u8; 64] = rand::rng().random();
    diesel::insert_into(app_secrets::table)
        .values((
            app_secrets::name.eq(COOKIE_KEY),
            app_secrets::value.eq(hex::encode(fresh)),
        ))
        .on_conflict(app_secrets::name)
        .do_nothing()
        .execute(conn)?;
    let stored: String = app_secrets::table
        .find(COOKIE_KEY)
        .select(app_secrets::value)
        .first(conn)?;
    Ok(actix_web::cookie::Key::from(&hex::decode(stored)?))
}
