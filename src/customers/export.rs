//! The customer CSV: the columns of the import, so that export -> import is lossless. Streamed in
//! keyset-paged chunks from a blocking task, so memory stays flat however many customers match.

use actix_web::web::Bytes;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Nullable, Numeric, Text, Uuid as SqlUuid};

use super::model::ListFilter;
use crate::web::csv_file::CsvFile;

/// Column headers, in order: the field labels people know from the form.
pub const COLUMNS: [&str; 21] = [
    "Customer Code",
    "First Name",
    "Last Name",
    "Customer Group",
    "Territory",
    "Tax Id",
    "Mobile Number",
    "Email",
    "Website",
    "Address Line 1",
    "Address Line 2",
    "City",
    "Postcode",
    "Country",
    "Birthday",
    "Gender",
    "Internal Notes",
    "Credit Limit",
    "Origin Store",
    "Status",
    "UUID",
];

/// One exported customer.
#[derive(Debug, QueryableByName)]
pub struct ExportRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    first_name: String,
    #[diesel(sql_type = Text)]
    last_name: String,
    #[diesel(sql_type = Text)]
    group_name: String,
    #[diesel(sql_type = Text)]
    territory_name: String,
    #[diesel(sql_type = Text)]
    tax_id: String,
    #[diesel(sql_type = Text)]
    mobile: String,
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Text)]
    website: String,
    #[diesel(sql_type = Text)]
    address_line1: String,
    #[diesel(sql_type = Text)]
    address_line2: String,
    #[diesel(sql_type = Text)]
    city: String,
    #[diesel(sql_type = Text)]
    postcode: String,
    #[diesel(sql_type = Nullable<Text>)]
    country_code: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    birthday: Option<chrono::NaiveDate>,
    #[diesel(sql_type = Text)]
    gender: String,
    #[diesel(sql_type = Text)]
    notes: String,
    #[diesel(sql_type = Numeric)]
    credit_limit: rust_decimal::Decimal,
    #[diesel(sql_type = Nullable<Text>)]
    store_code: Option<String>,
    #[diesel(sql_type = Bool)]
    active: bool,
    #[diesel(sql_type = SqlUuid)]
    uuid: uuid::Uuid,
}

impl ExportRow {
    fn record(&self) -> [String; 21] {
        [
            self.code.clone(),
            self.first_name.clone(),
            self.last_name.clone(),
            self.group_name.clone(),
            self.territory_name.clone(),
            self.tax_id.clone(),
            self.mobile.clone(),
            self.email.clone(),
            self.website.clone(),
            self.address_line1.clone(),
            self.address_line2.clone(),
            self.city.clone(),
            self.postcode.clone(),
            self.country_code.clone().unwrap_or_default(),
            self.birthday.map(|d| d.to_string()).unwrap_or_default(),
            self.gender.clone(),
            self.notes.clone(),
            self.credit_limit.normalize().to_string(),
            self.store_code.clone().unwrap_or_default(),
            if self.active { "Active" } else { "Deactivated" }.to_owned(),
            self.uuid.to_string(),
        ]
    }
}

/// Customers matching `filter` after id `after`, by id, `limit` of them.
pub fn page(
    conn: &mut PgConnection,
    filter: &ListFilter,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<ExportRow>> {
    let mut sql = super::model::filtered_sql(
        "SELECT c.id, c.code, c.first_name, c.last_name, g.name AS group_name, \
         t.name AS territory_name, c.tax_id, c.mobile, c.email, c.website, c.address_line1, \
         c.address_line2, c.city, c.postcode, c.country_code, c.birthday, c.gender, c.notes, \
         c.credit_limit, s.code AS store_code, c.active, c.uuid \
         FROM customers c JOIN customer_groups g ON g.id = c.customer_group_id \
         JOIN territories t ON t.id = c.territory_id \
         LEFT JOIN stores s ON s.id = c.origin_store_id",
        filter,
    );
    sql.and_id_after(after, limit);
    sql.load(conn)
}

/// Writes `rows` as CSV (with the header when `header` is set).
pub fn to_csv(rows: &[ExportRow], header: bool) -> Result<Bytes, csv::Error> {
    let mut file = CsvFile::new();
    if header {
        file.row(COLUMNS)?;
    }
    for row in rows {
        file.row(row.record())?;
    }
    Ok(Bytes::from(file.bytes()?))
}

/// The id to continue after.
pub fn last_id(rows: &[ExportRow]) -> Option<i64> {
    rows.last().map(|r| r.id)
}
