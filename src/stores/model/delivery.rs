//! Delivery charges of a POS profile: the table a store's tills offer at checkout. Labels are
//! unique within a profile and at most one charge is the default (unique indexes make both hold
//! under concurrent edits; `conflicts` names them for the form first).

use diesel::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit::model as audit;
use crate::db::schema::delivery_charges;
use crate::kernel::Actor;

/// One delivery charge.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, PartialEq)]
#[diesel(table_name = delivery_charges)]
pub struct DeliveryCharge {
    /// Id.
    pub id: i64,
    /// Profile it belongs to.
    pub pos_profile_id: i64,
    /// What the till shows ("Express").
    pub label: String,
    /// The list rate.
    pub default_rate: Decimal,
    /// The rate this store charges.
    pub rate: Decimal,
    /// Ledger account the charge is booked to.
    pub shipping_account: String,
    /// Cost center it is booked to.
    pub cost_center: String,
    /// Chosen when the till sets delivery charges automatically.
    pub is_default: bool,
}

audit::keyed_by_id!(DeliveryCharge);

/// What a person edits on a charge.
#[derive(Debug, Clone, Default, Insertable, AsChangeset, Serialize, PartialEq)]
#[diesel(table_name = delivery_charges)]
pub struct ChargeFields {
    /// Label.
    pub label: String,
    /// Default Rate.
    pub default_rate: Decimal,
    /// Rate.
    pub rate: Decimal,
    /// Shipping Account.
    pub shipping_account: String,
    /// Cost Center.
    pub cost_center: String,
    /// Default.
    pub is_default: bool,
}

/// The charges of profile `profile_id`, default first, then by label.
pub fn list(conn: &mut PgConnection, profile_id: i64) -> QueryResult<Vec<DeliveryCharge>> {
    delivery_charges::table
        .filter(delivery_charges::pos_profile_id.eq(profile_id))
        .order((
            delivery_charges::is_default.desc(),
            delivery_charges::label.asc(),
        ))
        .select(DeliveryCharge::as_select())
        .load(conn)
}

/// Charge `id` of profile `profile_id` (not found when it belongs to another profile).
pub fn find(conn: &mut PgConnection, profile_id: i64, id: i64) -> QueryResult<DeliveryCharge> {
    delivery_charges::table
        .filter(delivery_charges::pos_profile_id.eq(profile_id))
        .filter(delivery_charges::id.eq(id))
        .select(DeliveryCharge::as_select())
        .first(conn)
}

/// What stops `fields` from being saved in profile `profile_id` (leaving charge `except` out of
/// the comparison when editing it), as (field, message) pairs.
pub fn conflicts(
    conn: &mut PgConnection,
    profile_id: i64,
    fields: &ChargeFields,
    except: Option<i64>,
) -> QueryResult<Vec<(&'static str, String)>> {
    let others: Vec<DeliveryCharge> = list(conn, profile_id)?
        .into_iter()
        .filter(|charge| Some(charge.id) != except)
        .collect();
    let mut found = Vec::new();
    if others
        .iter()
        .any(|charge| charge.label.to_lowercase() == fields.label.to_lowercase())
    {
        found.push((
            "label",
            format!("This store already has a charge called {}.", fields.label),
        ));
    }
    if fields.is_default
        && let Some(current) = others.iter().find(|charge| charge.is_default)
    {
        found.push((
            "is_default",
            format!(
                "{} is already the default; only one charge can be. Untick it first.",
                current.label
            ),
        ));
    }
    Ok(found)
}

/// Adds a charge to profile `profile_id`, audited.
pub fn add(
    conn: &mut PgConnection,
    profile_id: i64,
    fields: &ChargeFields,
    actor: &Actor,
) -> QueryResult<DeliveryCharge> {
    audit::create(conn, actor, "delivery_charge", |conn| {
        diesel::insert_into(delivery_charges::table)
            .values((fields, delivery_charges::pos_profile_id.eq(profile_id)))
            .returning(DeliveryCharge::as_returning())
            .get_result(conn)
    })
}

/// Saves an edit of charge `id` of profile `profile_id`, audited with before and after.
pub fn update(
    conn: &mut PgConnection,
    profile_id: i64,
    id: i64,
    fields: &ChargeFields,
    actor: &Actor,
) -> QueryResult<DeliveryCharge> {
    audit::update(
        conn,
        actor,
        "delivery_charge",
        id,
        |conn| find(conn, profile_id, id),
        |conn, _| {
            diesel::update(delivery_charges::table.find(id))
                .set((fields, delivery_charges::updated_at.eq(diesel::dsl::now)))
                .returning(DeliveryCharge::as_returning())
                .get_result(conn)
        },
    )
}

/// Removes charge `id` of profile `profile_id`; the audit log keeps what it was. Invoices copy
/// the label and rate they charged, so no sale loses its history.
pub fn remove(conn: &mut PgConnection, profile_id: i64, id: i64, actor: &Actor) -> QueryResult<()> {
    let before = find(conn, profile_id, id)?;
    diesel::delete(delivery_charges::table.find(id)).execute(conn)?;
    audit::record(
        conn,
        actor,
        "delivery_charge",
        id,
        "delete",
        audit::snapshot(&before),
        None,
    )
}
