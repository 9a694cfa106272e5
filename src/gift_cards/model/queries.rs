//! What the gift card pages read: the list (newest first, keyset-paged, searched by the start of
//! a number or by customer, filtered by status), the card's own header facts, and each card's
//! currency.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use patron_rules::Currency;
use patron_rules::gift_cards::{ALPHABET, Status};
use patron_rules::keyset::Keyset;
use rust_decimal::Decimal;

use crate::db::schema::{customers, gift_cards, stores};

/// The list's filters.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Cards whose number starts with this (already upper-case, spaces taken out).
    pub number_prefix: Option<String>,
    /// Or cards of these customers (a search by name, code or mobile found them).
    pub customers: Vec<i64>,
    /// Whether a search was typed at all (then only its matches show).
    pub searched: bool,
    /// Only cards with this status today.
    pub status: Option<Status>,
    /// Today, for the status.
    pub today: NaiveDate,
}

/// What a search box entry can be of a card number: its start, upper-case, without spaces and
/// dashes, when every character could be in a number.
pub fn number_prefix(typed: &str) -> Option<String> {
    let prefix: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    (prefix.len() >= 2 && prefix.len() <= 16 && prefix.bytes().all(|b| ALPHABET.contains(&b)))
        .then_some(prefix)
}

/// One card of the list.
#[derive(Debug, Clone, Queryable)]
pub struct ListRow {
    /// Id.
    pub id: i64,
    /// Card Number.
    pub number: String,
    /// Currency.
    pub currency_code: String,
    /// Initial Value.
    pub initial_value: Decimal,
    /// Balance.
    pub balance: Decimal,
    /// Valid Upto.
    pub valid_upto: Option<NaiveDate>,
    /// Disabled.
    pub disabled: bool,
    /// Issued.
    pub issued_at: DateTime<Utc>,
    /// Customer: id, code, first and last name.
    pub customer: Option<(i64, String, String, String)>,
}

/// A page of cards, newest first: `limit` of them after (older than) or before (newer than,
/// read oldest first) the keyset's card.
pub fn list(
    conn: &mut PgConnection,
    filter: &ListFilter,
    keyset: &Keyset<i64>,
    limit: i64,
) -> QueryResult<Vec<ListRow>> {
    let mut query = gift_cards::table
        .left_join(customers::table)
        .select((
            gift_cards::id,
            gift_cards::number,
            gift_cards::currency_code,
            gift_cards::initial_value,
            gift_cards::balance,
            gift_cards::valid_upto,
            gift_cards::disabled,
            gift_cards::issued_at,
            (
                customers::id,
                customers::code,
                customers::first_name,
                customers::last_name,
            )
                .nullable(),
        ))
        .into_boxed();
    if filter.searched {
        let by_customer = gift_cards::customer_id.eq_any(filter.customers.clone());
        query = match &filter.number_prefix {
            Some(prefix) => query.filter(
                gift_cards::number
                    .like(format!("{prefix}%"))
                    .or(by_customer.assume_not_null()),
            ),
            None => query.filter(by_customer.assume_not_null()),
        };
    }
    let today = filter.today;
    query = match filter.status {
        None => query,
        Some(Status::Disabled) => query.filter(gift_cards::disabled.eq(true)),
        Some(Status::Expired) => query
            .filter(gift_cards::disabled.eq(false))
            .filter(gift_cards::valid_upto.lt(today)),
        Some(Status::Active) => query.filter(gift_cards::disabled.eq(false)).filter(
            gift_cards::valid_upto
                .is_null()
                .or(gift_cards::valid_upto.ge(today)),
        ),
    };
    query = match keyset {
        Keyset::First => query.order(gift_cards::id.desc()),
        Keyset::After(id) => query
            .filter(gift_cards::id.lt(*id))
            .order(gift_cards::id.desc()),
        Keyset::Before(id) => query
            .filter(gift_cards::id.gt(*id))
            .order(gift_cards::id.asc()),
    };
    query.limit(limit).load(conn)
}

/// Who a card is for and where it was issued, as its page heads it.
#[derive(Debug, Clone, Default)]
pub struct CardFacts {
    /// Customer: id, code and name.
    pub customer: Option<(i64, String, String)>,
    /// The issuing store's name (none: HQ).
    pub store: Option<String>,
    /// The company's name.
    pub company: String,
}

/// The facts of a card with `customer`, issued at `store`, of `company`.
pub fn facts(
    conn: &mut PgConnection,
    customer: Option<i64>,
    store: Option<i64>,
    company: i64,
) -> QueryResult<CardFacts> {
    let customer = match customer {
        Some(id) => {
            let (code, first, last): (String, String, String) = customers::table
                .find(id)
                .select((customers::code, customers::first_name, customers::last_name))
                .first(conn)?;
            Some((id, code, format!("{first} {last}").trim().to_owned()))
        }
        None => None,
    };
    let store = match store {
        Some(id) => Some(stores::table.find(id).select(stores::name).first(conn)?),
        None => None,
    };
    let company = crate::stores::model::find_company(conn, company)?.name;
    Ok(CardFacts {
        customer,
        store,
        company,
    })
}

/// Amounts of cards in their own currency, each currency read once.
#[derive(Default)]
pub struct Currencies(Vec<Currency>);

impl Currencies {
    /// The currency with `code` (US dollars if it is unknown).
    pub fn get(
        &mut self,
        conn: &mut diesel::PgConnection,
        code: &str,
    ) -> Result<Currency, crate::web::AppError> {
        if let Some(known) = self.0.iter().find(|c| c.code == code) {
            return Ok(known.clone());
        }
        let currency = crate::stores::model::currency(conn, code)?.unwrap_or_else(Currency::usd);
        self.0.push(currency.clone());
        Ok(currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_reads_as_the_start_of_a_number_when_it_can_be_one() {
        assert_eq!(number_prefix("abcd efgh"), Some("ABCDEFGH".into()));
        assert_eq!(number_prefix("GC7Q-K2"), Some("GC7QK2".into()));
        assert_eq!(number_prefix("Lima"), None, "L is never in a number");
        assert_eq!(number_prefix("a"), None, "too short to tell");
        assert_eq!(number_prefix(&"A".repeat(17)), None);
    }
}
