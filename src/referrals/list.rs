//! The referral code list: one company's codes newest first, searched by code (its start) or
//! referrer (name anywhere, or customer code), filtered by campaign and by disabled, paged by id.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text};
use serde::Deserialize;

use patron_rules::keyset::Keyset;
use patron_rules::referrals::RewardReferrer;
use patron_rules::search::like_escape;

/// Rows per page.
pub const PAGE: usize = 50;

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
    let mut n = 1;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    let mut query = diesel::sql_query(format!("{SELECT} WHERE r.company_id = $1"))
        .into_boxed::<Pg>()
        .bind::<BigInt, _>(company);
    let q = filter.q.trim();
    if !q.is_empty() {
        let (code, customer, name) = (next(), next(), next());
        query = query
            .sql(format!(
                " AND (r.code LIKE {code} OR p.code = {customer} OR p.search_name LIKE '%' || patron_fold({name}) || '%')"
            ))
            .bind::<Text, _>(format!("{}%", like_escape(&q.to_uppercase())))
            .bind::<Text, _>(q.to_uppercase())
            .bind::<Text, _>(like_escape(q));
    }
    if let Ok(id) = filter.campaign.trim().parse::<i64>() {
        query = query
            .sql(format!(" AND r.campaign_id = {}", next()))
            .bind::<BigInt, _>(id);
    }
    match filter.disabled.trim() {
        "yes" => query = query.sql(" AND r.disabled"),
        "no" => query = query.sql(" AND NOT r.disabled"),
        _ => {}
    }
    query = match keyset {
        Keyset::First => query.sql(" ORDER BY r.id DESC"),
        Keyset::After(id) => query
            .sql(format!(" AND r.id < {} ORDER BY r.id DESC", next()))
            .bind::<BigInt, _>(*id),
        Keyset::Before(id) => query
            .sql(format!(" AND r.id > {} ORDER BY r.id ASC", next()))
            .bind::<BigInt, _>(*id),
    };
    query
        .sql(format!(" LIMIT {}", PAGE + 1))
        .load::<ListRow>(conn)
}

/// Code `id` as the list shows it.
pub fn one(conn: &mut PgConnection, id: i64) -> QueryResult<ListRow> {
    diesel::sql_query(format!("{SELECT} WHERE r.id = $1"))
        .bind::<BigInt, _>(id)
        .get_result(conn)
}
