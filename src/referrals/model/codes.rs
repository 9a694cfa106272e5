//! Referral codes as marketing keeps them: created (code typed or generated), edited (never the
//! code: it is shared and printed), disabled and enabled again; never deleted; every change
//! audited.

use diesel::prelude::*;
use patron_rules::Activation;
use patron_rules::coupons::codes;
use serde::Serialize;

use super::{CodeFields, ENTITY, code_taken};
use crate::audit;
use crate::db::schema::referral_codes;
use crate::kernel::Actor;

/// A code the company does not use yet for referrals: 10 characters without look-alikes.
pub fn fresh_code(conn: &mut PgConnection, company: i64) -> QueryResult<String> {
    codes::unused(|code| code_taken(conn, company, code))
}

#[derive(Serialize)]
struct Snapshot<'a> {
    code: &'a str,
    #[serde(flatten)]
    fields: &'a CodeFields,
}

/// Creates referral code `code` (normalised, checked free by the caller), audited; returns its
/// id.
pub fn create(
    conn: &mut PgConnection,
    actor: &Actor,
    code: &str,
    fields: &CodeFields,
) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(referral_codes::table)
        .values((fields, referral_codes::code.eq(code)))
        .returning(referral_codes::id)
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

/// Saves code `id` (its text and company stay), audited with before and after.
pub fn save(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    fields: &CodeFields,
) -> QueryResult<()> {
    let before = referral_codes::table
        .find(id)
        .select(CodeFields::as_select())
        .for_update()
        .first(conn)?;
    diesel::update(referral_codes::table.find(id))
        .set((fields, referral_codes::updated_at.eq(diesel::dsl::now)))
        .execute(conn)?;
    audit::record_change(conn, actor, ENTITY, id, "update", &before, fields)
}

/// Disables (or enables) code `id`, audited; false when it already was.
/// The switch goes the one path every never-deleted record takes (`audit::switch`).
pub fn set_disabled(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    disabled: bool,
) -> QueryResult<bool> {
    let current: bool = referral_codes::table
        .find(id)
        .select(referral_codes::disabled)
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
            diesel::update(referral_codes::table.find(id))
                .set((
                    referral_codes::disabled.eq(!active),
                    referral_codes::updated_at.eq(diesel::dsl::now),
                ))
                .returning(Switched::as_returning())
                .get_result(conn)
        },
    )?;
    Ok(true)
}

/// What Disable changes, as the audit log shows it before and after.
#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = referral_codes)]
struct Switched {
    disabled: bool,
}
