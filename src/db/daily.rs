//! Upkeep that runs once a day on a thread of its own (the expiry runs of loyalty points and
//! gift cards): when the server starts, then just after every midnight UTC. Each run is one
//! transaction, safe to run twice or from two servers; a failed run is logged and tried again
//! the next day.

use chrono::{Duration, NaiveDate, Utc};
use diesel::{Connection, PgConnection, QueryResult};

use super::DbPool;

/// One day's run: what it did on `today`, counted.
pub type Job = fn(&mut PgConnection, NaiveDate) -> QueryResult<usize>;

/// Starts `job` on a thread named `name`, now and daily.
pub fn spawn(name: &'static str, pool: DbPool, job: Job) {
    let spawned = std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            loop {
                let today = Utc::now().date_naive();
                match pool.get().map_err(|e| e.to_string()).and_then(|mut conn| {
                    conn.transaction(|conn| job(conn, today))
                        .map_err(|e| e.to_string())
                }) {
                    Ok(written) => tracing::info!(job = name, written, "daily run done"),
                    Err(error) => {
                        tracing::warn!(job = name, %error, "daily run failed; retrying tomorrow")
                    }
                }
                std::thread::sleep(until_next_run(Utc::now()));
            }
        });
    if let Err(error) = spawned {
        tracing::warn!(job = name, %error, "could not start the daily run");
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
