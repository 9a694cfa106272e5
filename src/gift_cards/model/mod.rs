//! Gift cards as stored: issuing one (its row, its first ledger entry and the audit entry),
//! finding one by id or number, a till's stored answer for retries, switching one off and on,
//! and moving a customer's cards on a merge.

pub mod ledger;
pub mod queries;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use patron_rules::Activation;
use patron_rules::CustomerId;
use patron_rules::gift_cards::{CardNumber, EntryKind, Status};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use self::ledger::Move;
use crate::audit;
use crate::db::schema::gift_cards;
use crate::kernel::Actor;

/// The audit log's name for a gift card.
pub const ENTITY: &str = "gift_card";

/// A stored card.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize)]
#[diesel(table_name = gift_cards)]
pub struct Card {
    /// Id.
    pub id: i64,
    /// Card Number.
    pub number: String,
    /// Company.
    pub company_id: i64,
    /// Currency (the company's when it was issued).
    pub currency_code: String,
    /// Initial Value.
    pub initial_value: Decimal,
    /// What is left on it: the sum of its ledger.
    pub balance: Decimal,
    /// Customer.
    pub customer_id: Option<i64>,
    /// Valid Upto (the last day it may be used).
    pub valid_upto: Option<NaiveDate>,
    /// Disabled.
    pub disabled: bool,
    /// The store whose till issued it (none: HQ).
    pub store_id: Option<i64>,
    /// Who issued it.
    pub issued_by: String,
    /// When.
    pub issued_at: DateTime<Utc>,
}

audit::keyed_by_id!(Card);

impl Card {
    /// Where the card stands on day `on`.
    pub fn status(&self, on: NaiveDate) -> Status {
        Status::of(self.disabled, self.valid_upto, on)
    }
}

/// A card to issue.
#[derive(Debug, Clone)]
pub struct NewCard {
    /// Its number (typed or generated).
    pub number: CardNumber,
    /// Company.
    pub company_id: i64,
    /// The company's currency.
    pub currency_code: String,
    /// Initial Value.
    pub initial_value: Decimal,
    /// Customer.
    pub customer_id: Option<i64>,
    /// Valid Upto.
    pub valid_upto: Option<NaiveDate>,
    /// The issuing till's store (none: HQ).
    pub store_id: Option<i64>,
}

/// A till's request to issue: its uuid and the hash of what it sent.
#[derive(Debug, Clone)]
pub struct TillRequest {
    /// The till's uuid for the card.
    pub uuid: Uuid,
    /// SHA-256 of the request.
    pub hash: Vec<u8>,
}

/// Whether a card has `number` already.
pub fn number_taken(conn: &mut PgConnection, number: &CardNumber) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        gift_cards::table.filter(gift_cards::number.eq(number.as_str())),
    ))
    .get_result(conn)
}

/// A number no card has, drawn from the thread's CSPRNG (with 2^79 numbers the first draw all
/// but always is one; a few more cover the rest).
pub fn unused_number(conn: &mut PgConnection) -> QueryResult<CardNumber> {
    let mut rng = rand::rng();
    let mut number = CardNumber::generate(&mut rng);
    for _ in 0..8 {
        if !number_taken(conn, &number)? {
            break;
        }
        number = CardNumber::generate(&mut rng);
    }
    Ok(number)
}

/// Issues `new`: the card, its issue entry and the audit entry, on the caller's transaction.
/// With a till's `request` the card carries its uuid; `None` comes back when another request
/// with that uuid got there first (the caller answers what that one got).
pub fn issue(
    conn: &mut PgConnection,
    new: &NewCard,
    request: Option<&TillRequest>,
    actor: &Actor,
) -> QueryResult<Option<Card>> {
    let by = actor.parts().1;
    let card: Option<Card> = diesel::insert_into(gift_cards::table)
        .values((
            gift_cards::number.eq(new.number.as_str()),
            gift_cards::company_id.eq(new.company_id),
            gift_cards::currency_code.eq(&new.currency_code),
            gift_cards::initial_value.eq(new.initial_value),
            // The issue entry below puts the value on it, in the same statement as its entry.
            gift_cards::balance.eq(Decimal::ZERO),
            gift_cards::customer_id.eq(new.customer_id),
            gift_cards::valid_upto.eq(new.valid_upto),
            gift_cards::store_id.eq(new.store_id),
            gift_cards::issued_by.eq(&by),
            gift_cards::request_uuid.eq(request.map(|r| r.uuid)),
            gift_cards::request_hash.eq(request.map(|r| r.hash.clone())),
        ))
        .on_conflict(gift_cards::request_uuid)
        .do_nothing()
        .returning(Card::as_returning())
        .get_result(conn)
        .optional()?;
    let Some(card) = card else {
        return Ok(None);
    };
    audit::create(conn, actor, ENTITY, |conn| {
        ledger::post(
            conn,
            card.id,
            &Move {
                kind: EntryKind::Issue,
                amount: new.initial_value,
                invoice_id: None,
                reverses_id: None,
                note: "",
                by: &by,
            },
            None,
        )?;
        find(conn, card.id)
    })
    .map(Some)
}

/// Posts a person's move of `card`'s balance (`action`: `top_up`, `adjust`), audited with the
/// balance before and after, the amount and the note. `None`, with no entry, when the card
/// refused it (see `ledger::post`); else the balance after.
pub fn move_balance(
    conn: &mut PgConnection,
    actor: &Actor,
    card: &Card,
    action: &str,
    movement: &Move,
    usable_on: Option<NaiveDate>,
) -> QueryResult<Option<Decimal>> {
    let Some(after) = ledger::post(conn, card.id, movement, usable_on)? else {
        return Ok(None);
    };
    audit::record(
        conn,
        actor,
        ENTITY,
        card.id,
        action,
        Some(serde_json::json!({"balance": card.balance})),
        Some(
            serde_json::json!({"balance": after, "amount": movement.amount, "note": movement.note}),
        ),
    )?;
    Ok(Some(after))
}

/// Keeps the answer a till got for issuing card `id`, for its retries.
pub fn store_response(
    conn: &mut PgConnection,
    id: i64,
    answer: &serde_json::Value,
) -> QueryResult<()> {
    diesel::update(gift_cards::table.find(id))
        .set(gift_cards::response.eq(answer))
        .execute(conn)
        .map(drop)
}

/// What a till's earlier request with `uuid` was: its card's company, the request's hash and
/// the answer it got.
pub fn stored_request(
    conn: &mut PgConnection,
    uuid: Uuid,
) -> QueryResult<Option<(i64, Vec<u8>, serde_json::Value)>> {
    let row: Option<(i64, Option<Vec<u8>>, Option<serde_json::Value>)> = gift_cards::table
        .filter(gift_cards::request_uuid.eq(uuid))
        .select((
            gift_cards::company_id,
            gift_cards::request_hash,
            gift_cards::response,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(company, hash, answer)| {
        (
            company,
            hash.unwrap_or_default(),
            answer.unwrap_or_default(),
        )
    }))
}

/// Card `id`.
pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Card> {
    gift_cards::table
        .find(id)
        .select(Card::as_select())
        .first(conn)
}

/// The card with `number`, if there is one.
pub fn find_by_number(conn: &mut PgConnection, number: &CardNumber) -> QueryResult<Option<Card>> {
    gift_cards::table
        .filter(gift_cards::number.eq(number.as_str()))
        .select(Card::as_select())
        .first(conn)
        .optional()
}

/// Disables card `id` (or enables it again) through `audit::switch`, the path every
/// never-deleted record takes: the entry says deactivate or reactivate and keeps the card before
/// and after. A card already so is left as it is, and nothing is logged.
pub fn set_disabled(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    disabled: bool,
) -> QueryResult<Card> {
    let before = gift_cards::table
        .find(id)
        .select(Card::as_select())
        .for_update()
        .first(conn)?;
    if before.disabled == disabled {
        return Ok(before);
    }
    let activation = if disabled {
        Activation::Deactivate
    } else {
        Activation::Reactivate
    };
    audit::switch(
        conn,
        actor,
        ENTITY,
        id,
        activation,
        |_| Ok(before),
        |conn, active| {
            diesel::update(gift_cards::table.find(id))
                .set((
                    gift_cards::disabled.eq(!active),
                    gift_cards::updated_at.eq(diesel::dsl::now),
                ))
                .returning(Card::as_returning())
                .get_result(conn)
        },
    )
}

/// The cards of `customer`, newest first.
pub fn of_customer(conn: &mut PgConnection, customer: i64) -> QueryResult<Vec<Card>> {
    gift_cards::table
        .filter(gift_cards::customer_id.eq(customer))
        .order(gift_cards::id.desc())
        .select(Card::as_select())
        .load(conn)
}

/// Merging customers: the merged customer's cards become the kept customer's.
pub fn move_customer(
    conn: &mut PgConnection,
    from: CustomerId,
    to: CustomerId,
) -> QueryResult<usize> {
    diesel::update(gift_cards::table.filter(gift_cards::customer_id.eq(from.get())))
        .set((
            gift_cards::customer_id.eq(to.get()),
            gift_cards::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}
