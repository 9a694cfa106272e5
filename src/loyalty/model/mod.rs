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

/// What enrolling many customers at once came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Joined {
    /// Customers who joined the program now.
    pub enrolled: i64,
    /// Customers left as they were: members of a program of the company already.
    pub already: i64,
    /// Customers left out: outside the program's Customer Group or Territory.
    pub outside: i64,
}

/// Makes each of `customers` who is in no program of `program`'s company, and inside its
/// Customer Group and Territory (when it has them), a member of it, in one statement (ON
/// CONFLICT DO NOTHING: a member already is left as they are, so a second run joins no one).
/// Each customer who joined gets the same audit entry as one enrolled by hand.
pub fn join_all(
    conn: &mut PgConnection,
    actor: &Actor,
    customers: &[i64],
    program: &Program,
) -> QueryResult<Joined> {
    use diesel::sql_types::{Array, BigInt, Nullable, Text};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        customer_id: i64,
    }
    let (_, by) = actor.parts();
    let company = program.fields.company_id;
    let already: i64 = loyalty_members::table
        .filter(loyalty_members::company_id.eq(company))
        .filter(loyalty_members::customer_id.eq_any(customers))
        .count()
        .get_result(conn)?;
    let joined: Vec<i64> = diesel::sql_query(
        "WITH RECURSIVE \
           g(id) AS (SELECT $3::bigint WHERE $3::bigint IS NOT NULL \
                     UNION SELECT c.id FROM customer_groups c JOIN g ON c.parent_id = g.id), \
           t(id) AS (SELECT $4::bigint WHERE $4::bigint IS NOT NULL \
                     UNION SELECT c.id FROM territories c JOIN t ON c.parent_id = t.id) \
         INSERT INTO loyalty_members (customer_id, company_id, program_id, enrolled_by) \
         SELECT cu.id, $5, $2, $6 FROM customers cu \
         WHERE cu.id = ANY($1) \
           AND ($3::bigint IS NULL OR cu.customer_group_id IN (SELECT id FROM g)) \
           AND ($4::bigint IS NULL OR cu.territory_id IN (SELECT id FROM t)) \
         ON CONFLICT DO NOTHING RETURNING customer_id",
    )
    .bind::<Array<BigInt>, _>(customers)
    .bind::<BigInt, _>(program.id)
    .bind::<Nullable<BigInt>, _>(program.fields.customer_group_id)
    .bind::<Nullable<BigInt>, _>(program.fields.territory_id)
    .bind::<BigInt, _>(company)
    .bind::<Text, _>(&by)
    .load::<Row>(conn)?
    .into_iter()
    .map(|r| r.customer_id)
    .collect();
    audit::record_each(
        conn,
        actor,
        "customer",
        &joined,
        "loyalty_enrol",
        &membership(program, None),
    )?;
    let enrolled = i64::try_from(joined.len()).unwrap_or(i64::MAX);
    let asked = i64::try_from(customers.len()).unwrap_or(i64::MAX);
    Ok(Joined {
        enrolled,
        already,
        outside: (asked - already - enrolled).max(0),
    })
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
