//! Upkeep that runs on a thread of its own (the expiry runs of loyalty points and gift cards):
//! when the server starts, then just after every hour, because each company's day turns at its
//! own midnight and a job asks each company's business day itself. Each run is one transaction
//! that first takes the job's advisory lock: with several `patron serve` instances on one
//! database, one runs it and the others skip that hour. A run is also safe to repeat; a failed
//! run is logged and tried again at the next hour.

use chrono::{DateTime, Duration, DurationRound, Utc};
use diesel::sql_types::{BigInt, Bool};
use diesel::{Connection, PgConnection, QueryResult, RunQueryDsl};

use super::DbPool;

/// One run at `now`: what it did, counted.
pub type Job = fn(&mut PgConnection, DateTime<Utc>) -> QueryResult<usize>;

/// What one attempt at a run came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// This instance ran the job; it wrote this many rows.
    Ran(usize),
    /// Another instance held the job's lock: it runs the job this time.
    Skipped,
}

/// Runs `job` at `now` in one transaction, unless another connection holds `name`'s lock.
pub fn run_once(
    conn: &mut PgConnection,
    name: &str,
    job: Job,
    now: DateTime<Utc>,
) -> QueryResult<Outcome> {
    conn.transaction(|conn| {
        if !try_lock(conn, name)? {
            return Ok(Outcome::Skipped);
        }
        job(conn, now).map(Outcome::Ran)
    })
}

/// Takes `name`'s advisory lock until the transaction ends, if no one else holds it.
fn try_lock(conn: &mut PgConnection, name: &str) -> QueryResult<bool> {
    #[derive(diesel::QueryableByName)]
    struct Got {
        #[diesel(sql_type = Bool)]
        got: bool,
    }
    diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS got")
        .bind::<BigInt, _>(lock_key(name))
        .get_result::<Got>(conn)
        .map(|row| row.got)
}

/// A stable 64-bit key for `name` (FNV-1a): the same in every instance and every build.
fn lock_key(name: &str) -> i64 {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    i64::from_ne_bytes(hash.to_ne_bytes())
}

/// Starts `job` on a thread named `name`, now and just after every hour.
pub fn spawn(name: &'static str, pool: DbPool, job: Job) {
    let spawned = std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            loop {
                let outcome = pool.get().map_err(|e| e.to_string()).and_then(|mut conn| {
                    run_once(&mut conn, name, job, Utc::now()).map_err(|e| e.to_string())
                });
                match outcome {
                    Ok(Outcome::Ran(written)) => tracing::info!(job = name, written, "run done"),
                    Ok(Outcome::Skipped) => {
                        tracing::info!(job = name, "another instance runs it")
                    }
                    Err(error) => {
                        tracing::warn!(job = name, %error, "run failed; retrying next hour")
                    }
                }
                std::thread::sleep(until_next_run(Utc::now()));
            }
        });
    if let Err(error) = spawned {
        tracing::warn!(job = name, %error, "could not start the job");
    }
}

/// Time from `now` to the next five past the hour.
fn until_next_run(now: DateTime<Utc>) -> std::time::Duration {
    let hour = now.duration_trunc(Duration::hours(1)).unwrap_or(now);
    let mut next = hour + Duration::minutes(5);
    if next <= now {
        next += Duration::hours(1);
    }
    (next - now)
        .to_std()
        .unwrap_or(std::time::Duration::from_secs(3_600))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn the_next_run_is_five_past_the_hour() {
        assert_eq!(until_next_run(at("2026-11-23T23:00:00Z")).as_secs(), 5 * 60);
        assert_eq!(until_next_run(at("2026-11-23T23:04:00Z")).as_secs(), 60);
        assert_eq!(until_next_run(at("2026-11-23T23:05:00Z")).as_secs(), 3_600);
        assert_eq!(
            until_next_run(at("2026-11-23T23:30:00Z")).as_secs(),
            35 * 60
        );
    }

    #[test]
    fn lock_keys_are_stable_and_apart() {
        assert_eq!(lock_key("loyalty-expiry"), lock_key("loyalty-expiry"));
        assert_ne!(lock_key("loyalty-expiry"), lock_key("gift-card-expiry"));
    }
}
