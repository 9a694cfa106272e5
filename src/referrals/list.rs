//! The referral code list: one company's codes newest first, searched by code (its start) or
//! referrer (name anywhere, or customer code), filtered by campaign and by disabled, paged by id.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text};
use serde::Deserialize;

use crate::coupons::code_record::list::{self, ListQuery};

use patron_rules::keyset::Keyset;
use patron_rules::referrals::RewardReferrer;
use patron_rules::search::like_escape;

/// What the list is asked for.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListFilter {
    /// Code or referrer.
    pub q: String,
    /// Campaign id.
    pub campaign: String,
    /// "yes", "no" or "" (all).
    pub disabled: String,
}

impl ListFilter {
    /// The filters as the list's links carry them.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("q", self.q.trim()),
            ("campaign", self.campaign.trim()),
            ("disabled", self.disabled.trim()),
        ]
    }
}

/// One code as the list and its page show it.
#[derive(Debug, Clone, QueryableByName)]
pub struct ListRow {
    /// Id.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// Referral Code.
    #[diesel(sql_type = Text)]
    pub code: String,
    /// The referrer's id.
    #[diesel(sql_type = BigInt)]
    pub customer_id: i64,
    /// The referrer's customer code.
    #[diesel(sql_type = Text)]
    pub customer_code: String,
    /// The referrer's name.
    #[diesel(sql_type = Text)]
    pub customer_name: String,
    /// The referrer's mobile.
    #[diesel(sql_type = Text)]
    pub mobile: String,
    /// The referrer's email.
    #[diesel(sql_type = Text)]
    pub email: String,
    /// Campaign name.
    #[diesel(sql_type = Nullable<Text>)]
    pub campaign: Option<String>,
    /// Customer Offer id.
    #[diesel(sql_type = BigInt)]
    pub customer_offer_id: i64,
    /// Customer Offer title.
    #[diesel(sql_type = Text)]
    pub customer_offer: String,
    /// Primary Offer id.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub primary_offer_id: Option<i64>,
    /// Primary Offer title.
    #[diesel(sql_type = Nullable<Text>)]
    pub primary_offer: Option<String>,
    /// Disabled.
    #[diesel(sql_type = Bool)]
    pub disabled: bool,
    /// Max Registrations.
    #[diesel(sql_type = Nullable<Integer>)]
    pub max_registrations: Option<i32>,
    /// Registrations.
    #[diesel(sql_type = Integer)]
    pub registrations: i32,
    /// Reward Referrer, as stored.
    #[diesel(sql_type = Text)]
    pub reward_referrer: String,
}

impl ListRow {
    /// "3 of 50", "3 (no cap)".
    pub fn registered(&self) -> String {
        match self.max_registrations {
            Some(cap) => format!("{} of {cap}", self.registrations),
            None => format!("{} (no cap)", self.registrations),
        }
    }

    /// Reward Referrer as people read it.
    pub fn reward_label(&self) -> &'static str {
        RewardReferrer::from_stored(&self.reward_referrer).label()
    }
}

const SELECT: &str = "SELECT r.id, r.code, r.customer_id, p.code AS customer_code, \
    trim(p.first_name || ' ' || p.last_name) AS customer_name, p.mobile, p.email, \
    k.name AS campaign, r.customer_offer_id, o.title AS customer_offer, r.primary_offer_id, \
    q.title AS primary_offer, r.disabled, r.max_registrations, r.registrations, r.reward_referrer \
    FROM referral_codes r \
    JOIN customers p ON p.id = r.customer_id \
    JOIN offers o ON o.id = r.customer_offer_id \
    LEFT JOIN offers q ON q.id = r.primary_offer_id \
    LEFT JOIN campaigns k ON k.id = r.campaign_id";

/// One page of `company`'s codes as `filter` asks, one row more than a page when there is more.
pub fn page(
    conn: &mut PgConnection,
    company: i64,
    filter: &ListFilter,
    keyset: &Keyset<i64>,
) -> QueryResult<Vec<ListRow>> {
    let mut query = ListQuery::of_company(SELECT, "r", company);
    let q = filter.q.trim();
    if !q.is_empty() {
        let (code, customer, name) = (
            query.placeholder(),
            query.placeholder(),
            query.placeholder(),
        );
        query = query
            .sql(format!(
                " AND (r.code LIKE {code} OR p.code = {customer} OR p.search_name LIKE '%' || patron_fold({name}) || '%')"
            ))
            .text(format!("{}%", like_escape(&q.to_uppercase())))
            .text(q.to_uppercase())
            .text(like_escape(q));
    }
    query = query.id_is("r.campaign_id", &filter.campaign);
    match filter.disabled.trim() {
        "yes" => query = query.sql(" AND r.disabled"),
        "no" => query = query.sql(" AND NOT r.disabled"),
        _ => {}
    }
    query.page(conn, keyset)
}

/// Code `id` as the list shows it.
pub fn one(conn: &mut PgConnection, id: i64) -> QueryResult<ListRow> {
    list::one(conn, SELECT, "r", id)
}
