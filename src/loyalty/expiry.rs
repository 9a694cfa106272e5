//! Expiry as a job: `patron loyalty expire` runs it once; `patron serve` runs it when it starts
//! and then every day just after midnight UTC. Balances never wait for it (an entry stops
//! counting the day after its expiry date); it writes the expire entries that let the ledger's
//! readers see where points went. Safe to run twice or from two servers: a credit expires once.

use chrono::{Duration, NaiveDate, Utc};
use diesel::Connection;
use diesel::PgConnection;

use super::ledger;
use crate::db::DbPool;

/// Writes the expire entries due on `today`; returns how many.
pub fn run(conn: &mut PgConnection, today: NaiveDate) -> diesel::QueryResult<usize> {
    conn.transaction(|conn| ledger::expire(conn, today))
}

/// Starts the daily run on a thread of its own.
pub fn spawn_daily(pool: DbPool) {
    let spawned = std::thread::Builder::new()
        .name("loyalty-expiry".into())
        .spawn(move || {
            loop {
                let today = Utc::now().date_naive();
                match pool
                    .get()
                    .map_err(|e| e.to_string())
                    .and_then(|mut conn| run(&mut conn, today).map_err(|e| e.to_string()))
                {
                    Ok(written) => tracing::info!(written, "loyalty points expired"),
                    Err(error) => {
                        tracing::warn!(%error, "loyalty expiry failed; retrying tomorrow")
                    }
                }
                std::thread::sleep(until_next_run(Utc::now()));
            }
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "could not start the daily loyalty expiry");
    }
}

/// Time from `now` to five past midnight UTC tomorrow.
fn until_next_run(now: chrono::DateTime<Utc>) -> std::time::Duration {
    let next = (now.date_naive() + Duration::days(1))
        .and_hms_opt(0, 5, 0)
        .map(|at| at.and_utc())
        .unwrap_or(now + Duration::days(1));
    (next - now)
        .to_std()
        .unwrap_or(std::time::Duration::from_secs(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_run_is_just_after_midnight() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T23:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(until_next_run(now).as_secs(), 65 * 60);
    }
}
