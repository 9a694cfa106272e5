//! Sign-in attempts in PostgreSQL, so that every instance behind a load balancer counts the same
//! failures: each attempt takes a row before its password is checked (a burst of guesses cannot
//! all pass the count at once), keeps it when it fails, and gives it back when it succeeds or is
//! refused unchecked. `patron_rules::users::sign_in_gate` decides from the counts.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use patron_rules::users::{Attempts, LOCK_MINUTES, SignInGate, sign_in_gate};

/// A sign-in under way: its row, and what the counts before it allow.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    id: i64,
    /// Whether it may check the password.
    pub gate: SignInGate,
    /// Minutes until the address's oldest failure leaves the window (for a throttled one).
    pub retry_minutes: i64,
}

#[derive(QueryableByName)]
struct Seen {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    from_address: i64,
    #[diesel(sql_type = BigInt)]
    on_account_here: i64,
    #[diesel(sql_type = BigInt)]
    on_account: i64,
    #[diesel(sql_type = BigInt)]
    retry_minutes: i64,
}

/// Advisory lock class of an address's sign-ins (7301: imports, 7302: till lookups, 7303: the
/// change feed, 7304: coupon batches).
const LOCK_CLASS: i32 = 7305;

/// Starts a sign-in from `address` as user `user` (none: no such email), counting the failures
/// before it within the window; an attempt that may not check its password is forgotten at once,
/// so that refusals do not keep a lock going. Run it in a transaction: an address's attempts
/// queue on an advisory lock to it, so each counts the rows of those before it.
pub fn begin(conn: &mut PgConnection, address: &str, user: Option<i64>) -> QueryResult<Attempt> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
        .bind::<diesel::sql_types::Integer, _>(LOCK_CLASS)
        .bind::<Text, _>(address)
        .execute(conn)?;
    let seen: Seen = diesel::sql_query(
        "WITH mine AS (INSERT INTO sign_in_attempts (address, user_id) VALUES ($1, $2) \
                       RETURNING id), \
              recent AS (SELECT * FROM sign_in_attempts \
                         WHERE at > now() - make_interval(mins => $3::int) \
                           AND (address = $1 OR user_id = $2)) \
         SELECT (SELECT id FROM mine) AS id, \
                count(*) FILTER (WHERE address = $1) AS from_address, \
                count(*) FILTER (WHERE address = $1 AND user_id = $2) AS on_account_here, \
                count(*) FILTER (WHERE user_id = $2) AS on_account, \
                coalesce(ceil(extract(epoch FROM min(at) FILTER (WHERE address = $1) \
                    + make_interval(mins => $3::int) - now()) / 60), 1)::bigint AS retry_minutes \
         FROM recent",
    )
    .bind::<Text, _>(address)
    .bind::<Nullable<BigInt>, _>(user)
    .bind::<BigInt, _>(LOCK_MINUTES)
    .get_result(conn)?;
    let gate = sign_in_gate(Attempts {
        from_address: seen.from_address,
        on_account_here: seen.on_account_here,
        on_account: seen.on_account,
    });
    let attempt = Attempt {
        id: seen.id,
        gate,
        retry_minutes: seen.retry_minutes.max(1),
    };
    if gate != SignInGate::Open {
        forget(conn, attempt)?;
    }
    Ok(attempt)
}

/// Gives an attempt's row back: it succeeded, or it was refused without a check.
fn forget(conn: &mut PgConnection, attempt: Attempt) -> QueryResult<()> {
    diesel::sql_query("DELETE FROM sign_in_attempts WHERE id = $1")
        .bind::<BigInt, _>(attempt.id)
        .execute(conn)
        .map(drop)
}

/// Ends a sign-in that got in: its row goes, and so do the failures on the account from the same
/// address (the owner mistyped) and rows that left the window everywhere.
pub fn succeeded(
    conn: &mut PgConnection,
    attempt: Attempt,
    address: &str,
    user: i64,
) -> QueryResult<()> {
    forget(conn, attempt)?;
    diesel::sql_query(
        "DELETE FROM sign_in_attempts WHERE (address = $1 AND user_id = $2) \
            OR at < now() - make_interval(mins => $3::int)",
    )
    .bind::<Text, _>(address)
    .bind::<BigInt, _>(user)
    .bind::<BigInt, _>(LOCK_MINUTES)
    .execute(conn)
    .map(drop)
}

/// Forgets every failure on account `user`: a new password lifts its locks.
pub fn forget_account(conn: &mut PgConnection, user: i64) -> QueryResult<()> {
    diesel::sql_query("DELETE FROM sign_in_attempts WHERE user_id = $1")
        .bind::<BigInt, _>(user)
        .execute(conn)
        .map(drop)
}
