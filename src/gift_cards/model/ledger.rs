//! The ledger of a card: every movement of its balance is one entry, written in the same
//! transaction as the one conditional UPDATE that moves the stored balance, and carrying the
//! balance that UPDATE left. Tills paying with one card at once queue on its row and each
//! re-reads it, so a balance never goes below zero and always equals the sum of its entries.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Numeric, Text};
use patron_rules::gift_cards::EntryKind;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::db::schema::{gift_card_entries as entries, gift_cards, invoices};

/// One movement to record.
#[derive(Debug, Clone)]
pub struct Move<'a> {
    /// What it is.
    pub kind: EntryKind,
    /// Signed: what it adds to the balance (a redeem is negative).
    pub amount: Decimal,
    /// The invoice behind it (redeem, refund, reversal).
    pub invoice_id: Option<i64>,
    /// For a reversal: the entry it undoes.
    pub reverses_id: Option<i64>,
    /// Why (an adjustment's reason, a top-up's note).
    pub note: &'a str,
    /// Who: a user's email, a till's label or the expiry run.
    pub by: &'a str,
}

diesel::define_sql_function! {
    /// Migration `planned_once`: moves a card's balance and records the entry; NULL when the
    /// conditional UPDATE matched nothing.
    #[allow(clippy::too_many_arguments)]
    fn move_gift_card(
        card: BigInt,
        amount: Numeric,
        usable_on: Nullable<Date>,
        kind: Text,
        invoice: Nullable<BigInt>,
        reverses: Nullable<BigInt>,
        note: Text,
        by: Text,
    ) -> Nullable<Numeric>;
}

/// Moves card `card`'s balance by `movement.amount` with one conditional UPDATE and records the
/// entry with the balance it left (one call of `move_gift_card`). The UPDATE only matches while
/// the balance stays at zero or more, and with `usable_on` only while the card is enabled and not
/// expired on that day. `None`: it did not match, and nothing was written.
pub fn post(
    conn: &mut PgConnection,
    card: i64,
    movement: &Move,
    usable_on: Option<NaiveDate>,
) -> QueryResult<Option<Decimal>> {
    // A function, so that its plan is made once per connection (migration `planned_once`):
    // it runs in every sale a card pays, and Diesel keeps no UPDATE prepared. Called as one
    // Diesel prepares once too.
    diesel::select(move_gift_card(
        card,
        movement.amount,
        usable_on,
        movement.kind.as_str(),
        movement.invoice_id,
        movement.reverses_id,
        movement.note,
        movement.by,
    ))
    .get_result::<Option<Decimal>>(conn)
}

/// Card `card`'s balance now.
pub fn balance(conn: &mut PgConnection, card: i64) -> QueryResult<Decimal> {
    gift_cards::table
        .find(card)
        .select(gift_cards::balance)
        .first(conn)
}

/// An entry of an invoice that no reversal has undone yet.
#[derive(Debug, Clone, QueryableByName)]
pub struct OpenEntry {
    /// The entry.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// Its card.
    #[diesel(sql_type = BigInt)]
    pub card_id: i64,
    /// Its card's number.
    #[diesel(sql_type = Text)]
    pub number: String,
    /// What it moved.
    #[diesel(sql_type = Numeric)]
    pub amount: Decimal,
}

/// The entries invoice `invoice` wrote (a sale's redeems, a return's refunds) that no reversal
/// has undone, in card order (the order every writer locks cards in).
pub fn open_entries_of_invoice(
    conn: &mut PgConnection,
    invoice: i64,
) -> QueryResult<Vec<OpenEntry>> {
    diesel::sql_query(
        "SELECT e.id, e.card_id, c.number, e.amount \
         FROM gift_card_entries e JOIN gift_cards c ON c.id = e.card_id \
         WHERE e.invoice_id = $1 AND e.kind IN ('redeem', 'refund') \
           AND NOT EXISTS (SELECT 1 FROM gift_card_entries r WHERE r.reverses_id = e.id) \
         ORDER BY e.card_id, e.id",
    )
    .bind::<BigInt, _>(invoice)
    .load(conn)
}

/// An entry as the card's page lists it.
#[derive(Debug, Clone, Queryable)]
pub struct EntryRow {
    /// Id (the page's cursor).
    pub id: i64,
    /// What it was.
    pub kind: String,
    /// Signed amount.
    pub amount: Decimal,
    /// The balance it left.
    pub balance_after: Decimal,
    /// Why.
    pub note: String,
    /// Who.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Its invoice: uuid, number and store.
    pub invoice: Option<(Uuid, String, i64)>,
}

/// Card `card`'s entries newest first, `limit` of them: older than entry `before_id` (the Next
/// page), or newer than `after_id` read oldest first (the Previous page).
pub fn page(
    conn: &mut PgConnection,
    card: i64,
    older_than: Option<i64>,
    newer_than: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<EntryRow>> {
    let mut query = entries::table
        .left_join(invoices::table)
        .filter(entries::card_id.eq(card))
        .select((
            entries::id,
            entries::kind,
            entries::amount,
            entries::balance_after,
            entries::note,
            entries::created_by,
            entries::created_at,
            (invoices::uuid, invoices::number, invoices::store_id).nullable(),
        ))
        .into_boxed();
    if let Some(id) = older_than {
        query = query.filter(entries::id.lt(id));
    }
    if let Some(id) = newer_than {
        query = query.filter(entries::id.gt(id)).order(entries::id.asc());
    } else {
        query = query.order(entries::id.desc());
    }
    query.limit(limit).load(conn)
}
