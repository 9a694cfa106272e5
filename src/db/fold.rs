//! The fold (migrations `fold_customer_purchases` and `rollups_appended`): a sale appends its
//! daily figures and notes its customer and its offers and coupons; this moves the days into
//! the daily tables, adds the noted sales to the offers' and coupons' days, and makes the noted
//! customers' lifetime, month, cohort and referral figures again from their daily rows. Here,
//! below every area, so that each report that reads those figures can fold first
//! (`crate::reports::fold` runs it on a thread too).

use diesel::prelude::*;
use diesel::sql_types::Integer;

/// Advisory lock class the fold holds (`pg_advisory_xact_lock(7306, 0)` in the migration's
/// functions): whatever rewrites the customers' figures takes it too, so no fold runs between.
pub const LOCK_CLASS: i32 = 7306;

/// Holds the fold's lock until the transaction ends.
pub fn lock(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1, 0)")
        .bind::<Integer, _>(LOCK_CLASS)
        .execute(conn)
        .map(drop)
}

#[derive(QueryableByName)]
struct Folded {
    #[diesel(sql_type = Integer)]
    folded: i32,
}

/// Folds everything noted so far, in one transaction; returns how many customers.
pub fn fold(conn: &mut PgConnection) -> QueryResult<i32> {
    conn.transaction(|conn| {
        diesel::sql_query("SELECT fold_customer_purchases() AS folded")
            .get_result::<Folded>(conn)
            .map(|row| row.folded)
    })
}
