//! The coupon list: one company's coupons newest first, searched by code (its start) or name
//! (anywhere), filtered by campaign, offer, type, status and how they were made (by hand unless
//! asked: a batch of 500 codes would push the hand-made ones pages back), paged by id.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Integer, Nullable, Text};
use serde::Deserialize;

use super::code_record::list::{self, ListQuery};

use patron_rules::coupons::{Coupon, CouponType, Status};
use patron_rules::keyset::Keyset;
use patron_rules::search::like_escape;

/// What the list is asked for.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListFilter {
    /// Code or name.
    pub q: String,
    /// Campaign id.
    pub campaign: String,
    /// Offer id.
    pub offer: String,
    /// promotional or gift_card.
    pub coupon_type: String,
    /// A `Status` value.
    pub status: String,
    /// Batch id (the batch page links its coupons).
    pub batch: String,
    /// Which coupons by how they were made: empty (made by hand: generated codes would bury
    /// them), `batch` (generated in batches) or `all`; a batch asked for shows its codes.
    pub made: String,
}

impl ListFilter {
    /// The filters as the list's links carry them.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("q", self.q.trim()),
            ("campaign", self.campaign.trim()),
            ("offer", self.offer.trim()),
            ("coupon_type", self.coupon_type.trim()),
            ("status", self.status.trim()),
            ("batch", self.batch.trim()),
            ("made", self.made.trim()),
        ]
    }
}

/// One coupon as the list shows it.
#[derive(Debug, Clone, QueryableByName)]
pub struct ListRow {
    /// Id.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// Code.
    #[diesel(sql_type = Text)]
    pub code: String,
    /// Coupon Name.
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Coupon Type as stored.
    #[diesel(sql_type = Text)]
    pub coupon_type: String,
    /// Its offer's id.
    #[diesel(sql_type = BigInt)]
    pub offer_id: i64,
    /// Its offer's current Title.
    #[diesel(sql_type = Text)]
    pub offer: String,
    /// Its campaign's name.
    #[diesel(sql_type = Nullable<Text>)]
    pub campaign: Option<String>,
    /// Valid From (none: the offer's).
    #[diesel(sql_type = Nullable<Date>)]
    pub valid_from: Option<NaiveDate>,
    /// Valid Upto (none: the offer's).
    #[diesel(sql_type = Nullable<Date>)]
    pub valid_upto: Option<NaiveDate>,
    /// The offer's Valid From.
    #[diesel(sql_type = Date)]
    pub offer_from: NaiveDate,
    /// The offer's Valid Upto.
    #[diesel(sql_type = Nullable<Date>)]
    pub offer_upto: Option<NaiveDate>,
    /// Maximum Use.
    #[diesel(sql_type = Integer)]
    pub maximum_use: i32,
    /// Used.
    #[diesel(sql_type = Integer)]
    pub used: i32,
    /// Disabled.
    #[diesel(sql_type = Bool)]
    pub disabled: bool,
    /// One Use.
    #[diesel(sql_type = Bool)]
    pub one_use: bool,
    /// Company.
    #[diesel(sql_type = BigInt)]
    pub company_id: i64,
    /// Gift card coupons' customer.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub customer_id: Option<i64>,
    /// The batch that generated it.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub batch_id: Option<i64>,
}

impl ListRow {
    /// The coupon as the validation chain reads it.
    pub fn coupon(&self) -> Coupon {
        Coupon {
            code: self.code.clone(),
            company_id: self.company_id,
            coupon_type: CouponType::from_stored(&self.coupon_type),
            valid_from: self.valid_from,
            valid_upto: self.valid_upto,
            maximum_use: self.maximum_use,
            used: self.used,
            disabled: self.disabled,
            customer_id: self.customer_id,
            one_use: self.one_use,
        }
    }

    /// Where it stands on `today`.
    pub fn status(&self, today: NaiveDate) -> Status {
        Status::of(&self.coupon(), self.offer_from, self.offer_upto, today)
    }

    /// "3 of 50", "3 (no limit)".
    pub fn uses(&self) -> String {
        if self.maximum_use == 0 {
            format!("{} (no limit)", self.used)
        } else {
            format!("{} of {}", self.used, self.maximum_use)
        }
    }

    /// Coupon Type as people read it.
    pub fn type_label(&self) -> &'static str {
        CouponType::from_stored(&self.coupon_type).label()
    }
}

const SELECT: &str = "SELECT c.id, c.code, c.name, c.coupon_type, c.offer_id, v.title AS offer, \
    k.name AS campaign, c.valid_from, c.valid_upto, v.valid_from AS offer_from, \
    v.valid_upto AS offer_upto, c.maximum_use, c.used, c.disabled, c.one_use, c.company_id, \
    c.customer_id, c.batch_id \
    FROM coupons c \
    JOIN offers o ON o.id = c.offer_id \
    JOIN offer_versions v ON v.offer_id = o.id AND v.version = o.current_version \
    LEFT JOIN campaigns k ON k.id = c.campaign_id";

/// One page of `company`'s coupons as `filter` asks, one row more than a page when there is
/// more, in the direction `keyset` says.
pub fn page(
    conn: &mut PgConnection,
    company: i64,
    filter: &ListFilter,
    today: NaiveDate,
    keyset: &Keyset<i64>,
) -> QueryResult<Vec<ListRow>> {
    let mut query = ListQuery::of_company(SELECT, "c", company);
    let q = filter.q.trim();
    if !q.is_empty() {
        let (code, name) = (query.placeholder(), query.placeholder());
        query = query
            .sql(format!(" AND (c.code LIKE {code} OR c.name ILIKE {name})"))
            .text(format!("{}%", like_escape(&q.to_uppercase())))
            .text(format!("%{}%", like_escape(q)));
    }
    query = query
        .id_is("c.campaign_id", &filter.campaign)
        .id_is("c.offer_id", &filter.offer)
        .id_is("c.batch_id", &filter.batch);
    if filter.batch.trim().is_empty() {
        match filter.made.trim() {
            "all" => {}
            "batch" => query = query.sql(" AND c.batch_id IS NOT NULL"),
            _ => query = query.sql(" AND c.batch_id IS NULL"),
        }
    }
    if let Some(kind) = ["promotional", "gift_card"]
        .into_iter()
        .find(|k| *k == filter.coupon_type.trim())
    {
        query = query.sql(format!(" AND c.coupon_type = '{kind}'"));
    }
    if let Some(status) = Status::ALL
        .into_iter()
        .find(|s| s.as_str() == filter.status.trim())
    {
        query = query.sql(format!(" AND {}", status.condition(today)));
    }
    query.page(conn, keyset)
}

/// Coupon `id` as the list shows it.
pub fn one(conn: &mut PgConnection, id: i64) -> QueryResult<ListRow> {
    list::one(conn, SELECT, "c", id)
}
