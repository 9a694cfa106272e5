//! The customer change feed tills sync from: whole records in `change_seq` order after a cursor.
//! Before reading, the pending changes are numbered (see `db::sequence_changes`), so that a read
//! sees every change committed before it and its cursor never skips one.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{
    BigInt, Bool, Date, Nullable, Numeric, Text, Timestamptz, Uuid as SqlUuid,
};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::web::till::feed::Cursor;

/// A customer as tills receive it: names instead of internal ids.
#[derive(Debug, Clone, QueryableByName, Serialize, PartialEq, ToSchema)]
pub struct CustomerRecord {
    /// The customer's uuid (the id tills use).
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    /// `CUST-00042`.
    #[diesel(sql_type = Text)]
    pub code: String,
    /// First Name.
    #[diesel(sql_type = Text)]
    pub first_name: String,
    /// Last Name.
    #[diesel(sql_type = Text)]
    pub last_name: String,
    /// Customer Group's name.
    #[diesel(sql_type = Text)]
    pub customer_group: String,
    /// Territory's name.
    #[diesel(sql_type = Text)]
    pub territory: String,
    /// Tax Id.
    #[diesel(sql_type = Text)]
    pub tax_id: String,
    /// Mobile.
    #[diesel(sql_type = Text)]
    pub mobile: String,
    /// Email.
    #[diesel(sql_type = Text)]
    pub email: String,
    /// Website.
    #[diesel(sql_type = Text)]
    pub website: String,
    /// Address Line 1.
    #[diesel(sql_type = Text)]
    pub address_line1: String,
    /// Address Line 2.
    #[diesel(sql_type = Text)]
    pub address_line2: String,
    /// City.
    #[diesel(sql_type = Text)]
    pub city: String,
    /// Postcode.
    #[diesel(sql_type = Text)]
    pub postcode: String,
    /// ISO country code.
    #[diesel(sql_type = Nullable<Text>)]
    pub country_code: Option<String>,
    /// Birthday.
    #[diesel(sql_type = Nullable<Date>)]
    pub birthday: Option<NaiveDate>,
    /// Gender.
    #[diesel(sql_type = Text)]
    pub gender: String,
    /// Credit limit (a string in JSON, like every amount).
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String, format = "decimal")]
    pub credit_limit: Decimal,
    /// Code of the store that created it; none for HQ.
    #[diesel(sql_type = Nullable<Text>)]
    pub origin_store: Option<String>,
    /// Deactivated customers come through the feed too, so that tills hide them.
    #[diesel(sql_type = Bool)]
    pub active: bool,
    /// The customer this one was merged into (its uuid), so that tills can follow.
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub merged_into: Option<Uuid>,
    /// Created.
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// Last changed.
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: DateTime<Utc>,
    /// Position in the feed.
    #[diesel(sql_type = BigInt)]
    pub change_seq: i64,
}

/// The SELECT list and joins of a `CustomerRecord`, for queries that add their own WHERE.
pub const RECORD_SELECT: &str = "SELECT c.uuid AS id, c.code, c.first_name, c.last_name,
        g.name AS customer_group, t.name AS territory, c.tax_id, c.mobile, c.email, c.website,
        c.address_line1, c.address_line2, c.city, c.postcode, c.country_code, c.birthday, c.gender,
        c.credit_limit, s.code AS origin_store, c.active, m.uuid AS merged_into, c.created_at,
        c.updated_at, coalesce(c.change_seq, 0) AS change_seq
    FROM customers c
    JOIN customer_groups g ON g.id = c.customer_group_id
    JOIN territories t ON t.id = c.territory_id
    LEFT JOIN stores s ON s.id = c.origin_store_id
    LEFT JOIN customers m ON m.id = c.merged_into_id";

/// One page of the feed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = CustomerFeed)]
pub struct FeedPage {
    /// Customers changed after the cursor, in feed order.
    pub customers: Vec<CustomerRecord>,
    /// The cursor for the next call: the last `change_seq` given (or the one asked with).
    pub next: i64,
    /// Whether more changes wait past this page.
    pub has_more: bool,
}

/// The page of customers changed after `cursor`, numbering pending changes first.
pub fn changes(conn: &mut PgConnection, cursor: Cursor) -> QueryResult<FeedPage> {
    crate::db::sequence_changes(conn)?;
    let rows: Vec<CustomerRecord> = diesel::sql_query(format!(
        "{RECORD_SELECT} WHERE c.change_seq > $1 ORDER BY c.change_seq LIMIT $2"
    ))
    .bind::<BigInt, _>(cursor.after)
    .bind::<BigInt, _>(cursor.fetch())
    .load(conn)?;
    let (customers, next, has_more) = cursor.page(rows, |c| c.change_seq);
    Ok(FeedPage {
        customers,
        next,
        has_more,
    })
}
