//! Offers as stored: every save keeps the previous version (it stops being in force at the
//! moment of the save) so that an invoice is checked against the terms its till had. Creating,
//! saving and reading versions; titles are unique per company among current versions.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit;
use crate::db::schema::{offer_revisions, offer_versions, offers};
use crate::kernel::Actor;

/// The audit log's name for an offer.
pub const ENTITY: &str = "offer";

/// An offer as the editor sets it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfferFields {
    /// Company (set when the offer is made).
    pub company_id: i64,
    /// Description (kept without history).
    pub description: String,
    /// What each version keeps.
    #[serde(flatten)]
    pub terms: OfferTerms,
}

/// An offer's terms: one version's worth.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = offer_versions)]
#[diesel(treat_none_as_null = true)]
pub struct OfferTerms {
    /// Title (unique per company).
    pub title: String,
    /// Disable.
    pub disabled: bool,
    /// POS Profile (none: every store).
    pub pos_profile_id: Option<i64>,
    /// Warehouse (none: every warehouse).
    pub warehouse: Option<String>,
    /// Customer Group (none: everyone; subgroups included).
    pub customer_group_id: Option<i64>,
    /// Customer Segment (none: everyone): a segment of the offer's company, whose members as of
    /// its last snapshot get the offer.
    pub segment_id: Option<i64>,
    /// Apply On: item_code, item_group, brand or transaction.
    pub apply_on: String,
    /// The item, item group or brand it applies on (none for Transaction).
    pub apply_on_id: Option<i64>,
    /// Offer Type: item_price, give_product, grand_total or loyalty_point.
    pub offer_type: String,
    /// Min Qty (0: none).
    pub min_qty: Decimal,
    /// Max Qty (0: none).
    pub max_qty: Decimal,
    /// Min Amount (0: none).
    pub min_amount: Decimal,
    /// Max Amount (0: none).
    pub max_amount: Decimal,
    /// Valid From.
    pub valid_from: NaiveDate,
    /// Valid Upto (none: open).
    pub valid_upto: Option<NaiveDate>,
    /// Discount Type: percentage or amount.
    pub discount_type: String,
    /// Rate (Item Price: the unit price; 0: use the discount).
    pub rate: Decimal,
    /// Discount Percentage.
    pub discount_percentage: Decimal,
    /// Discount Amount.
    pub discount_amount: Decimal,
    /// Max Discount per invoice (0: none).
    pub max_discount: Decimal,
    /// Auto (otherwise Coupon Based).
    pub auto: bool,
    /// Given Item.
    pub given_item_id: Option<i64>,
    /// Given Qty.
    pub given_qty: Decimal,
    /// Recurring.
    pub recurring: bool,
    /// Replace: none, same_item or cheapest_item.
    pub replace: String,
    /// Loyalty Points.
    pub loyalty_points: i64,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// Priority (lower first).
    pub priority: i32,
}

#[cfg(test)]
impl OfferTerms {
    /// Winter 20%: 20 % off item 7, auto, from 2026-12-01, for the unit tests to adjust.
    pub fn example() -> OfferTerms {
        OfferTerms {
            title: "Winter 20%".into(),
            disabled: false,
            pos_profile_id: None,
            warehouse: None,
            customer_group_id: None,
            segment_id: None,
            apply_on: "item_code".into(),
            apply_on_id: Some(7),
            offer_type: "item_price".into(),
            min_qty: Decimal::ZERO,
            max_qty: Decimal::ZERO,
            min_amount: Decimal::ZERO,
            max_amount: Decimal::ZERO,
            valid_from: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            valid_upto: None,
            discount_type: "percentage".into(),
            rate: Decimal::ZERO,
            discount_percentage: Decimal::from(20),
            discount_amount: Decimal::ZERO,
            max_discount: Decimal::ZERO,
            auto: true,
            given_item_id: None,
            given_qty: Decimal::ZERO,
            recurring: false,
            replace: "none".into(),
            loyalty_points: 0,
            campaign_id: None,
            priority: 10,
        }
    }
}

/// One stored version.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = offer_versions)]
pub struct OfferVersion {
    /// The offer.
    pub offer_id: i64,
    /// Its number (1 first).
    pub version: i32,
    /// From when it is in force.
    pub in_force_from: DateTime<Utc>,
    /// Until when (none: still in force).
    pub in_force_until: Option<DateTime<Utc>>,
    /// Its terms.
    #[diesel(embed)]
    pub terms: OfferTerms,
}

impl OfferVersion {
    /// Whether it was in force at `at`.
    pub fn in_force_at(&self, at: DateTime<Utc>) -> bool {
        self.in_force_from <= at && self.in_force_until.is_none_or(|until| at < until)
    }
}

/// Whether another current offer of `company` is titled `title` (case-insensitively).
pub fn title_taken(
    conn: &mut PgConnection,
    company: i64,
    title: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let mut query = offers::table
        .filter(offers::company_id.eq(company))
        .filter(crate::db::lower(offers::title).eq(title.to_lowercase()))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(offers::id.ne(id));
    }
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

/// Creates an offer (version 1, in force from now), audited; returns its id.
pub fn create(conn: &mut PgConnection, actor: &Actor, fields: &OfferFields) -> QueryResult<i64> {
    let created = audit::create(conn, actor, ENTITY, |conn| {
        let id: i64 = diesel::insert_into(offers::table)
            .values((
                offers::company_id.eq(fields.company_id),
                offers::title.eq(&fields.terms.title),
                offers::description.eq(&fields.description),
            ))
            .returning(offers::id)
            .get_result(conn)?;
        insert_version(conn, id, 1, &fields.terms)?;
        touch(conn, fields.company_id)?;
        Ok(audit::Keyed {
            id,
            snapshot: fields,
        })
    })?;
    Ok(created.id)
}

/// Saves offer `id` (its company stays): when the terms changed, the current version stops
/// being in force now and the next one starts. Audited with before and after; returns the
/// current version's number. The offer's row is locked, so two saves at once make two versions
/// one after the other.
pub fn save(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    fields: &OfferFields,
) -> QueryResult<i32> {
    let before = find(conn, id, true)?;
    if before.fields == *fields {
        return Ok(before.current_version);
    }
    let mut version = before.current_version;
    if before.fields.terms != fields.terms {
        diesel::update(offer_versions::table.find((id, version)))
            .set(offer_versions::in_force_until.eq(diesel::dsl::now))
            .execute(conn)?;
        version += 1;
        insert_version(conn, id, version, &fields.terms)?;
    }
    diesel::update(offers::table.find(id))
        .set((
            offers::current_version.eq(version),
            offers::title.eq(&fields.terms.title),
            offers::description.eq(&fields.description),
        ))
        .execute(conn)?;
    touch(conn, before.fields.company_id)?;
    audit::record_change(conn, actor, ENTITY, id, "update", &before.fields, fields)?;
    Ok(version)
}

fn insert_version(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    terms: &OfferTerms,
) -> QueryResult<()> {
    diesel::insert_into(offer_versions::table)
        .values((
            offer_versions::offer_id.eq(id),
            offer_versions::version.eq(version),
            offer_versions::in_force_from.eq(diesel::dsl::now),
            terms,
        ))
        .execute(conn)
        .map(drop)
}

/// An offer as it stands.
#[derive(Debug, Clone)]
pub struct StoredOffer {
    /// Id.
    pub id: i64,
    /// Its current version's number.
    pub current_version: i32,
    /// What the editor shows.
    pub fields: OfferFields,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

/// Offer `id` as it stands (its row locked when `lock`).
pub fn find(conn: &mut PgConnection, id: i64, lock: bool) -> QueryResult<StoredOffer> {
    let query = offers::table.find(id).select((
        offers::company_id,
        offers::description,
        offers::current_version,
        offers::updated_at,
    ));
    let (company_id, description, current_version, updated_at): (i64, String, i32, DateTime<Utc>) =
        if lock {
            query.for_update().first(conn)?
        } else {
            query.first(conn)?
        };
    let terms = find_version(conn, id, current_version)?.terms;
    Ok(StoredOffer {
        id,
        current_version,
        fields: OfferFields {
            company_id,
            description,
            terms,
        },
        updated_at,
    })
}

/// Tells whoever keeps `company`'s offers in memory that they changed (see `cache`).
pub fn touch(conn: &mut PgConnection, company: i64) -> QueryResult<()> {
    let token = uuid::Uuid::new_v4();
    diesel::insert_into(offer_revisions::table)
        .values((
            offer_revisions::company_id.eq(company),
            offer_revisions::token.eq(token),
        ))
        .on_conflict(offer_revisions::company_id)
        .do_update()
        .set(offer_revisions::token.eq(token))
        .execute(conn)
        .map(drop)
}

/// Version `version` of offer `id`.
pub fn find_version(conn: &mut PgConnection, id: i64, version: i32) -> QueryResult<OfferVersion> {
    offer_versions::table
        .find((id, version))
        .select(OfferVersion::as_select())
        .first(conn)
}

/// Every version of offer `id`, newest first.
pub fn history(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<OfferVersion>> {
    offer_versions::table
        .filter(offer_versions::offer_id.eq(id))
        .order(offer_versions::version.desc())
        .select(OfferVersion::as_select())
        .load(conn)
}

/// Every version of `company`'s offers, current and past.
pub fn all_of_company(conn: &mut PgConnection, company: i64) -> QueryResult<Vec<OfferVersion>> {
    offer_versions::table
        .inner_join(offers::table)
        .filter(offers::company_id.eq(company))
        .select(OfferVersion::as_select())
        .load(conn)
}
