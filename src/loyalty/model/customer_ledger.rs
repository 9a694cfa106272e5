//! One customer's points ledger as people read it: every entry, oldest first, with the running
//! balance (the cumulative sum of points in posting date, id order, per program), keyset paged
//! on (posting_date, id); and the balance that counts today (entries not yet expired).

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Numeric, Text, Uuid as SqlUuid};
use rust_decimal::Decimal;
use uuid::Uuid;

/// One entry of the ledger with the balance after it.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct LedgerRow {
    /// Entry id (the cursor with `posting_date`).
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// Program id.
    #[diesel(sql_type = BigInt)]
    pub program_id: i64,
    /// Program Name.
    #[diesel(sql_type = Text)]
    pub program: String,
    /// Company of the program.
    #[diesel(sql_type = BigInt)]
    pub company_id: i64,
    /// earn, redeem, expire, adjust, bonus or reversal.
    #[diesel(sql_type = Text)]
    pub kind: String,
    /// Points, negative when taken away.
    #[diesel(sql_type = BigInt)]
    pub points: i64,
    /// The purchase that earned them.
    #[diesel(sql_type = Numeric)]
    pub purchase_amount: Decimal,
    /// Tier at the time.
    #[diesel(sql_type = Nullable<Text>)]
    pub tier: Option<String>,
    /// Posting date.
    #[diesel(sql_type = Date)]
    pub posting_date: NaiveDate,
    /// Last day the points count.
    #[diesel(sql_type = Nullable<Date>)]
    pub expiry_date: Option<NaiveDate>,
    /// Why (adjustments, opening balances).
    #[diesel(sql_type = Text)]
    pub reason: String,
    /// Who or what wrote it.
    #[diesel(sql_type = Text)]
    pub created_by: String,
    /// The invoice's uuid.
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub invoice_uuid: Option<Uuid>,
    /// The invoice's number.
    #[diesel(sql_type = Nullable<Text>)]
    pub invoice_number: Option<String>,
    /// The invoice's store.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub invoice_store_id: Option<i64>,
    /// Balance in the program after this entry.
    #[diesel(sql_type = BigInt)]
    pub balance: i64,
}

impl LedgerRow {
    /// The `after` value that pages past this row ("2026-11-20,42").
    pub fn cursor(&self) -> String {
        format!("{},{}", self.posting_date.format("%Y-%m-%d"), self.id)
    }
}

/// Reads an `after` cursor ("2026-11-20,42"); anything else is the first page.
pub fn parse_cursor(raw: &str) -> Option<(NaiveDate, i64)> {
    let (day, id) = raw.trim().split_once(',')?;
    Some((
        NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?,
        id.parse().ok()?,
    ))
}

/// The label people know for an entry's kind.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "earn" => "Earned",
        "redeem" => "Redeemed",
        "expire" => "Expired",
        "adjust" => "Adjustment",
        "bonus" => "Bonus",
        "reversal" => "Reversal",
        _ => "Other",
    }
}

/// Up to `limit` entries of customer `customer_id` after `after` (posting date, id), oldest
/// first, each with the balance of its program after it. With `backward`, the entries before
/// `after`, newest first (the "Previous" page, which the caller turns round).
pub fn page(
    conn: &mut PgConnection,
    customer_id: i64,
    after: Option<(NaiveDate, i64)>,
    backward: bool,
    limit: i64,
) -> QueryResult<Vec<LedgerRow>> {
    let (beyond, order) = if backward {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    // The window runs over all of the customer's entries, then the page is cut from it, so the
    // balance of a later page carries everything before it.
    diesel::sql_query(format!(
        "SELECT x.* FROM (
             SELECT e.id, e.program_id, p.name AS program, e.company_id, e.kind, e.points,
                    e.purchase_amount, e.tier, e.posting_date, e.expiry_date, e.reason,
                    e.created_by, i.uuid AS invoice_uuid, i.number AS invoice_number,
                    i.store_id AS invoice_store_id,
                    (sum(e.points) OVER (PARTITION BY e.program_id
                                         ORDER BY e.posting_date, e.id))::bigint AS balance
             FROM loyalty_point_entries e
             JOIN loyalty_programs p ON p.id = e.program_id
             LEFT JOIN invoices i ON i.id = e.invoice_id
             WHERE e.customer_id = $1) x
         WHERE $2::date IS NULL OR (x.posting_date, x.id) {beyond} ($2::date, $3)
         ORDER BY x.posting_date {order}, x.id {order}
         LIMIT $4"
    ))
    .bind::<BigInt, _>(customer_id)
    .bind::<Nullable<Date>, _>(after.map(|(day, _)| day))
    .bind::<BigInt, _>(after.map_or(0, |(_, id)| id))
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// A program the customer is in or has points in, with their balance today.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct ProgramBalance {
    /// Program id.
    #[diesel(sql_type = BigInt)]
    pub program_id: i64,
    /// Program Name.
    #[diesel(sql_type = Text)]
    pub program: String,
    /// Company of the program.
    #[diesel(sql_type = BigInt)]
    pub company_id: i64,
    /// Money value of one point.
    #[diesel(sql_type = Numeric)]
    pub conversion_factor: Decimal,
    /// Points that count on the day asked.
    #[diesel(sql_type = BigInt)]
    pub balance: i64,
    /// Entries in the program.
    #[diesel(sql_type = BigInt)]
    pub entries: i64,
    /// Whether the customer is enrolled in it now.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub enrolled: bool,
}

/// The programs customer `customer_id` is enrolled in or has entries in, with the points that
/// count on `day`, by name.
pub fn balances(
    conn: &mut PgConnection,
    customer_id: i64,
    day: NaiveDate,
) -> QueryResult<Vec<ProgramBalance>> {
    diesel::sql_query(
        "WITH mine AS (
             SELECT program_id,
                    sum(points) FILTER (WHERE expiry_date IS NULL OR expiry_date >= $2) AS balance,
                    count(*) AS entries
             FROM loyalty_point_entries WHERE customer_id = $1 GROUP BY program_id),
         enrolled AS (SELECT program_id FROM loyalty_members WHERE customer_id = $1)
         SELECT p.id AS program_id, p.name AS program, p.company_id, p.conversion_factor,
                coalesce(mine.balance, 0)::bigint AS balance, coalesce(mine.entries, 0) AS entries,
                EXISTS (SELECT 1 FROM enrolled WHERE enrolled.program_id = p.id) AS enrolled
         FROM loyalty_programs p LEFT JOIN mine ON mine.program_id = p.id
         WHERE mine.program_id IS NOT NULL OR p.id IN (SELECT program_id FROM enrolled)
         ORDER BY p.name, p.id",
    )
    .bind::<BigInt, _>(customer_id)
    .bind::<Date, _>(day)
    .load(conn)
}

/// Columns of the ledger CSV.
pub const COLUMNS: [&str; 12] = [
    "Posting Date",
    "Program",
    "Kind",
    "Invoice",
    "Currency",
    "Purchase Amount",
    "Points",
    "Balance",
    "Tier",
    "Expiry Date",
    "Reason",
    "Created By",
];

/// `rows` as CSV records (with the header when `header` is set); `currency` gives each
/// program's company currency code and rounds amounts, without symbols.
pub fn to_csv(
    rows: &[(LedgerRow, patron_rules::Currency)],
    header: bool,
) -> Result<Vec<u8>, csv::Error> {
    let mut file = crate::web::csv_file::CsvFile::new();
    if header {
        file.row(COLUMNS)?;
    }
    for (row, currency) in rows {
        file.row([
            row.posting_date.format("%Y-%m-%d").to_string(),
            row.program.clone(),
            kind_label(&row.kind).to_owned(),
            row.invoice_number.clone().unwrap_or_default(),
            currency.code.clone(),
            currency.round(row.purchase_amount).to_string(),
            row.points.to_string(),
            row.balance.to_string(),
            row.tier.clone().unwrap_or_default(),
            row.expiry_date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            row.reason.clone(),
            row.created_by.clone(),
        ])?;
    }
    file.bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(parse_cursor("2026-11-20,42"), Some((day, 42)));
        assert_eq!(parse_cursor("2026-11-20"), None);
        assert_eq!(parse_cursor("yesterday,4"), None);
        assert_eq!(parse_cursor(""), None);
    }

    #[test]
    fn kinds_read_as_people_say_them() {
        let labels: Vec<&str> = ["earn", "redeem", "expire", "adjust", "bonus", "reversal"]
            .iter()
            .map(|k| kind_label(k))
            .collect();
        assert_eq!(
            labels,
            [
                "Earned",
                "Redeemed",
                "Expired",
                "Adjustment",
                "Bonus",
                "Reversal"
            ]
        );
    }
}
