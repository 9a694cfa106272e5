//! Coupons as people keep them: created (code typed or generated), edited (never the code, once
//! made: it may be printed), disabled and enabled again; never deleted; every change audited.

use chrono::NaiveDate;
use diesel::prelude::*;
use patron_rules::Activation;
use patron_rules::coupons::codes;
use serde::Serialize;

use crate::audit;
use crate::db::schema::coupons;
use crate::kernel::Actor;

/// The audit log's name for a coupon.
pub const ENTITY: &str = "coupon";

/// A coupon as its form edits it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = coupons)]
#[diesel(treat_none_as_null = true)]
pub struct CouponFields {
    /// Company (fixed once made).
    pub company_id: i64,
    /// Coupon Name.
    pub name: String,
    /// Coupon Type: promotional or gift_card.
    pub coupon_type: String,
    /// POS Offer.
    pub offer_id: i64,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// Valid From (none: the offer's).
    pub valid_from: Option<NaiveDate>,
    /// Valid Upto (none: the offer's).
    pub valid_upto: Option<NaiveDate>,
    /// Maximum Use (0: unlimited; 1 for a gift card coupon).
    pub maximum_use: i32,
    /// One Use: at most once per customer.
    pub one_use: bool,
    /// The customer a gift card coupon is for.
    pub customer_id: Option<i64>,
}

/// A stored coupon.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = coupons)]
pub struct StoredCoupon {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Its settings.
    #[diesel(embed)]
    pub fields: CouponFields,
    /// Used.
    pub used: i32,
    /// Disabled.
    pub disabled: bool,
    /// The batch that made it.
    pub batch_id: Option<i64>,
}

/// Coupon `id`.
pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<StoredCoupon> {
    coupons::table
        .find(id)
        .select(StoredCoupon::as_select())
        .first(conn)
}

/// Whether `company` has a coupon with `code` (already normalised).
pub fn code_taken(conn: &mut PgConnection, company: i64, code: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        coupons::table
            .filter(coupons::company_id.eq(company))
            .filter(coupons::code.eq(code)),
    ))
    .get_result(conn)
}

/// A code the company does not use yet: 10 characters of the alphabet without look-alikes.
pub fn fresh_code(conn: &mut PgConnection, company: i64) -> QueryResult<String> {
    codes::unused(|code| code_taken(conn, company, code))
}

#[derive(Serialize)]
struct Snapshot<'a> {
    code: &'a str,
    #[serde(flatten)]
    fields: &'a CouponFields,
}

/// Creates a coupon with `code` (normalised, checked free by the caller), audited; returns its id.
pub fn create(
    conn: &mut PgConnection,
    actor: &Actor,
    code: &str,
    fields: &CouponFields,
) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(coupons::table)
        .values((fields, coupons::code.eq(code)))
        .returning(coupons::id)
        .get_result(conn)?;
    audit::record(
        conn,
        actor,
        ENTITY,
        id,
        "create",
        None,
        audit::snapshot(&Snapshot { code, fields }),
    )?;
    Ok(id)
}

/// Saves coupon `id` (its code and company stay), audited with before and after.
pub fn save(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    fields: &CouponFields,
) -> QueryResult<()> {
    let before = coupons::table
        .find(id)
        .select(CouponFields::as_select())
        .for_update()
        .first(conn)?;
    diesel::update(coupons::table.find(id))
        .set((fields, coupons::updated_at.eq(diesel::dsl::now)))
        .execute(conn)?;
    audit::record_change(conn, actor, ENTITY, id, "update", &before, fields)
}

/// Disables (or enables) coupon `id`, audited; false when it already was.
/// The switch goes the one path every never-deleted record takes (`audit::switch`).
pub fn set_disabled(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    disabled: bool,
) -> QueryResult<bool> {
    let current: bool = coupons::table
        .find(id)
        .select(coupons::disabled)
        .for_update()
        .first(conn)?;
    if current == disabled {
        return Ok(false);
    }
    let activation = if disabled {
        Activation::Deactivate
    } else {
        Activation::Reactivate
    };
    audit::switch(
        conn,
        actor,
        ENTITY,
        id,
        activation,
        |_| Ok(Switched { disabled: current }),
        |conn, active| {
            diesel::update(coupons::table.find(id))
                .set((
                    coupons::disabled.eq(!active),
                    coupons::updated_at.eq(diesel::dsl::now),
                ))
                .returning(Switched::as_returning())
                .get_result(conn)
        },
    )?;
    Ok(true)
}

/// What Disable changes, as the audit log shows it before and after.
#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = coupons)]
struct Switched {
    disabled: bool,
}
