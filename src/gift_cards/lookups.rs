//! The guard on tills' card lookups: numbers that match no card are counted per till token in
//! PostgreSQL (so every instance behind a load balancer counts the same misses), and past the
//! limit within a rolling window the till is refused every lookup, known numbers too, until its
//! oldest miss leaves the window. Refusing only unknown numbers would tell the known ones apart.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

/// The rolling window misses are counted in.
pub const WINDOW_MINUTES: i32 = 10;

/// Advisory lock class of a token's lookups (`imports::job` holds 7301).
const LOCK_CLASS: i32 = 7302;

/// Whether a till may look a number up now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// It may.
    Open,
    /// It tried too many unknown numbers: it may again in this many seconds.
    Closed {
        /// Seconds until the oldest miss leaves the window.
        retry_after: i64,
    },
}

#[derive(QueryableByName)]
struct Misses {
    #[diesel(sql_type = BigInt)]
    misses: i64,
    #[diesel(sql_type = BigInt)]
    retry_after: i64,
}

/// Whether till token `token` may look a number up, `limit` misses being allowed per window.
/// Its lookups queue on an advisory lock for the rest of the transaction, so that a burst of
/// guesses cannot all pass the count at once; misses that left the window are forgotten.
pub fn gate(conn: &mut PgConnection, token: i64, limit: u32) -> QueryResult<Gate> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1, ($2 % 2147483647)::int)")
        .bind::<Integer, _>(LOCK_CLASS)
        .bind::<BigInt, _>(token)
        .execute(conn)?;
    diesel::sql_query(
        "DELETE FROM gift_card_lookup_misses \
         WHERE token_id = $1 AND at < now() - make_interval(mins => $2)",
    )
    .bind::<BigInt, _>(token)
    .bind::<Integer, _>(WINDOW_MINUTES)
    .execute(conn)?;
    let seen: Misses = diesel::sql_query(
        "SELECT count(*) AS misses, \
                coalesce(ceil(extract(epoch FROM min(at) + make_interval(mins => $2) - now())), 0)::bigint \
                    AS retry_after \
         FROM gift_card_lookup_misses WHERE token_id = $1",
    )
    .bind::<BigInt, _>(token)
    .bind::<Integer, _>(WINDOW_MINUTES)
    .get_result(conn)?;
    Ok(if seen.misses >= i64::from(limit) {
        Gate::Closed {
            retry_after: seen.retry_after.max(1),
        }
    } else {
        Gate::Open
    })
}

/// Counts a lookup by till token `token` that matched no card.
pub fn record_miss(conn: &mut PgConnection, token: i64) -> QueryResult<()> {
    use crate::db::schema::gift_card_lookup_misses as misses;
    diesel::insert_into(misses::table)
        .values(misses::token_id.eq(token))
        .execute(conn)
        .map(drop)
}
