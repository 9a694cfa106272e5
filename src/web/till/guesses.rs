//! The guard on what a till could find by trying: gift card numbers, coupon codes and referral
//! codes that match nothing are counted per till token and kind in PostgreSQL (so every instance
//! behind a load balancer counts the same misses), and past the limit within a rolling window the
//! till is refused every lookup of that kind, known ones too, until its oldest miss leaves the
//! window. Refusing only unknown ones would tell the known ones apart.

use actix_web::HttpResponse;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use serde_json::json;

/// The rolling window misses are counted in.
pub const WINDOW_MINUTES: i32 = 10;

/// Advisory lock class of a token's lookups (7301: imports, 7303: the change feed, 7304: coupon
/// batches, 7305: sign-ins).
const LOCK_CLASS: i32 = 7302;

/// What a till looks up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `GET /api/v1/gift-cards/{number}`.
    GiftCard,
    /// `POST /api/v1/coupons/validate`.
    Coupon,
    /// `GET /api/v1/referral-codes/{code}`.
    ReferralCode,
}

impl Kind {
    /// The stored name (`till_lookup_misses.kind`).
    fn as_str(self) -> &'static str {
        match self {
            Kind::GiftCard => "gift_card",
            Kind::Coupon => "coupon",
            Kind::ReferralCode => "referral_code",
        }
    }

    /// What was tried, in the refusal's words.
    fn tried(self) -> &'static str {
        match self {
            Kind::GiftCard => "gift card numbers that match no card",
            Kind::Coupon => "coupon codes that match no coupon",
            Kind::ReferralCode => "referral codes that match no code",
        }
    }
}

/// Whether a till may look something up now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// It may.
    Open,
    /// It tried too many unknown ones: it may again in this many seconds.
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

/// Whether till token `token` may look up a `kind` now, `limit` misses being allowed per window.
/// Its lookups queue on an advisory lock for the rest of the transaction, so that a burst of
/// guesses cannot all pass the count at once; misses that left the window are forgotten.
pub fn gate(conn: &mut PgConnection, token: i64, kind: Kind, limit: u32) -> QueryResult<Gate> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1, ($2 % 2147483647)::int)")
        .bind::<Integer, _>(LOCK_CLASS)
        .bind::<BigInt, _>(token)
        .execute(conn)?;
    diesel::sql_query(
        "DELETE FROM till_lookup_misses \
         WHERE token_id = $1 AND kind = $2 AND at < now() - make_interval(mins => $3)",
    )
    .bind::<BigInt, _>(token)
    .bind::<Text, _>(kind.as_str())
    .bind::<Integer, _>(WINDOW_MINUTES)
    .execute(conn)?;
    let seen: Misses = diesel::sql_query(
        "SELECT count(*) AS misses, \
                coalesce(ceil(extract(epoch FROM min(at) + make_interval(mins => $3) - now())), 0)::bigint \
                    AS retry_after \
         FROM till_lookup_misses WHERE token_id = $1 AND kind = $2",
    )
    .bind::<BigInt, _>(token)
    .bind::<Text, _>(kind.as_str())
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

/// Counts a lookup of a `kind` by till token `token` that matched nothing.
pub fn record_miss(conn: &mut PgConnection, token: i64, kind: Kind) -> QueryResult<()> {
    use crate::db::schema::till_lookup_misses as misses;
    diesel::insert_into(misses::table)
        .values((misses::token_id.eq(token), misses::kind.eq(kind.as_str())))
        .execute(conn)
        .map(drop)
}

/// The 429 a closed gate answers (logged: a till trying codes is worth a look).
pub fn refused(kind: Kind, token: i64, store: &str, retry_after: i64) -> HttpResponse {
    tracing::warn!(
        token_id = token,
        store,
        retry_after,
        kind = kind.as_str(),
        "till lookups refused: too many that match nothing"
    );
    let message = format!(
        "Too many {} in {WINDOW_MINUTES} minutes: try again in {retry_after} seconds.",
        kind.tried()
    );
    HttpResponse::TooManyRequests()
        .insert_header(("Retry-After", retry_after.to_string()))
        .json(json!({
            "error": {"code": "too_many_requests", "message": message, "fields": {}}
        }))
}
