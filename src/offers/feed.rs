//! The offers feed as a till reads it: each changed offer's current version with its scope named
//! (item code, item group with the groups below it, brand, customer group, campaign), or only
//! `applies: false` when the offer is for another store. An offer aimed at a customer segment says
//! that it needs the server's evaluate: a till does not hold segment members.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use super::model::versions::OfferTerms;
use super::pricing::StoreScope;
use crate::db::schema::{
    brands, campaigns, customer_groups, item_groups, items, offer_versions, offers,
};
use crate::web::till::feed::Cursor;

/// An offer's current terms, as a till prices with them.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedTerms {
    /// Item Code, Item Group, Brand or Transaction.
    apply_on: String,
    /// The item of an Item Code offer.
    item_code: Option<String>,
    /// The group of an Item Group offer...
    item_group: Option<String>,
    /// ...and every group it includes (itself and those below it).
    item_groups: Vec<String>,
    /// The brand of a Brand offer.
    brand: Option<String>,
    /// Item Price, Give Product, Grand Total or Loyalty Point.
    offer_type: String,
    /// Only for customers of this group or below it.
    customer_group: Option<String>,
    /// True when the offer is aimed at a customer segment: only the server knows the segment's
    /// members (as of its last snapshot), so a till must price a sale that could get this offer
    /// with `POST /api/v1/carts/evaluate` rather than apply it itself. The invoice
    /// re-check refuses a claim for a customer outside the segment.
    needs_server_evaluate: bool,
    #[schema(value_type = String, format = "decimal")]
    min_qty: Decimal,
    #[schema(value_type = String, format = "decimal")]
    max_qty: Decimal,
    #[schema(value_type = String, format = "decimal")]
    min_amount: Decimal,
    #[schema(value_type = String, format = "decimal")]
    max_amount: Decimal,
    valid_from: NaiveDate,
    valid_upto: Option<NaiveDate>,
    /// Percentage or Amount.
    discount_type: String,
    #[schema(value_type = String, format = "decimal")]
    rate: Decimal,
    #[schema(value_type = String, format = "decimal")]
    discount_percentage: Decimal,
    #[schema(value_type = String, format = "decimal")]
    discount_amount: Decimal,
    #[schema(value_type = String, format = "decimal")]
    max_discount: Decimal,
    auto: bool,
    coupon_based: bool,
    given_item: Option<String>,
    #[schema(value_type = String, format = "decimal")]
    given_qty: Decimal,
    recurring: bool,
    /// None, Same Item or Cheapest Item.
    replace: String,
    loyalty_points: i64,
    campaign: Option<String>,
    priority: i32,
}

/// One changed offer.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedOffer {
    /// The offer's id.
    id: i64,
    /// Its current version.
    version: i32,
    /// Title: what invoices name it by.
    title: String,
    /// Whether it concerns this store; when false, `terms` is absent: drop the offer.
    applies: bool,
    /// Disable.
    disabled: bool,
    /// Its terms (when it applies).
    terms: Option<FeedTerms>,
    /// Where the till is in the feed.
    pub change_seq: i64,
    /// Last saved.
    updated_at: DateTime<Utc>,
}

/// The scope names a page of the feed needs, read once per page.
struct Names {
    items: HashMap<i64, String>,
    groups: HashMap<i64, (String, Vec<i64>)>,
    brands: HashMap<i64, String>,
    customer_groups: HashMap<i64, String>,
    campaigns: HashMap<i64, String>,
}

/// Offers of the store's company changed after the cursor (one more than the page), numbering
/// pending changes first.
pub fn load(
    conn: &mut PgConnection,
    store: &StoreScope,
    cursor: Cursor,
) -> QueryResult<Vec<FeedOffer>> {
    crate::db::sequence_changes(conn)?;
    let rows: Vec<(i64, i64, DateTime<Utc>, i32, OfferTerms)> = offers::table
        .inner_join(
            offer_versions::table.on(offer_versions::offer_id
                .eq(offers::id)
                .and(offer_versions::version.eq(offers::current_version))),
        )
        .filter(offers::company_id.eq(store.company_id))
        .filter(offers::change_seq.gt(cursor.after))
        .order(offers::change_seq.asc())
        .limit(cursor.fetch())
        .select((
            offers::id,
            offers::change_seq.assume_not_null(),
            offers::updated_at,
            offers::current_version,
            OfferTerms::as_select(),
        ))
        .load(conn)?;
    let names = names(conn, &rows)?;
    Ok(rows
        .into_iter()
        .map(|(id, change_seq, updated_at, version, t)| {
            let applies = t.pos_profile_id.is_none_or(|p| p == store.profile_id)
                && t.warehouse.as_ref().is_none_or(|w| *w == store.warehouse);
            FeedOffer {
                id,
                version,
                title: t.title.clone(),
                applies,
                disabled: t.disabled,
                terms: applies.then(|| terms(&t, &names)),
                change_seq,
                updated_at,
            }
        })
        .collect())
}

fn names(
    conn: &mut PgConnection,
    rows: &[(i64, i64, DateTime<Utc>, i32, OfferTerms)],
) -> QueryResult<Names> {
    let on = |kind: &str| -> Vec<i64> {
        rows.iter()
            .filter(|r| r.4.apply_on == kind)
            .filter_map(|r| r.4.apply_on_id)
            .collect()
    };
    let mut item_ids = on("item_code");
    item_ids.extend(rows.iter().filter_map(|r| r.4.given_item_id));
    let group_rows: Vec<(i64, String, Vec<i64>)> = item_groups::table
        .select((item_groups::id, item_groups::name, item_groups::lineage))
        .load(conn)?;
    let mut groups: HashMap<i64, (String, Vec<i64>)> = HashMap::new();
    for (id, name, _) in &group_rows {
        groups.insert(*id, (name.clone(), Vec::new()));
    }
    for (id, _, lineage) in &group_rows {
        for ancestor in lineage {
            if let Some(entry) = groups.get_mut(ancestor) {
                entry.1.push(*id);
            }
        }
    }
    Ok(Names {
        items: items::table
            .filter(items::id.eq_any(item_ids))
            .select((items::id, items::item_code))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect(),
        groups,
        brands: brands::table
            .filter(brands::id.eq_any(on("brand")))
            .select((brands::id, brands::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect(),
        customer_groups: customer_groups::table
            .select((customer_groups::id, customer_groups::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect(),
        campaigns: campaigns::table
            .filter(
                campaigns::id.eq_any(
                    rows.iter()
                        .filter_map(|r| r.4.campaign_id)
                        .collect::<Vec<_>>(),
                ),
            )
            .select((campaigns::id, campaigns::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect(),
    })
}

fn terms(t: &OfferTerms, names: &Names) -> FeedTerms {
    let of = |map: &HashMap<i64, String>, id: Option<i64>| id.and_then(|id| map.get(&id).cloned());
    let target = |kind: &str| t.apply_on_id.filter(|_| t.apply_on == kind);
    let group = target("item_group").and_then(|id| names.groups.get(&id));
    FeedTerms {
        apply_on: t.apply_on.clone(),
        item_code: of(&names.items, target("item_code")),
        item_group: group.map(|(name, _)| name.clone()),
        item_groups: group.map_or_else(Vec::new, |(_, below)| {
            below
                .iter()
                .filter_map(|id| names.groups.get(id).map(|(n, _)| n.clone()))
                .collect()
        }),
        brand: of(&names.brands, target("brand")),
        offer_type: t.offer_type.clone(),
        customer_group: of(&names.customer_groups, t.customer_group_id),
        needs_server_evaluate: t.segment_id.is_some(),
        min_qty: t.min_qty.normalize(),
        max_qty: t.max_qty.normalize(),
        min_amount: t.min_amount.normalize(),
        max_amount: t.max_amount.normalize(),
        valid_from: t.valid_from,
        valid_upto: t.valid_upto,
        discount_type: t.discount_type.clone(),
        rate: t.rate.normalize(),
        discount_percentage: t.discount_percentage.normalize(),
        discount_amount: t.discount_amount.normalize(),
        max_discount: t.max_discount.normalize(),
        auto: t.auto,
        coupon_based: !t.auto,
        given_item: of(&names.items, t.given_item_id),
        given_qty: t.given_qty.normalize(),
        recurring: t.recurring,
        replace: t.replace.clone(),
        loyalty_points: t.loyalty_points,
        campaign: of(&names.campaigns, t.campaign_id),
        priority: t.priority,
    }
}
