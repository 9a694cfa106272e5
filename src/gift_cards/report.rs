//! The gift card liability report's figures (reports.view), as of a day: what the cards that
//! have not expired still hold — in all, by month of issue and by customer —, the cards that
//! expire in the next 30, 60 and 90 days with their balance, and breakage: what expired cards
//! held when they expired (what the expiry run took off them, plus what is still on those it
//! has not reached yet). Disabled cards count as owed: a blocked card is still the customer's
//! money. Every figure is per company, in the currency of its cards.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Numeric, Text};
use rust_decimal::Decimal;

use patron_rules::Currency;
use patron_rules::gift_cards::masked;

/// The windows of the expiring section, in days from the report's day.
pub const WINDOWS: [i64; 3] = [30, 60, 90];

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

/// A company's totals.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Summary {
    /// Whose.
    #[diesel(embed)]
    pub head: Company,
    /// Cards that have not expired.
    #[diesel(sql_type = BigInt)]
    pub cards: i64,
    /// What they hold.
    #[diesel(sql_type = Numeric)]
    pub outstanding: Decimal,
    /// Expired cards that held something when they expired.
    #[diesel(sql_type = BigInt)]
    pub expired_cards: i64,
    /// What those held: breakage.
    #[diesel(sql_type = Numeric)]
    pub breakage: Decimal,
}

/// What each card held when it expired: its balance now plus what the expiry run took.
const BREAKAGE: &str = "g.balance + coalesce((SELECT -sum(e.amount) FROM gift_card_entries e \
                        WHERE e.card_id = g.id AND e.kind = 'expiry'), 0)";

/// Per company, on `day`: the cards not expired and what they hold, the expired ones and their
/// breakage.
pub fn summary(conn: &mut PgConnection, day: NaiveDate) -> QueryResult<Vec<Summary>> {
    diesel::sql_query(format!(
        "SELECT c.name AS company, g.currency_code,
                count(*) FILTER (WHERE g.valid_upto IS NULL OR g.valid_upto >= $1) AS cards,
                coalesce(sum(g.balance) FILTER (WHERE g.valid_upto IS NULL OR g.valid_upto >= $1), 0)
                    AS outstanding,
                count(*) FILTER (WHERE g.valid_upto < $1 AND {BREAKAGE} > 0) AS expired_cards,
                coalesce(sum({BREAKAGE}) FILTER (WHERE g.valid_upto < $1), 0) AS breakage
         FROM gift_cards g JOIN companies c ON c.id = g.company_id
         GROUP BY c.name, g.company_id, g.currency_code
         ORDER BY c.name, g.company_id"
    ))
    .bind::<Date, _>(day)
    .load(conn)
}

/// The cards issued in one month.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct MonthRow {
    /// Whose.
    #[diesel(embed)]
    pub head: Company,
    /// The month's first day (UTC).
    #[diesel(sql_type = Date)]
    pub month: NaiveDate,
    /// Cards issued that month.
    #[diesel(sql_type = BigInt)]
    pub cards: i64,
    /// Their Initial Values.
    #[diesel(sql_type = Numeric)]
    pub issued: Decimal,
    /// What those that have not expired still hold.
    #[diesel(sql_type = Numeric)]
    pub outstanding: Decimal,
}

/// Cards by month of issue, oldest month first, per company.
pub fn by_month(conn: &mut PgConnection, day: NaiveDate) -> QueryResult<Vec<MonthRow>> {
    diesel::sql_query(
        "SELECT c.name AS company, g.currency_code,
                date_trunc('month', g.issued_at AT TIME ZONE c.time_zone)::date AS month,
                count(*) AS cards, sum(g.initial_value) AS issued,
                coalesce(sum(g.balance) FILTER (WHERE g.valid_upto IS NULL OR g.valid_upto >= $1), 0)
                    AS outstanding
         FROM gift_cards g JOIN companies c ON c.id = g.company_id
         GROUP BY c.name, g.company_id, g.currency_code, 3
         ORDER BY c.name, g.company_id, 3",
    )
    .bind::<Date, _>(day)
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

/// Outstanding balance by customer, largest first (cards of nobody as one row), at most
/// `limit` rows.
pub fn by_customer(
    conn: &mut PgConnection,
    day: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<CustomerRow>> {
    diesel::sql_query(
        "SELECT c.name AS company, g.currency_code, g.customer_id, u.code,
                nullif(trim(u.first_name || ' ' || u.last_name), '') AS name,
                count(*) AS cards, sum(g.balance) AS outstanding
         FROM gift_cards g JOIN companies c ON c.id = g.company_id
         LEFT JOIN customers u ON u.id = g.customer_id
         WHERE (g.valid_upto IS NULL OR g.valid_upto >= $1) AND g.balance > 0
         GROUP BY c.name, g.company_id, g.currency_code, g.customer_id, u.code, u.first_name, u.last_name
         ORDER BY sum(g.balance) DESC, u.code NULLS LAST
         LIMIT $2",
    )
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

/// The cards whose last day is from `day` through 90 days later and that hold something,
/// soonest first (read on `gift_cards_valid_upto_idx`).
pub fn expiring(conn: &mut PgConnection, day: NaiveDate) -> QueryResult<Vec<ExpiringRow>> {
    diesel::sql_query(
        "SELECT c.name AS company, g.currency_code, g.id, g.number, u.code AS customer_code,
                g.valid_upto, g.balance
         FROM gift_cards g JOIN companies c ON c.id = g.company_id
         LEFT JOIN customers u ON u.id = g.customer_id
         WHERE g.valid_upto >= $1 AND g.valid_upto <= $1::date + 90 AND g.balance > 0
         ORDER BY g.valid_upto, g.id",
    )
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

/// Breakage by month of expiry, newest month first, per company.
pub fn breakage(conn: &mut PgConnection, day: NaiveDate) -> QueryResult<Vec<BreakageRow>> {
    diesel::sql_query(format!(
        "SELECT c.name AS company, g.currency_code,
                date_trunc('month', g.valid_upto)::date AS month,
                count(*) AS cards, sum({BREAKAGE}) AS breakage
         FROM gift_cards g JOIN companies c ON c.id = g.company_id
         WHERE g.valid_upto < $1 AND {BREAKAGE} > 0
         GROUP BY c.name, g.company_id, g.currency_code, 3
         ORDER BY c.name, g.company_id, 3 DESC"
    ))
    .bind::<Date, _>(day)
    .load(conn)
}

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
            row("A", 0, 5),
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
