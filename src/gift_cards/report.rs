//! The gift card liability report's figures (reports.view), as of the close of a day in each
//! company's time zone, read from the ledger (`gift_card_entries`), so that a past day gives what
//! was owed then: what the cards that had not expired held by customer, the cards that expire in
//! the next 30, 60 and 90 days with their balance, and breakage by month: what expired cards held
//! when their Valid Upto passed (the expiry run writes it off a week later; its entry moves the
//! ledger, not the liability). The totals, the months of issue and the month's movements come
//! from one pass over the ledger (`report_months`). A card is owed through its Valid
//! Upto: at the close of that day it has expired. Disabled cards count as owed: a blocked card is
//! still the customer's money. Every figure is per company, in the currency of its cards.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Numeric, Text};
use rust_decimal::Decimal;

use patron_rules::Currency;
use patron_rules::gift_cards::masked;

/// The windows of the expiring section, in days from the report's day.
pub const WINDOWS: [i64; 3] = [30, 60, 90];

/// A row about one company's cards: whose they are.
pub trait Whose {
    /// The company and currency of the row.
    fn whose(&self) -> &Company;
}

/// Implements `Whose` for rows that embed their company as `head`.
macro_rules! whose {
    ($($row:ty),*) => {$(
        impl Whose for $row {
            fn whose(&self) -> &Company {
                &self.head
            }
        }
    )*};
}
pub(crate) use whose;

/// The columns `opens` and `closes` of a row of `companies`: the first instant of day `from` in
/// its time zone and the first of the day after `to` (each a placeholder like `$1`). An instant
/// before `closes` falls on `to` or earlier (`business_day(at, zone) <= to`), one from `opens`
/// on `from` or later: compared as instants, the ledger's rows need no time zone arithmetic each.
pub fn bounds(from: &str, to: &str) -> String {
    format!(
        "({from}::date::timestamp AT TIME ZONE time_zone) AS opens, \
         (({to}::date + 1)::timestamp AT TIME ZONE time_zone) AS closes"
    )
}

/// `held`: each card issued by the close of day `$1` (its company's day) among those `cards`
/// keeps (a condition on `g`), with what its ledger added up to at that close (`balance`) and the
/// same without the expiry run's write-offs (`held`: what it held when it expired), and whether it
/// was still owed then.
fn held(cards: &str) -> String {
    format!(
        "WITH held AS (
             SELECT g.id, g.number, g.company_id, c.name AS company, g.currency_code,
                    g.customer_id, g.valid_upto,
                    (g.valid_upto IS NULL OR g.valid_upto > $1) AS owed,
                    coalesce(sum(e.amount), 0) AS balance,
                    coalesce(sum(e.amount) FILTER (WHERE e.kind <> 'expiry'), 0) AS held
             FROM gift_cards g JOIN (SELECT *, {} FROM companies) c ON c.id = g.company_id
             LEFT JOIN gift_card_entries e ON e.card_id = g.id AND e.created_at < c.closes
             WHERE g.issued_at < c.closes AND ({cards})
             GROUP BY g.id, c.id, c.name)",
        bounds("$1", "$1")
    )
}

/// The company a row is about: its name and the currency its cards are in.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Company {
    /// Company name.
    #[diesel(sql_type = Text)]
    pub company: String,
    /// Currency of its cards.
    #[diesel(sql_type = Text)]
    pub currency_code: String,
}

/// What a company's cards owed hold now.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Owed {
    /// Whose.
    #[diesel(embed)]
    pub head: Company,
    /// Cards owed at the close of today.
    #[diesel(sql_type = BigInt)]
    pub cards: i64,
    /// What they hold.
    #[diesel(sql_type = Numeric)]
    pub outstanding: Decimal,
}

/// Per company, what the cards owed at the close of `today` hold now: the home page's figure.
/// It reads the balances kept on the cards (each the sum of its ledger, moved in the same
/// transaction), since the home page is opened too often for a pass over the ledger; the report
/// as of today gives the same.
pub fn owed_now(conn: &mut PgConnection, today: NaiveDate) -> QueryResult<Vec<Owed>> {
    diesel::sql_query(
        "SELECT c.name AS company, g.currency_code, count(*) AS cards,
                coalesce(sum(g.balance), 0) AS outstanding
         FROM gift_cards g JOIN companies c ON c.id = g.company_id
         WHERE g.valid_upto IS NULL OR g.valid_upto > $1
         GROUP BY c.name, g.company_id, g.currency_code
         ORDER BY c.name, g.company_id",
    )
    .bind::<Date, _>(today)
    .load(conn)
}

/// One customer's (or nobody's) cards that have not expired and hold something.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct CustomerRow {
    /// Whose.
    #[diesel(embed)]
    pub head: Company,
    /// The customer's id (none: cards of nobody).
    #[diesel(sql_type = Nullable<BigInt>)]
    pub customer_id: Option<i64>,
    /// Their code.
    #[diesel(sql_type = Nullable<Text>)]
    pub code: Option<String>,
    /// Their name.
    #[diesel(sql_type = Nullable<Text>)]
    pub name: Option<String>,
    /// Cards.
    #[diesel(sql_type = BigInt)]
    pub cards: i64,
    /// What they hold.
    #[diesel(sql_type = Numeric)]
    pub outstanding: Decimal,
}

/// What the cards owed at the close of `day` held by customer (the card's customer now), largest
/// first (cards of nobody as one row), at most `limit` rows.
pub fn by_customer(
    conn: &mut PgConnection,
    day: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<CustomerRow>> {
    diesel::sql_query(format!(
        "{}
         SELECT h.company, h.currency_code, h.customer_id, u.code,
                nullif(trim(u.first_name || ' ' || u.last_name), '') AS name,
                count(*) AS cards, sum(h.balance) AS outstanding
         FROM held h LEFT JOIN customers u ON u.id = h.customer_id
         WHERE h.owed AND h.balance > 0
         GROUP BY h.company, h.company_id, h.currency_code, h.customer_id, u.code, u.first_name,
                  u.last_name
         ORDER BY sum(h.balance) DESC, u.code NULLS LAST
         LIMIT $2",
        held("g.valid_upto IS NULL OR g.valid_upto > $1")
    ))
    .bind::<Date, _>(day)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// A card that expires within the longest window and still holds something.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct ExpiringRow {
    /// Whose.
    #[diesel(embed)]
    pub head: Company,
    /// The card.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// Its number.
    #[diesel(sql_type = Text)]
    pub number: String,
    /// Its customer's code.
    #[diesel(sql_type = Nullable<Text>)]
    pub customer_code: Option<String>,
    /// Its last day.
    #[diesel(sql_type = Date)]
    pub valid_upto: NaiveDate,
    /// What it holds.
    #[diesel(sql_type = Numeric)]
    pub balance: Decimal,
}

impl ExpiringRow {
    /// Days from `day` to its last day.
    pub fn days_left(&self, day: NaiveDate) -> i64 {
        (self.valid_upto - day).num_days()
    }

    /// Its number with all but the last four characters hidden.
    pub fn masked(&self) -> String {
        masked(&self.number)
    }
}

/// The cards whose last day is one of the 90 after `day` and that held something at its close,
/// soonest first (the cards read on `gift_cards_valid_upto_idx`).
pub fn expiring(conn: &mut PgConnection, day: NaiveDate) -> QueryResult<Vec<ExpiringRow>> {
    diesel::sql_query(format!(
        "{}
         SELECT h.company, h.currency_code, h.id, h.number, u.code AS customer_code,
                h.valid_upto, h.balance
         FROM held h LEFT JOIN customers u ON u.id = h.customer_id
         WHERE h.balance > 0
         ORDER BY h.valid_upto, h.id",
        held("g.valid_upto > $1 AND g.valid_upto <= $1::date + 90")
    ))
    .bind::<Date, _>(day)
    .load(conn)
}

/// A company's cards expiring within each window: (cards, balance), in `WINDOWS` order.
pub fn windows(rows: &[ExpiringRow], day: NaiveDate) -> Vec<(Company, [(i64, Decimal); 3])> {
    let mut out: Vec<(Company, [(i64, Decimal); 3])> = Vec::new();
    for row in rows {
        let at = match out.iter().position(|(head, _)| *head == row.head) {
            Some(at) => at,
            None => {
                out.push((row.head.clone(), [(0, Decimal::ZERO); 3]));
                out.len() - 1
            }
        };
        for (window, days) in WINDOWS.iter().enumerate() {
            if row.days_left(day) <= *days {
                let (cards, balance) = &mut out[at].1[window];
                *cards += 1;
                *balance += row.balance;
            }
        }
    }
    out
}

/// The cards that expired in one month and what they held.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct BreakageRow {
    /// Whose.
    #[diesel(embed)]
    pub head: Company,
    /// The month of their last day.
    #[diesel(sql_type = Date)]
    pub month: NaiveDate,
    /// Cards that held something when they expired.
    #[diesel(sql_type = BigInt)]
    pub cards: i64,
    /// What they held.
    #[diesel(sql_type = Numeric)]
    pub breakage: Decimal,
}

/// Breakage of the cards expired by the close of `day`, by month of their Valid Upto, newest
/// month first, per company.
pub fn breakage(conn: &mut PgConnection, day: NaiveDate) -> QueryResult<Vec<BreakageRow>> {
    diesel::sql_query(format!(
        "{}
         SELECT company, currency_code, date_trunc('month', valid_upto)::date AS month,
                count(*) AS cards, sum(held) AS breakage
         FROM held
         WHERE held > 0
         GROUP BY company, company_id, currency_code, 3
         ORDER BY company, company_id, 3 DESC",
        held("g.valid_upto <= $1")
    ))
    .bind::<Date, _>(day)
    .load(conn)
}

whose!(CustomerRow, ExpiringRow, BreakageRow);

/// "1 card", "1,200 cards".
pub fn cards(n: i64) -> String {
    if n == 1 {
        "1 card".into()
    } else {
        format!("{} cards", crate::web::format::count(n))
    }
}

/// An amount in a CSV: rounded to the currency, with all its decimals (`20.00`).
pub fn plain(amount: Decimal, currency: &Currency) -> String {
    let mut rounded = currency.round(amount);
    rounded.rescale(currency.minor_unit);
    rounded.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(company: &str, days: i64, balance: i64) -> ExpiringRow {
        let day: NaiveDate = "2026-12-01".parse().unwrap();
        ExpiringRow {
            head: Company {
                company: company.into(),
                currency_code: "USD".into(),
            },
            id: days,
            number: "ABCDEFGHJKMNPQRS".into(),
            customer_code: None,
            valid_upto: day + chrono::Duration::days(days),
            balance: Decimal::from(balance),
        }
    }

    #[test]
    fn each_window_holds_the_shorter_ones() {
        let day: NaiveDate = "2026-12-01".parse().unwrap();
        let rows = [
            row("A", 1, 5),
            row("A", 30, 10),
            row("A", 31, 20),
            row("A", 90, 40),
        ];
        let windows = windows(&rows, day);
        assert_eq!(windows.len(), 1);
        assert_eq!(
            windows[0].1,
            [
                (2, Decimal::from(15)),
                (3, Decimal::from(35)),
                (4, Decimal::from(75))
            ]
        );
        assert_eq!(plain(Decimal::new(2, 0), &Currency::usd()), "2.00");
    }
}
