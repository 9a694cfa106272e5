//! Expiry as a job: `patron loyalty expire` runs it once; `patron serve` runs it when it starts
//! and then just after every hour (`db::daily`: companies' midnights fall on different hours). Balances never wait for it (an
//! entry stops counting the day after its expiry date); it writes the expire entries that let
//! the ledger's readers see where points went. Safe to run twice or from two servers: a credit
//! expires once.

use chrono::{DateTime, Utc};
use diesel::Connection;
use diesel::PgConnection;

use super::model::ledger;
use crate::db::DbPool;

/// Writes the expire entries due at `now` (each company's day); returns how many.
pub fn run(conn: &mut PgConnection, now: DateTime<Utc>) -> diesel::QueryResult<usize> {
    conn.transaction(|conn| ledger::expire(conn, now))
}

/// Starts the daily run on a thread of its own.
pub fn spawn_daily(pool: DbPool) {
    crate::db::daily::spawn("loyalty-expiry", pool, ledger::expire);
}
