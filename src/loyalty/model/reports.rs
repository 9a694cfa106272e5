//! The loyalty reports' queries (reports.view): what the points outstanding are worth per
//! program, the points that expire in the next 30/60/90 days, and how many members each tier
//! holds. Balances are sums of the ledger, never stored: an entry counts through its expiry day.
//! Liability and expiry read one program's range of `loyalty_entries_program_expiry_idx` each,
//! from the index alone, so expired entries are never read.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Numeric, Text};
use patron_rules::Currency;
use rust_decimal::Decimal;

use crate::web::stream::csv_bytes;

/// The windows of the expiring report, in days from today.
pub const WINDOWS: [i64; 3] = [30, 60, 90];

/// A program as the reports name it: the columns `HEAD` selects.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct ProgramHead {
    /// Program id.
    #[diesel(sql_type = BigInt)]
    pub program_id: i64,
    /// Program Name.
    #[diesel(sql_type = Text)]
    pub program: String,
    /// Whether the program is active.
    #[diesel(sql_type = Bool)]
    pub active: bool,
    /// Company id.
    #[diesel(sql_type = BigInt)]
    pub company_id: i64,
    /// Company name.
    #[diesel(sql_type = Text)]
    pub company: String,
    /// Money value of one point.
    #[diesel(sql_type = Numeric)]
    pub conversion_factor: Decimal,
}

/// The columns of `ProgramHead`, over `loyalty_programs p JOIN companies c`.
const HEAD: &str = "p.id AS program_id, p.name AS program, p.active, p.company_id, \
                    c.name AS company, p.conversion_factor";

/// What one program's outstanding points are worth.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct LiabilityRow {
    /// The program.
    #[diesel(embed)]
    pub head: ProgramHead,
    /// Members enrolled in the program now.
    #[diesel(sql_type = BigInt)]
    pub members: i64,
    /// Points that have not expired on the day asked.
    #[diesel(sql_type = BigInt)]
    pub points: i64,
}

/// Every program with its members and the points that count on `day` (expiry NULL or on or
/// after `day`), by company and program name.
pub fn liability(conn: &mut PgConnection, day: NaiveDate) -> QueryResult<Vec<LiabilityRow>> {
    // Two range scans per program rather than one with an OR, so that each is an index-only
    // range of (program_id, expiry_date).
    diesel::sql_query(format!(
        "SELECT {HEAD},
                (SELECT count(*) FROM loyalty_members m WHERE m.program_id = p.id) AS members,
                (coalesce((SELECT sum(e.points) FROM loyalty_point_entries e
                           WHERE e.program_id = p.id AND e.expiry_date IS NULL), 0)
                 + coalesce((SELECT sum(e.points) FROM loyalty_point_entries e
                             WHERE e.program_id = p.id AND e.expiry_date >= $1), 0))::bigint AS points
         FROM loyalty_programs p JOIN companies c ON c.id = p.company_id
         ORDER BY c.name, p.name, p.id"
    ))
    .bind::<Date, _>(day)
    .load(conn)
}

/// The money value of `points` at `factor`, rounded in `currency` (half away from zero).
pub fn value(points: i64, factor: Decimal, currency: &Currency) -> Decimal {
    currency.round(Decimal::from(points) * factor)
}

/// One program's points that expire soon.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct ExpiringRow {
    /// The program.
    #[diesel(embed)]
    pub head: ProgramHead,
    /// Points expiring from the day asked through 30 days later.
    #[diesel(sql_type = BigInt)]
    pub within_30: i64,
    /// ... through 60 days later.
    #[diesel(sql_type = BigInt)]
    pub within_60: i64,
    /// ... through 90 days later.
    #[diesel(sql_type = BigInt)]
    pub within_90: i64,
}

impl ExpiringRow {
    /// The three windows' points, in `WINDOWS` order.
    pub fn points(&self) -> [i64; 3] {
        [self.within_30, self.within_60, self.within_90]
    }
}

/// Per program, the points of entries whose expiry date falls between `day` and `day` + 30,
/// 60 and 90 days (both ends included). Draws carry their credit's expiry date, so each sum is
/// what is still to expire: credited less already redeemed.
pub fn expiring(conn: &mut PgConnection, day: NaiveDate) -> QueryResult<Vec<ExpiringRow>> {
    diesel::sql_query(format!(
        "SELECT {HEAD},
                coalesce(x.within_30, 0)::bigint AS within_30,
                coalesce(x.within_60, 0)::bigint AS within_60,
                coalesce(x.within_90, 0)::bigint AS within_90
         FROM loyalty_programs p JOIN companies c ON c.id = p.company_id
         CROSS JOIN LATERAL (
             SELECT sum(e.points) FILTER (WHERE e.expiry_date <= $1::date + 30) AS within_30,
                    sum(e.points) FILTER (WHERE e.expiry_date <= $1::date + 60) AS within_60,
                    sum(e.points) AS within_90
             FROM loyalty_point_entries e
             WHERE e.program_id = p.id AND e.expiry_date BETWEEN $1::date AND $1::date + 90) x
         ORDER BY c.name, p.name, p.id"
    ))
    .bind::<Date, _>(day)
    .load(conn)
}

/// How many members one tier holds.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct TierRow {
    /// Program id.
    #[diesel(sql_type = BigInt)]
    pub program_id: i64,
    /// Program Name.
    #[diesel(sql_type = Text)]
    pub program: String,
    /// Company id.
    #[diesel(sql_type = BigInt)]
    pub company_id: i64,
    /// Company name.
    #[diesel(sql_type = Text)]
    pub company: String,
    /// Tier Name.
    #[diesel(sql_type = Text)]
    pub tier: String,
    /// Min Spent.
    #[diesel(sql_type = Numeric)]
    pub min_spent: Decimal,
    /// Members whose spend in the program puts them in this tier.
    #[diesel(sql_type = BigInt)]
    pub members: i64,
}

/// Every tier of every program with its members: a member's tier is the highest whose Min Spent
/// is at most their spend in the program (the sum of their entries' purchase amounts; 0 without
/// entries), the lowest when none is (as `rules::tier_for`). By company, program, Min Spent.
pub fn members_per_tier(conn: &mut PgConnection) -> QueryResult<Vec<TierRow>> {
    diesel::sql_query(
        "WITH ranged AS (
             SELECT t.program_id, t.name, t.min_spent,
                    CASE WHEN row_number() OVER w = 1 THEN NULL ELSE t.min_spent END AS lo,
                    lead(t.min_spent) OVER w AS hi
             FROM loyalty_tiers t
             WINDOW w AS (PARTITION BY t.program_id ORDER BY t.min_spent)),
         spend AS (
             SELECT m.program_id, coalesce(s.spent, 0) AS spent
             FROM loyalty_members m
             LEFT JOIN (SELECT customer_id, program_id, sum(purchase_amount) AS spent
                        FROM loyalty_point_entries GROUP BY customer_id, program_id) s
                    ON s.customer_id = m.customer_id AND s.program_id = m.program_id)
         SELECT r.program_id, p.name AS program, p.company_id, c.name AS company, r.name AS tier,
                r.min_spent, count(s.program_id) AS members
         FROM ranged r
         JOIN loyalty_programs p ON p.id = r.program_id
         JOIN companies c ON c.id = p.company_id
         LEFT JOIN spend s ON s.program_id = r.program_id
                          AND (r.lo IS NULL OR s.spent >= r.lo)
                          AND (r.hi IS NULL OR s.spent < r.hi)
         GROUP BY r.program_id, p.name, p.company_id, c.name, r.name, r.min_spent
         ORDER BY c.name, p.name, r.program_id, r.min_spent",
    )
    .load(conn)
}

/// The currencies of the companies shown, each read once.
#[derive(Debug, Default)]
pub struct CompanyCurrencies(Vec<(i64, Currency)>);

impl CompanyCurrencies {
    /// Company `id`'s currency.
    pub fn get(&mut self, conn: &mut PgConnection, id: i64) -> QueryResult<Currency> {
        if let Some((_, found)) = self.0.iter().find(|(company, _)| *company == id) {
            return Ok(found.clone());
        }
        let currency = crate::stores::model::company_currency(conn, id)?;
        self.0.push((id, currency.clone()));
        Ok(currency)
    }
}

/// One currency's total of the liability report.
#[derive(Debug, Clone, PartialEq)]
pub struct Total {
    /// The currency.
    pub currency: Currency,
    /// Members of its programs.
    pub members: i64,
    /// Points outstanding in its programs.
    pub points: i64,
    /// The sum of its programs' (rounded) liabilities.
    pub liability: Decimal,
}

/// Totals per currency, in the order the currencies first appear: the sum of the rounded
/// liabilities, so that a column adds up to its total.
pub fn totals(rows: &[(LiabilityRow, Currency)]) -> Vec<Total> {
    let mut totals: Vec<Total> = Vec::new();
    for (row, currency) in rows {
        let amount = value(row.points, row.head.conversion_factor, currency);
        match totals.iter_mut().find(|t| t.currency.code == currency.code) {
            Some(total) => {
                total.members += row.members;
                total.points += row.points;
                total.liability += amount;
            }
            None => totals.push(Total {
                currency: currency.clone(),
                members: row.members,
                points: row.points,
                liability: amount,
            }),
        }
    }
    totals
}

/// Bar lengths (0 to `full`) for `counts`, the largest count full length; all 0 when every
/// count is 0.
pub fn bar_lengths(counts: &[i64], full: i64) -> Vec<i64> {
    let max = counts.iter().copied().max().unwrap_or(0);
    counts
        .iter()
        .map(|&n| if max <= 0 { 0 } else { n.max(0) * full / max })
        .collect()
}

/// `part` of `whole` as a percentage with one decimal ("59.9%"); "0.0%" of nothing.
pub fn share(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "0.0%".into();
    }
    let tenths = (Decimal::from(part) * Decimal::from(1000) / Decimal::from(whole))
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!("{:.1}%", tenths / Decimal::TEN)
}

/// Columns of the liability CSV.
pub const LIABILITY_COLUMNS: [&str; 8] = [
    "Program",
    "Company",
    "Currency",
    "Members",
    "Points Outstanding",
    "Conversion Factor",
    "Liability",
    "Active",
];

/// The liability report as CSV: amounts rounded to their currency without symbols.
pub fn liability_csv(rows: &[(LiabilityRow, Currency)]) -> Result<Vec<u8>, csv::Error> {
    csv_bytes(
        &LIABILITY_COLUMNS,
        rows.iter()
            .map(|(row, currency)| {
                vec![
                    row.head.program.clone(),
                    row.head.company.clone(),
                    currency.code.clone(),
                    row.members.to_string(),
                    row.points.to_string(),
                    row.head.conversion_factor.normalize().to_string(),
                    value(row.points, row.head.conversion_factor, currency).to_string(),
                    yes_no(row.head.active).to_owned(),
                ]
            })
            .collect(),
    )
}

/// Columns of the expiring CSV.
pub const EXPIRING_COLUMNS: [&str; 9] = [
    "Program",
    "Company",
    "Currency",
    "Points Expiring In 30 Days",
    "Points Expiring In 60 Days",
    "Points Expiring In 90 Days",
    "Value Expiring In 30 Days",
    "Value Expiring In 60 Days",
    "Value Expiring In 90 Days",
];

/// The expiring report as CSV.
pub fn expiring_csv(rows: &[(ExpiringRow, Currency)]) -> Result<Vec<u8>, csv::Error> {
    csv_bytes(
        &EXPIRING_COLUMNS,
        rows.iter()
            .map(|(row, currency)| {
                let mut record = vec![
                    row.head.program.clone(),
                    row.head.company.clone(),
                    currency.code.clone(),
                ];
                record.extend(row.points().iter().map(ToString::to_string));
                record.extend(
                    row.points()
                        .iter()
                        .map(|p| value(*p, row.head.conversion_factor, currency).to_string()),
                );
                record
            })
            .collect(),
    )
}

/// Columns of the members-per-tier CSV.
pub const TIER_COLUMNS: [&str; 5] = ["Program", "Company", "Tier", "Min Spent", "Members"];

/// The members-per-tier report as CSV.
pub fn tiers_csv(rows: &[TierRow]) -> Result<Vec<u8>, csv::Error> {
    csv_bytes(
        &TIER_COLUMNS,
        rows.iter()
            .map(|row| {
                vec![
                    row.program.clone(),
                    row.company.clone(),
                    row.tier.clone(),
                    row.min_spent.normalize().to_string(),
                    row.members.to_string(),
                ]
            })
            .collect(),
    )
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "Yes" } else { "No" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn row(program: &str, members: i64, points: i64, factor: &str) -> LiabilityRow {
        LiabilityRow {
            head: ProgramHead {
                program_id: 1,
                program: program.into(),
                active: true,
                company_id: 1,
                company: "Acme".into(),
                conversion_factor: d(factor),
            },
            members,
            points,
        }
    }

    fn kwd() -> Currency {
        Currency {
            code: "KWD".into(),
            minor_unit: 3,
            symbol: String::new(),
        }
    }

    #[test]
    fn a_liability_is_rounded_half_away_from_zero_in_its_currency() {
        assert_eq!(value(1_235, d("0.005"), &Currency::usd()), d("6.18"));
        assert_eq!(value(-1_235, d("0.005"), &Currency::usd()), d("-6.18"));
        assert_eq!(value(1_235, d("0.0005"), &kwd()), d("0.618"));
        assert_eq!(value(0, d("0.01"), &Currency::usd()), d("0"));
    }

    #[test]
    fn totals_add_the_rounded_liabilities_per_currency() {
        let rows = vec![
            (row("A", 2, 1_235, "0.005"), Currency::usd()),
            (row("B", 3, 1_235, "0.005"), Currency::usd()),
            (row("C", 1, 1_000, "0.0005"), kwd()),
        ];
        let totals = totals(&rows);
        assert_eq!(totals.len(), 2);
        assert_eq!(
            (totals[0].members, totals[0].points, totals[0].liability),
            (5, 2_470, d("12.36"))
        );
        assert_eq!(totals[1].currency.code, "KWD");
        assert_eq!(totals[1].liability, d("0.500"));
    }

    #[test]
    fn bars_and_shares_are_relative() {
        assert_eq!(bar_lengths(&[0, 5, 10], 240), [0, 120, 240]);
        assert_eq!(bar_lengths(&[0, 0], 240), [0, 0]);
        assert_eq!(bar_lengths(&[1, 3], 100), [33, 100]);
        assert_eq!(share(1, 3), "33.3%");
        assert_eq!(share(2, 3), "66.7%");
        assert_eq!(share(5, 5), "100.0%");
        assert_eq!(share(0, 0), "0.0%");
    }

    #[test]
    fn the_csv_has_a_header_and_one_line_per_program() {
        let rows = vec![(row("Gold, \"Plus\"", 2, 1_235, "0.005"), Currency::usd())];
        let text = String::from_utf8(liability_csv(&rows).unwrap()).unwrap();
        assert_eq!(
            text,
            "Program,Company,Currency,Members,Points Outstanding,Conversion Factor,Liability,Active\n\
             \"Gold, \"\"Plus\"\"\",Acme,USD,2,1235,0.005,6.18,Yes\n"
        );
    }
}
