//! The offers' and coupons' days and the customers' lifetime, month, cohort and referral
//! figures, folded after the sale (`crate::db::fold`): a thread folds every few seconds, and
//! every report that reads the figures folds first, so what a page shows is exact.

use std::time::Duration;

use crate::db::DbPool;
use crate::db::fold::fold;
use crate::web::AppError;
use crate::web::db::Db;

/// How often the thread folds: what a report on a replica may lag behind the sales.
pub const EVERY: Duration = Duration::from_secs(2);

/// Folds on the primary before a report reads the figures.
pub async fn catch_up(db: &Db) -> Result<(), AppError> {
    db.run(|conn| Ok(fold(conn).map(drop)?)).await
}

/// Starts the thread that folds every `EVERY` (with several instances, each folds; the fold's
/// lock makes the later one find little or nothing left).
pub fn spawn(pool: DbPool) {
    let spawned = std::thread::Builder::new()
        .name("customer-fold".into())
        .spawn(move || {
            loop {
                let outcome = pool
                    .get()
                    .map_err(|e| e.to_string())
                    .and_then(|mut conn| fold(&mut conn).map_err(|e| e.to_string()));
                match outcome {
                    Ok(0) => {}
                    Ok(folded) => tracing::debug!(folded, "customers folded"),
                    Err(error) => tracing::warn!(%error, "folding customers failed; retrying"),
                }
                std::thread::sleep(EVERY);
            }
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "could not start the customer fold");
    }
}
