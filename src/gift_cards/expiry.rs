//! Expiry as a job: `patron gift-cards expire` runs it once; `patron serve` runs it when it
//! starts and then just after every hour (`db::daily`), each company on its own day. It writes off what is left
//! on cards past their Valid Upto as an expiry entry, taking the balance to zero with the same
//! conditional UPDATE as every other move, so the ledger shows where the money went (the
//! report's breakage). Sales never wait for it: a card stops paying the day after its Valid
//! Upto whatever the run did. It leaves a card alone for `GRACE_DAYS` first, so that a till
//! that was offline can still upload a sale it made before the card expired.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Timestamptz};

use crate::db::DbPool;

/// Days after its Valid Upto before a card's balance is written off.
pub const GRACE_DAYS: i32 = 7;

/// Writes off the balances of the cards whose Valid Upto is more than `GRACE_DAYS` before their
/// company's business day at `now`; returns how many cards. Safe to run twice or from two servers: each card's rows are
/// locked and re-read, and an empty card is skipped.
pub fn run(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::sql_query(
        "WITH due AS (
             SELECT g.id, g.balance, g.valid_upto FROM gift_cards g
             JOIN companies c ON c.id = g.company_id
             WHERE g.valid_upto < business_day($1, c.time_zone) - $2 AND g.balance > 0
             ORDER BY g.id FOR UPDATE OF g),
         emptied AS (
             UPDATE gift_cards g SET balance = 0, updated_at = now() FROM due
             WHERE g.id = due.id RETURNING g.id, due.balance AS taken, due.valid_upto)
         INSERT INTO gift_card_entries (card_id, kind, amount, balance_after, note, created_by)
         SELECT id, 'expiry', -taken, 0,
                'Valid upto ' || to_char(valid_upto, 'FMDD Mon YYYY'), 'patron (expiry run)'
         FROM emptied",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Integer, _>(GRACE_DAYS)
    .execute(conn)
}

/// Starts the daily run on a thread of its own.
pub fn spawn_daily(pool: DbPool) {
    crate::db::daily::spawn("gift-card-expiry", pool, run);
}
