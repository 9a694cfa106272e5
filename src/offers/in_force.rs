//! The offer versions of a company as the engine reads them, kept in memory between sales: a
//! till's sale or cart asks for the versions in force at its time, and the list is reloaded only
//! when an offer or a campaign of the company was saved since (its revision token changed), or
//! one of its segments was renamed or its members retaken (offers name the segment and the time
//! of its snapshot).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use patron_rules::offers::SegmentRef;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use patron_rules::offers::{ApplyOn, DiscountType, Offer, OfferType, Replace};
use uuid::Uuid;

use super::model::segments;
use super::model::versions::{self, OfferVersion};
use crate::db::schema::{campaigns, customer_groups, items, pos_profiles, stores};
use crate::sales::submit::Sale;
use crate::stores::model as store_model;

/// Every version of one company's offers, in rank order (Priority, then Title).
#[derive(Debug, Default)]
pub struct CompanyOffers {
    /// Each version with the span it was in force.
    versions: Vec<(DateTime<Utc>, Option<DateTime<Utc>>, Offer)>,
    /// The versions in force now.
    current: Vec<Offer>,
    /// When the newest version came into force (or the last one ended).
    latest_change: Option<DateTime<Utc>>,
    /// Whether any version is aimed at a segment (only then is a customer's membership read).
    aims_at_segments: bool,
}

impl CompanyOffers {
    /// Whether any version is aimed at a customer segment: a sale's customer's segments need
    /// reading only then.
    pub fn aims_at_segments(&self) -> bool {
        self.aims_at_segments
    }

    /// The versions in force at `at`.
    pub fn at(&self, at: DateTime<Utc>) -> Cow<'_, [Offer]> {
        if self.latest_change.is_none_or(|latest| at >= latest) {
            return Cow::Borrowed(&self.current);
        }
        Cow::Owned(
            self.versions
                .iter()
                .filter(|(from, until, _)| *from <= at && until.is_none_or(|u| at < u))
                .map(|(_, _, offer)| offer.clone())
                .collect(),
        )
    }
}

/// A company's offers revision token with the latest change to its segments.
type Revision = (Uuid, Option<DateTime<Utc>>);

/// Loaded lists by revision (a token is random and names one company's offers as they stood,
/// whatever the database, so tests on many databases share this safely).
static LOADED: Mutex<Option<HashMap<Revision, Arc<CompanyOffers>>>> = Mutex::new(None);

/// How many lists are kept before the oldest are dropped.
const KEPT: usize = 64;

/// `company`'s offers as they stand (reloaded when saved since last asked).
pub fn of_company(conn: &mut PgConnection, company: i64) -> QueryResult<Arc<CompanyOffers>> {
    let Some(token) = segments::revision(conn, company)? else {
        return Ok(Arc::default());
    };
    if let Some(found) = lock().as_ref().and_then(|m| m.get(&token)) {
        return Ok(found.clone());
    }
    let loaded = Arc::new(load(conn, company)?);
    let mut guard = lock();
    let map = guard.get_or_insert_with(HashMap::new);
    if map.len() >= KEPT {
        map.clear();
    }
    map.insert(token, loaded.clone());
    Ok(loaded)
}

/// `of_company` for a sale being submitted, read once for all its steps (its coupons' and its
/// offers' both ask): one look at the revision token per sale.
pub fn of_sale(conn: &mut PgConnection, sale: &mut Sale) -> QueryResult<Arc<CompanyOffers>> {
    if let Some(loaded) = sale.loaded_offers.get::<CompanyOffers>() {
        return Ok(loaded);
    }
    let loaded = of_company(conn, sale.store.company_id.get())?;
    sale.loaded_offers.set(loaded.clone());
    Ok(loaded)
}

fn lock() -> std::sync::MutexGuard<'static, Option<HashMap<Revision, Arc<CompanyOffers>>>> {
    LOADED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The names reasons and scopes need, read once per load.
struct Names {
    stores: HashMap<i64, String>,
    groups: HashMap<i64, String>,
    items: HashMap<i64, String>,
    campaigns: HashMap<i64, Campaign>,
    segments: HashMap<i64, Arc<SegmentRef>>,
}

#[derive(Queryable)]
struct Campaign {
    id: i64,
    name: String,
    active: bool,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
}

fn load(conn: &mut PgConnection, company: i64) -> QueryResult<CompanyOffers> {
    let rows = versions::all_of_company(conn, company)?;
    let aimed: Vec<i64> = rows.iter().filter_map(|v| v.terms.segment_id).collect();
    let clock = if aimed.is_empty() {
        patron_rules::Clock::UTC
    } else {
        store_model::company_clock(conn, company)?
    };
    let names = Names {
        segments: segments::named(conn, &aimed)?
            .into_iter()
            .map(|(id, s)| {
                let as_of = s.snapshot_at.map(|at| clock.short(at)).unwrap_or_default();
                let name = s.name;
                (id, Arc::new(SegmentRef { id, name, as_of }))
            })
            .collect(),
        stores: pos_profiles::table
            .inner_join(stores::table)
            .filter(stores::company_id.eq(company))
            .select((pos_profiles::id, stores::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect(),
        groups: customer_groups::table
            .select((customer_groups::id, customer_groups::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect(),
        items: items::table
            .filter(
                items::id.eq_any(
                    rows.iter()
                        .flat_map(|v| {
                            let on_item = v.terms.apply_on == "item_code";
                            [
                                v.terms.apply_on_id.filter(|_| on_item),
                                v.terms.given_item_id,
                            ]
                        })
                        .flatten()
                        .collect::<Vec<_>>(),
                ),
            )
            .select((items::id, items::item_code))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect(),
        campaigns: campaigns::table
            .filter(campaigns::company_id.eq(company))
            .select((
                campaigns::id,
                campaigns::name,
                campaigns::active,
                campaigns::start_date,
                campaigns::end_date,
            ))
            .load::<Campaign>(conn)?
            .into_iter()
            .map(|c| (c.id, c))
            .collect(),
    };
    let mut loaded = CompanyOffers {
        aims_at_segments: !aimed.is_empty(),
        ..CompanyOffers::default()
    };
    for row in &rows {
        let offer = engine_offer(company, row, &names);
        // A sale posted before the offer was made (a till offline, or loaded late) is checked
        // against its first terms: there were no others.
        let from = if row.version == 1 {
            DateTime::<Utc>::MIN_UTC
        } else {
            row.in_force_from
        };
        let change = row.in_force_until.unwrap_or(from);
        loaded.latest_change = Some(loaded.latest_change.map_or(change, |l| l.max(change)));
        if row.in_force_until.is_none() {
            loaded.current.push(offer.clone());
        }
        loaded.versions.push((from, row.in_force_until, offer));
    }
    let rank = |a: &Offer, b: &Offer| a.priority.cmp(&b.priority).then(a.title.cmp(&b.title));
    loaded.current.sort_by(rank);
    loaded.versions.sort_by(|a, b| rank(&a.2, &b.2));
    Ok(loaded)
}

/// A stored version as the engine reads it. A campaign's days bound its offers' validity, and
/// an inactive campaign's offers do not apply.
fn engine_offer(company: i64, row: &OfferVersion, names: &Names) -> Offer {
    let f = &row.terms;
    let name = |map: &HashMap<i64, String>, id: i64| map.get(&id).cloned().unwrap_or_default();
    let campaign = f.campaign_id.and_then(|id| names.campaigns.get(&id));
    let mut valid_from = f.valid_from;
    let mut valid_upto = f.valid_upto;
    if let Some(c) = campaign {
        valid_from = valid_from.max(c.start_date);
        valid_upto = match (valid_upto, c.end_date) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    Offer {
        id: row.offer_id,
        version: i64::from(row.version),
        title: f.title.clone(),
        disabled: f.disabled || campaign.is_some_and(|c| !c.active),
        company_id: company,
        profile: f.pos_profile_id.map(|id| (id, name(&names.stores, id))),
        warehouse: f.warehouse.clone(),
        customer_group: f.customer_group_id.map(|id| (id, name(&names.groups, id))),
        segment: f.segment_id.map(|id| {
            names.segments.get(&id).cloned().unwrap_or_else(|| {
                Arc::new(SegmentRef {
                    id,
                    name: String::new(),
                    as_of: String::new(),
                })
            })
        }),
        apply_on: match (f.apply_on.as_str(), f.apply_on_id) {
            ("item_code", Some(item)) => ApplyOn::ItemCode(name(&names.items, item)),
            ("item_group", Some(group)) => ApplyOn::ItemGroup(group),
            ("brand", Some(brand)) => ApplyOn::Brand(brand),
            _ => ApplyOn::Transaction,
        },
        offer_type: offer_type(&f.offer_type),
        min_qty: f.min_qty,
        max_qty: f.max_qty,
        min_amount: f.min_amount,
        max_amount: f.max_amount,
        valid_from,
        valid_upto,
        discount_type: if f.discount_type == "amount" {
            DiscountType::Amount
        } else {
            DiscountType::Percentage
        },
        rate: f.rate,
        discount_percentage: f.discount_percentage,
        discount_amount: f.discount_amount,
        max_discount: f.max_discount,
        auto: f.auto,
        given_item: f.given_item_id.map(|id| name(&names.items, id)),
        given_qty: f.given_qty,
        recurring: f.recurring,
        replace: match f.replace.as_str() {
            "same_item" => Replace::SameItem,
            "cheapest_item" => Replace::CheapestItem,
            _ => Replace::None,
        },
        loyalty_points: f.loyalty_points,
        campaign: campaign.map(|c| (c.id, c.name.clone())),
        campaign_days: campaign.map(|c| (c.start_date, c.end_date)),
        priority: f.priority,
    }
}

/// Offer Type as stored.
pub fn offer_type(code: &str) -> OfferType {
    match code {
        "give_product" => OfferType::GiveProduct,
        "grand_total" => OfferType::GrandTotal,
        "loyalty_point" => OfferType::LoyaltyPoint,
        _ => OfferType::ItemPrice,
    }
}
