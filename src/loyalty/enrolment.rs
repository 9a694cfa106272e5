//! Who belongs to which program: enrolling by hand, unenrolling (forfeiting the points when the
//! program says so), and auto opt-in — a new or edited customer joins the one active auto-opt-in
//! program that matches them in a company, and none when two or more match (a person picks).

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Text};
use patron_rules::CustomerId;

use super::model;
use super::model::ledger::{self, Member};
use super::model::programs::{self, Program};
use crate::kernel::Actor;
use crate::web::AppError;

/// Enrols customer `customer_id` in `program_id`, which must be one they may join and the
/// only one of its company for them. Audited. Returns the membership.
pub fn enrol(
    conn: &mut PgConnection,
    customer_id: i64,
    program_id: i64,
    today: NaiveDate,
    actor: &Actor,
) -> Result<Member, AppError> {
    let eligible = programs::eligible_for(conn, customer_id, today)?;
    let Some(program) = eligible.iter().find(|p| p.id == program_id) else {
        return Err(AppError::field(
            "program",
            "This customer cannot join that program (inactive, not running today, or for another customer group or territory).",
        ));
    };
    if let Some(current) = ledger::membership(conn, customer_id, program.fields.company_id)? {
        let name = programs::find(conn, current.program_id)?.fields.name;
        return Err(AppError::field(
            "program",
            format!("Already enrolled in {name}: one program per company. Unenrol first."),
        ));
    }
    if !model::join(conn, actor, customer_id, program)? {
        return Err(AppError::field(
            "program",
            "Enrolled in another program meanwhile: one program per company.",
        ));
    }
    Ok(Member {
        customer_id,
        company_id: program.fields.company_id,
        program_id: program.id,
    })
}

/// Unenrols customer `customer_id` from their program in `company_id`; when the program
/// forfeits points on unenrolment, the points left are written off as expired. Audited. Returns
/// the membership ended and the points forfeited.
pub fn unenrol(
    conn: &mut PgConnection,
    customer_id: i64,
    company_id: i64,
    today: NaiveDate,
    actor: &Actor,
) -> Result<(Member, i64), AppError> {
    let (_, by) = actor.parts();
    let member =
        ledger::lock_membership(conn, customer_id, company_id)?.ok_or(AppError::NotFound)?;
    let program = programs::find(conn, member.program_id)?;
    let forfeited = if program.fields.forfeit_on_unenrol {
        ledger::forfeit(conn, &member, today, &by)?
    } else {
        0
    };
    model::leave(conn, actor, &member, &program, forfeited)?;
    Ok((member, forfeited))
}

/// The active auto-opt-in programs matching customer `customer_id`, per company where they
/// are not enrolled yet: (company, programs).
pub fn auto_candidates(
    conn: &mut PgConnection,
    customer_id: i64,
    today: NaiveDate,
) -> QueryResult<Vec<(i64, Vec<Program>)>> {
    let enrolled: Vec<i64> = ledger::memberships(conn, customer_id)?
        .iter()
        .map(|m| m.company_id)
        .collect();
    let eligible = programs::eligible_for(conn, customer_id, today)?;
    Ok(auto_by_company(&eligible, &enrolled))
}

/// Of the programs a customer may join, the auto-opt-in ones per company where they are in no
/// program (`enrolled` lists the companies where they are).
pub fn auto_by_company(eligible: &[Program], enrolled: &[i64]) -> Vec<(i64, Vec<Program>)> {
    let mut by_company: Vec<(i64, Vec<Program>)> = Vec::new();
    for program in eligible {
        let company = program.fields.company_id;
        if !program.fields.auto_opt_in || enrolled.contains(&company) {
            continue;
        }
        match by_company.iter_mut().find(|(c, _)| *c == company) {
            Some((_, list)) => list.push(program.clone()),
            None => by_company.push((company, vec![program.clone()])),
        }
    }
    by_company
}

/// Auto opt-in for a customer just created or edited: in each company where exactly one
/// auto-opt-in program matches and they are in none, they join it. Returns the memberships made.
pub fn auto_opt_in(
    conn: &mut PgConnection,
    customer_id: i64,
    today: NaiveDate,
    actor: &Actor,
) -> Result<Vec<Member>, AppError> {
    let mut made = Vec::new();
    for (_, candidates) in auto_candidates(conn, customer_id, today)? {
        if let [only] = candidates.as_slice() {
            made.push(enrol(conn, customer_id, only.id, today, actor)?);
        }
    }
    Ok(made)
}

/// Loyalty's `saved` hook for customers: auto opt-in once a customer is created or changed.
pub fn on_customer_saved(
    conn: &mut PgConnection,
    customer: CustomerId,
    today: NaiveDate,
    actor: &Actor,
) -> Result<(), AppError> {
    auto_opt_in(conn, customer.get(), today, actor).map(|_| ())
}

/// Auto opt-in for many new customers at once (a CSV import): the same rule as `auto_opt_in`,
/// set-based — each joins the one auto-opt-in program matching them in a company where they are
/// in none; with two or more matching, none. Returns how many memberships were made; the
/// import's audit entry covers them.
pub fn auto_opt_in_all(
    conn: &mut PgConnection,
    customer_ids: &[i64],
    today: NaiveDate,
    by: &str,
) -> QueryResult<usize> {
    diesel::sql_query(
        "WITH RECURSIVE
           auto AS (SELECT * FROM loyalty_programs
                    WHERE active AND auto_opt_in AND valid_from <= $2
                      AND (valid_upto IS NULL OR valid_upto >= $2)),
           groups_in(program_id, group_id) AS (
             SELECT id, customer_group_id FROM auto WHERE customer_group_id IS NOT NULL
             UNION SELECT g.program_id, c.id FROM customer_groups c JOIN groups_in g ON c.parent_id = g.group_id),
           territories_in(program_id, territory_id) AS (
             SELECT id, territory_id FROM auto WHERE territory_id IS NOT NULL
             UNION SELECT t.program_id, c.id FROM territories c JOIN territories_in t ON c.parent_id = t.territory_id),
           matches AS (
             SELECT cu.id AS customer_id, a.company_id, a.id AS program_id
             FROM customers cu JOIN auto a
               ON (a.customer_group_id IS NULL OR EXISTS (SELECT 1 FROM groups_in g
                     WHERE g.program_id = a.id AND g.group_id = cu.customer_group_id))
              AND (a.territory_id IS NULL OR EXISTS (SELECT 1 FROM territories_in t
                     WHERE t.program_id = a.id AND t.territory_id = cu.territory_id))
             WHERE cu.id = ANY($1) AND cu.active
               AND NOT EXISTS (SELECT 1 FROM loyalty_members m
                               WHERE m.customer_id = cu.id AND m.company_id = a.company_id))
         INSERT INTO loyalty_members (customer_id, company_id, program_id, enrolled_by)
         SELECT customer_id, company_id, min(program_id), $3 FROM matches
         GROUP BY customer_id, company_id HAVING count(*) = 1
         ON CONFLICT DO NOTHING",
    )
    .bind::<Array<BigInt>, _>(customer_ids)
    .bind::<Date, _>(today)
    .bind::<Text, _>(by)
    .execute(conn)
}
