//! Loyalty as stored: programs and their tiers (`programs`), the points ledger (`ledger`), one
//! customer's ledger as people read it (`customer_ledger`) and the reports' queries (`reports`);
//! and here the audited writes — a program saved, a customer enrolled or unenrolled, points
//! adjusted by hand — each with its audit entry in the same transaction.

pub mod customer_ledger;
pub mod ledger;
pub mod programs;
pub mod reports;

use chrono::NaiveDate;
use diesel::prelude::*;
use patron_rules::loyalty::TierRule;

use self::ledger::{Member, Shortfall};
use self::programs::{ENTITY, Program, ProgramFields};
use crate::audit;
use crate::db::schema::loyalty_members;
use crate::kernel::Actor;

/// Creates a program with its tiers, audited with its snapshot; returns its id. Tiers must have
/// passed `rules::check_tiers`.
pub fn create_program(
    conn: &mut PgConnection,
    actor: &Actor,
    fields: &ProgramFields,
    tiers: &[TierRule],
) -> QueryResult<i64> {
    let created = audit::create(conn, actor, ENTITY, |conn| {
        let id = programs::insert(conn, fields, tiers)?;
        Ok(audit::Keyed {
            id,
            snapshot: programs::snapshot(conn, id)?,
        })
    })?;
    Ok(created.id)
}

/// Saves program `id`'s settings and tiers, audited with its snapshot before and after.
pub fn save_program(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    fields: &ProgramFields,
    tiers: &[TierRule],
) -> QueryResult<()> {
    audit::update(
        conn,
        actor,
        ENTITY,
        id,
        |conn| programs::snapshot(conn, id),
        |conn, _| {
            programs::update(conn, id, fields, tiers)?;
            programs::snapshot(conn, id)
        },
    )?;
    Ok(())
}

/// The audit log's view of a membership.
fn membership(program: &Program, forfeited: Option<i64>) -> serde_json::Value {
    let mut value = serde_json::json!({ "program_id": program.id, "program": program.fields.name });
    if let Some(points) = forfeited {
        value["points_forfeited"] = points.into();
    }
    value
}

/// Makes customer `customer_id` a member of `program` (enrolled by `actor`), audited on the
/// customer; `false`, with no entry, when they are a member in its company already.
pub fn join(
    conn: &mut PgConnection,
    actor: &Actor,
    customer_id: i64,
    program: &Program,
) -> QueryResult<bool> {
    let (_, by) = actor.parts();
    let made = diesel::insert_into(loyalty_members::table)
        .values((
            loyalty_members::customer_id.eq(customer_id),
            loyalty_members::company_id.eq(program.fields.company_id),
            loyalty_members::program_id.eq(program.id),
            loyalty_members::enrolled_by.eq(&by),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    if made == 0 {
        return Ok(false);
    }
    audit::record(
        conn,
        actor,
        "customer",
        customer_id,
        "loyalty_enrol",
        None,
        Some(membership(program, None)),
    )?;
    Ok(true)
}

/// Ends `member`'s membership of `program`, audited on the customer with the points it
/// forfeited.
pub fn leave(
    conn: &mut PgConnection,
    actor: &Actor,
    member: &Member,
    program: &Program,
    forfeited: i64,
) -> QueryResult<()> {
    diesel::delete(loyalty_members::table.find((member.customer_id, member.company_id)))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        "customer",
        member.customer_id,
        "loyalty_unenrol",
        Some(membership(program, Some(forfeited))),
        None,
    )
}

/// A person's adjustment of `points` (signed) for `member` of `program` on `today` with
/// `reason`, audited on the customer (see `ledger::adjust`; the membership must be locked).
/// The shortfall, with no entry, when points taken exceed the balance.
pub fn adjust(
    conn: &mut PgConnection,
    actor: &Actor,
    member: &Member,
    program: &Program,
    points: i64,
    reason: &str,
    today: NaiveDate,
) -> QueryResult<Result<(), Shortfall>> {
    let (_, by) = actor.parts();
    let days = program.fields.expiry_days;
    if let Err(short) = ledger::adjust(conn, member, points, days, reason, today, &by)? {
        return Ok(Err(short));
    }
    audit::record(
        conn,
        actor,
        "customer",
        member.customer_id,
        "loyalty_adjust",
        None,
        Some(serde_json::json!({
            "program": program.fields.name,
            "points": points,
            "reason": reason,
        })),
    )?;
    Ok(Ok(()))
}
