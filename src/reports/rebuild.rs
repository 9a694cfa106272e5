//! `patron reports rebuild [--from DATE]`: makes every rollup again from the invoices, a week of
//! business days per transaction (sales wait at their rollup step for at most that long), telling
//! `progress` how many days of how many are done. Demo and synthetic invoices, written without
//! the pipeline, get their rollups this way too.

use chrono::{Days, NaiveDate};
use diesel::{Connection, PgConnection, QueryResult, RunQueryDsl};

use super::rollups;

/// Days rebuilt per transaction.
const CHUNK_DAYS: u64 = 7;

/// What a rebuild did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rebuilt {
    /// Days made again.
    pub days: u64,
    /// Invoices (sales and returns) they count.
    pub invoices: i64,
}

/// Rebuilds the rollups of every day from `from` (default: the first invoice's) to the last
/// invoice's; `progress(done, total)` after each week.
pub fn rebuild(
    conn: &mut PgConnection,
    from: Option<NaiveDate>,
    mut progress: impl FnMut(u64, u64),
) -> QueryResult<Rebuilt> {
    let Some((first, last)) = rollups::invoice_days(conn)? else {
        return Ok(Rebuilt::default());
    };
    let first = from.unwrap_or(first);
    if first > last {
        return Ok(Rebuilt::default());
    }
    let total = u64::try_from((last - first).num_days() + 1).unwrap_or(0);
    let mut done = Rebuilt::default();
    let mut start = first;
    while start <= last {
        let end = (start + Days::new(CHUNK_DAYS - 1)).min(last);
        done.invoices += conn.transaction(|conn| rollups::rebuild_days(conn, start, end))?;
        done.days += u64::try_from((end - start).num_days() + 1).unwrap_or(0);
        progress(done.days, total);
        start = end + Days::new(1);
    }
    conn.transaction(rollups::rebuild_customer_purchases)?;
    // Every row was written again: without this, reports read half-dead tables by stale
    // statistics until autovacuum comes round (Sales by Customer measured 2.8 s for 1.8 s).
    diesel::sql_query(format!(
        "VACUUM ANALYZE {}, customer_purchases, rollup_customer_months, rollup_cohort_months, \
         referral_registrations, customer_facts",
        rollups::TABLES.join(", ")
    ))
    .execute(conn)?;
    Ok(done)
}
