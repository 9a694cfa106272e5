//! The liability report's one pass over the whole ledger (reports.view): every card's figures at
//! the close of the report's day, summed by company and month of issue (the company's month).
//! The By month of issue section shows these rows; the Outstanding totals and the Movements
//! from the month's first day through the report's day are their sums per company (`totals`).

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Numeric};
use patron_rules::gift_cards::liability::Movements;
use rust_decimal::Decimal;

use super::report::{Company, Whose, bounds, whose};

/// The cards of one company issued in one month, at the close of the report's day.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct MonthRow {
    /// Whose.
    #[diesel(embed)]
    pub head: Company,
    /// The month's first day (the company's month).
    #[diesel(sql_type = Date)]
    pub month: NaiveDate,
    /// Cards issued that month.
    #[diesel(sql_type = BigInt)]
    pub cards: i64,
    /// Their Initial Values.
    #[diesel(sql_type = Numeric)]
    pub issued: Decimal,
    /// Those still owed: not expired at the day's close.
    #[diesel(sql_type = BigInt)]
    pub owed_cards: i64,
    /// What those hold.
    #[diesel(sql_type = Numeric)]
    pub outstanding: Decimal,
    /// Expired ones that held something when they expired.
    #[diesel(sql_type = BigInt)]
    pub expired_cards: i64,
    /// What the expired ones held: breakage.
    #[diesel(sql_type = Numeric)]
    pub breakage: Decimal,
    /// Their part of the month's movements (`Movements::closing` is `outstanding`).
    #[diesel(embed)]
    pub moved: Moved,
}

whose!(MonthRow);

/// A month of issue's part in the movements from the first day of the report's month.
#[derive(Debug, Clone, Default, PartialEq, QueryableByName)]
pub struct Moved {
    /// Owed at the close of the day before the month.
    #[diesel(sql_type = Numeric)]
    pub opening: Decimal,
    /// Initial values issued in the month.
    #[diesel(sql_type = Numeric)]
    pub new_cards: Decimal,
    /// Top-ups.
    #[diesel(sql_type = Numeric)]
    pub topped_up: Decimal,
    /// Paid with cards (positive), net of cancelled sales.
    #[diesel(sql_type = Numeric)]
    pub spent: Decimal,
    /// Refunded onto cards, net of cancelled returns.
    #[diesel(sql_type = Numeric)]
    pub refunded: Decimal,
    /// Adjustments, signed.
    #[diesel(sql_type = Numeric)]
    pub adjusted: Decimal,
    /// What expired (positive).
    #[diesel(sql_type = Numeric)]
    pub expired: Decimal,
}

/// Cards issued by the close of `day` by company and month of issue, oldest month first, with
/// their part in the movements from `from` (the first day of `day`'s month) through `day`.
///
/// A card counts as owed at a day's close while its Valid Upto is later. Only cards still owed
/// when the month began take part in the movements: one expired before is breakage already,
/// whatever its ledger does later. A reversal counts with the entry it undoes (`counts_as`), so a
/// sale cancelled in the month it was made leaves Spent as if it never happened, and one cancelled
/// later gives back then. Expired is, for a card whose Valid Upto fell in the month, its opening
/// balance plus what the month's entries did to it apart from the expiry run's write-off: what it
/// held when it expired; the write-off itself moves no liability (the card stopped being owed at
/// its Valid Upto), unless it hit a card owed again later (its Valid Upto moved on). So the
/// opening plus the movements is the closing balance, card by card.
pub fn by_month(
    conn: &mut PgConnection,
    from: NaiveDate,
    day: NaiveDate,
) -> QueryResult<Vec<MonthRow>> {
    diesel::sql_query(format!(
        "WITH entries AS (
             SELECT e.card_id, e.amount, e.kind, e.created_at,
                    CASE WHEN e.kind = 'reversal'
                         THEN (SELECT o.kind FROM gift_card_entries o WHERE o.id = e.reverses_id)
                         ELSE e.kind END AS counts_as
             FROM gift_card_entries e),
         cards AS (
             SELECT g.company_id, c.name AS company, g.currency_code, g.initial_value,
                    date_trunc('month', business_day(g.issued_at, c.time_zone))::date AS month,
                    (g.valid_upto IS NULL OR g.valid_upto > $2) AS owed,
                    (g.valid_upto IS NULL OR g.valid_upto >= $1) AS owed_before,
                    coalesce(sum(e.amount), 0) AS balance,
                    coalesce(sum(e.amount) FILTER (WHERE e.kind <> 'expiry'), 0) AS held,
                    coalesce(sum(e.amount) FILTER (WHERE e.created_at < c.opens), 0) AS opening,
                    coalesce(sum(e.amount) FILTER (WHERE e.created_at >= c.opens
                                                     AND e.counts_as = 'issue'), 0) AS new_cards,
                    coalesce(sum(e.amount) FILTER (WHERE e.created_at >= c.opens
                                                     AND e.counts_as = 'top_up'), 0) AS topped_up,
                    coalesce(sum(e.amount) FILTER (WHERE e.created_at >= c.opens
                                                     AND e.counts_as = 'redeem'), 0) AS redeemed,
                    coalesce(sum(e.amount) FILTER (WHERE e.created_at >= c.opens
                                                     AND e.counts_as = 'refund'), 0) AS refunded,
                    coalesce(sum(e.amount) FILTER (WHERE e.created_at >= c.opens
                                                     AND e.counts_as = 'adjustment'), 0) AS adjusted,
                    coalesce(sum(e.amount) FILTER (WHERE e.created_at >= c.opens
                                                     AND e.counts_as = 'expiry'), 0) AS written_off
             FROM gift_cards g JOIN (SELECT *, {} FROM companies) c ON c.id = g.company_id
             LEFT JOIN entries e ON e.card_id = g.id AND e.created_at < c.closes
             WHERE g.issued_at < c.closes
             GROUP BY g.id, c.id, c.name, c.time_zone, c.opens)
         SELECT company, currency_code, month, count(*) AS cards, sum(initial_value) AS issued,
                count(*) FILTER (WHERE owed) AS owed_cards,
                coalesce(sum(balance) FILTER (WHERE owed), 0) AS outstanding,
                count(*) FILTER (WHERE NOT owed AND held > 0) AS expired_cards,
                coalesce(sum(held) FILTER (WHERE NOT owed), 0) AS breakage,
                coalesce(sum(opening) FILTER (WHERE owed_before), 0) AS opening,
                coalesce(sum(new_cards) FILTER (WHERE owed_before), 0) AS new_cards,
                coalesce(sum(topped_up) FILTER (WHERE owed_before), 0) AS topped_up,
                coalesce(-sum(redeemed) FILTER (WHERE owed_before), 0) AS spent,
                coalesce(sum(refunded) FILTER (WHERE owed_before), 0) AS refunded,
                coalesce(sum(adjusted) FILTER (WHERE owed_before), 0) AS adjusted,
                coalesce(sum(opening + new_cards + topped_up + redeemed + refunded + adjusted)
                             FILTER (WHERE owed_before AND NOT owed), 0)
                  - coalesce(sum(written_off) FILTER (WHERE owed), 0) AS expired
         FROM cards
         GROUP BY company, company_id, currency_code, month
         ORDER BY company, company_id, month",
        bounds("$1", "$2")
    ))
    .bind::<Date, _>(from)
    .bind::<Date, _>(day)
    .load(conn)
}

/// A company's totals at the close of the report's day.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    /// Whose.
    pub head: Company,
    /// Cards owed.
    pub cards: i64,
    /// Expired cards that held something when they expired.
    pub expired_cards: i64,
    /// What those held: breakage.
    pub breakage: Decimal,
    /// From the month's opening balance to the closing one (what the cards owed hold).
    pub movements: Movements,
}

/// The months' rows summed per company, in their order.
pub fn totals(rows: &[MonthRow]) -> Vec<Totals> {
    let mut out: Vec<Totals> = Vec::new();
    for row in rows {
        let at = match out.iter().position(|t| t.head == row.head) {
            Some(at) => at,
            None => {
                out.push(Totals {
                    head: row.head.clone(),
                    cards: 0,
                    expired_cards: 0,
                    breakage: Decimal::ZERO,
                    movements: Movements::default(),
                });
                out.len() - 1
            }
        };
        let total = &mut out[at];
        total.cards += row.owed_cards;
        total.expired_cards += row.expired_cards;
        total.breakage += row.breakage;
        let (sum, part) = (&mut total.movements, &row.moved);
        sum.opening += part.opening;
        sum.issued += part.new_cards;
        sum.topped_up += part.topped_up;
        sum.spent += part.spent;
        sum.refunded += part.refunded;
        sum.adjusted += part.adjusted;
        sum.expired += part.expired;
        sum.closing += row.outstanding;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(company: &str, owed: i64, outstanding: i64, opening: i64, new_cards: i64) -> MonthRow {
        MonthRow {
            head: Company {
                company: company.into(),
                currency_code: "USD".into(),
            },
            month: "2026-11-01".parse().unwrap(),
            cards: owed + 1,
            issued: Decimal::from(new_cards),
            owed_cards: owed,
            outstanding: Decimal::from(outstanding),
            expired_cards: 1,
            breakage: Decimal::from(5),
            moved: Moved {
                opening: Decimal::from(opening),
                new_cards: Decimal::from(new_cards),
                spent: Decimal::from(opening + new_cards - outstanding),
                ..Moved::default()
            },
        }
    }

    #[test]
    fn each_company_sums_its_months() {
        let totals = totals(&[
            row("A", 2, 70, 100, 0),
            row("B", 1, 9, 0, 9),
            row("A", 1, 40, 0, 50),
        ]);
        assert_eq!(totals.len(), 2);
        let a = &totals[0];
        assert_eq!(
            (a.head.company.as_str(), a.cards, a.expired_cards),
            ("A", 3, 2)
        );
        assert_eq!(a.breakage, Decimal::from(10));
        assert_eq!(a.movements.opening, Decimal::from(100));
        assert_eq!(a.movements.issued, Decimal::from(50));
        assert_eq!(a.movements.spent, Decimal::from(40));
        assert_eq!(a.movements.closing, Decimal::from(110));
        assert!(a.movements.adds_up());
        assert_eq!(totals[1].movements.closing, Decimal::from(9));
    }
}
