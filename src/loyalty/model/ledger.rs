//! The points ledger: who is enrolled where, a member's standing (balance, spend, points about to
//! expire) read from their entries, and the writes every rule goes through — credits, draws that
//! take points from credits soonest-expiry first, and explicit expiry entries.
//!
//! Invariant (see the migration): a credit has no `against_entry_id`; every other entry names
//! the credit it takes from or gives back to and carries that credit's expiry date. The remaining
//! points of a credit are its points plus the points of the entries against it.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Numeric, Timestamptz};
use patron_rules::CustomerId;
use patron_rules::loyalty::{self as rules, Credit};
use rust_decimal::Decimal;

use crate::db::schema::{loyalty_members, loyalty_point_entries};

/// A customer's membership of a program in one company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct Member {
    /// Customer.
    pub customer_id: i64,
    /// Company.
    pub company_id: i64,
    /// Program.
    pub program_id: i64,
}

/// The columns a `Member` is read from.
const MEMBER: (
    loyalty_members::customer_id,
    loyalty_members::company_id,
    loyalty_members::program_id,
) = (
    loyalty_members::customer_id,
    loyalty_members::company_id,
    loyalty_members::program_id,
);

/// Customer `customer_id`'s membership in `company_id`, if any.
pub fn membership(
    conn: &mut PgConnection,
    customer_id: i64,
    company_id: i64,
) -> QueryResult<Option<Member>> {
    loyalty_members::table
        .find((customer_id, company_id))
        .select(MEMBER)
        .first(conn)
        .optional()
}

/// The same, with the membership row locked: every write that takes points away holds it, so
/// two tills cannot spend the same points.
pub fn lock_membership(
    conn: &mut PgConnection,
    customer_id: i64,
    company_id: i64,
) -> QueryResult<Option<Member>> {
    loyalty_members::table
        .find((customer_id, company_id))
        .select(MEMBER)
        .for_update()
        .first(conn)
        .optional()
}

/// Every membership of customer `customer_id`.
pub fn memberships(conn: &mut PgConnection, customer_id: i64) -> QueryResult<Vec<Member>> {
    loyalty_members::table
        .filter(loyalty_members::customer_id.eq(customer_id))
        .order(loyalty_members::company_id.asc())
        .select(MEMBER)
        .load(conn)
}

/// A member's points and spend, as of one day.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Standing {
    /// Points that count on the day.
    pub balance: i64,
    /// Everything bought in the program so far (sets the tier).
    pub spend: Decimal,
    /// Of the balance, points whose last day falls within the next 30 days.
    pub expiring_soon: i64,
}

/// Customer `customer_id`'s standing in `program_id` on `day`: one pass over their entries on
/// `loyalty_entries_customer_idx`.
pub fn standing(
    conn: &mut PgConnection,
    customer_id: i64,
    program_id: i64,
    day: NaiveDate,
) -> QueryResult<Standing> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        balance: i64,
        #[diesel(sql_type = Numeric)]
        spend: Decimal,
        #[diesel(sql_type = BigInt)]
        expiring: i64,
    }
    let row: Row = diesel::sql_query(
        "SELECT coalesce(sum(points) FILTER (WHERE expiry_date IS NULL OR expiry_date >= $3), 0)::bigint AS balance,
                coalesce(sum(purchase_amount), 0) AS spend,
                coalesce(sum(points) FILTER (WHERE expiry_date BETWEEN $3 AND $3 + 30), 0)::bigint AS expiring
         FROM loyalty_point_entries WHERE customer_id = $1 AND program_id = $2",
    )
    .bind::<BigInt, _>(customer_id)
    .bind::<BigInt, _>(program_id)
    .bind::<Date, _>(day)
    .get_result(conn)?;
    Ok(Standing {
        balance: row.balance,
        spend: row.spend,
        expiring_soon: row.expiring,
    })
}

/// The credits of customer `customer_id` in `program_id` that count on `day` and have points
/// left.
pub fn credits(
    conn: &mut PgConnection,
    customer_id: i64,
    program_id: i64,
    day: NaiveDate,
) -> QueryResult<Vec<Credit>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Nullable<Date>)]
        expiry_date: Option<NaiveDate>,
        #[diesel(sql_type = BigInt)]
        remaining: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT c.id, c.expiry_date, (c.points + coalesce(sum(d.points), 0))::bigint AS remaining
         FROM loyalty_point_entries c
         LEFT JOIN loyalty_point_entries d ON d.against_entry_id = c.id
         WHERE c.customer_id = $1 AND c.program_id = $2 AND c.against_entry_id IS NULL
           AND (c.expiry_date IS NULL OR c.expiry_date >= $3)
         GROUP BY c.id
         HAVING c.points + coalesce(sum(d.points), 0) > 0",
    )
    .bind::<BigInt, _>(customer_id)
    .bind::<BigInt, _>(program_id)
    .bind::<Date, _>(day)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| Credit {
            id: r.id,
            expiry: r.expiry_date,
            remaining: r.remaining,
        })
        .collect())
}

/// One ledger entry to write.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = loyalty_point_entries)]
pub struct NewEntry {
    /// Customer.
    pub customer_id: i64,
    /// Program.
    pub program_id: i64,
    /// Company.
    pub company_id: i64,
    /// The invoice that made it.
    pub invoice_id: Option<i64>,
    /// earn, redeem, expire, adjust, bonus, reversal.
    pub kind: String,
    /// Signed points.
    pub points: i64,
    /// Spend it adds (earn entries and their reversals).
    pub purchase_amount: Decimal,
    /// Tier the points were earned at.
    pub tier: Option<String>,
    /// Money per point at that tier.
    pub collection_factor: Option<Decimal>,
    /// Posting date.
    pub posting_date: NaiveDate,
    /// Last day it counts.
    pub expiry_date: Option<NaiveDate>,
    /// The credit it draws on or gives back to.
    pub against_entry_id: Option<i64>,
    /// For reversals: earn or redeem.
    pub reverses: Option<String>,
    /// Why (adjustments, expiry).
    pub reason: String,
    /// Who or what wrote it.
    pub created_by: String,
}

impl NewEntry {
    /// An entry of `kind` for `member` posted on `day` by `by`, with nothing else set.
    pub fn new(member: &Member, kind: &str, points: i64, day: NaiveDate, by: &str) -> NewEntry {
        NewEntry {
            customer_id: member.customer_id,
            program_id: member.program_id,
            company_id: member.company_id,
            invoice_id: None,
            kind: kind.to_owned(),
            points,
            purchase_amount: Decimal::ZERO,
            tier: None,
            collection_factor: None,
            posting_date: day,
            expiry_date: None,
            against_entry_id: None,
            reverses: None,
            reason: String::new(),
            created_by: by.to_owned(),
        }
    }
}

/// Writes `entries`.
pub fn insert(conn: &mut PgConnection, entries: &[NewEntry]) -> QueryResult<()> {
    diesel::insert_into(loyalty_point_entries::table)
        .values(entries)
        .execute(conn)?;
    Ok(())
}

/// Not enough points: the balance that counts on the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    /// Points available.
    pub available: i64,
}

/// Takes `points` from `member`'s credits that count on `template.posting_date`, soonest expiry
/// first, writing one entry per credit drawn on (each a copy of `template` with the points,
/// the credit and its expiry date). The membership must be locked.
pub fn draw(
    conn: &mut PgConnection,
    member: &Member,
    points: i64,
    template: &NewEntry,
) -> QueryResult<Result<(), Shortfall>> {
    Ok(match draws(conn, member, points, template)? {
        Ok(entries) => Ok(insert(conn, &entries)?),
        Err(short) => Err(short),
    })
}

/// The entries `draw` would write, without writing them.
pub fn draws(
    conn: &mut PgConnection,
    member: &Member,
    points: i64,
    template: &NewEntry,
) -> QueryResult<Result<Vec<NewEntry>, Shortfall>> {
    let credits = credits(
        conn,
        member.customer_id,
        member.program_id,
        template.posting_date,
    )?;
    let Some(taken) = rules::draw(&credits, points) else {
        return Ok(Err(Shortfall {
            available: credits.iter().map(|c| c.remaining).sum(),
        }));
    };
    Ok(Ok(taken
        .into_iter()
        .map(|(credit, take)| NewEntry {
            points: -take,
            against_entry_id: Some(credit.id),
            expiry_date: credit.expiry,
            ..template.clone()
        })
        .collect()))
}

/// Writes the expire entries of every credit whose last day is before its company's business day
/// at `now` and that still holds points; returns how many. Each carries its credit's expiry date, so the balance (which
/// had stopped counting the credit already) does not change: the entry is for the ledger's
/// readers, whose running balance then shows the loss.
pub fn expire(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::sql_query(
        "INSERT INTO loyalty_point_entries (customer_id, program_id, company_id, kind, points,
                                            posting_date, expiry_date, against_entry_id, reason,
                                            created_by)
         SELECT c.customer_id, c.program_id, c.company_id, 'expire',
                -(c.points + coalesce(d.drawn, 0)), c.expiry_date + 1, c.expiry_date, c.id,
                'Points expired', 'patron loyalty expire'
         FROM loyalty_point_entries c
         JOIN companies co ON co.id = c.company_id
         LEFT JOIN LATERAL (SELECT sum(points) AS drawn FROM loyalty_point_entries
                            WHERE against_entry_id = c.id) d ON true
         WHERE c.against_entry_id IS NULL AND c.expiry_date < business_day($1, co.time_zone)
           AND c.points + coalesce(d.drawn, 0) > 0
         ON CONFLICT (against_entry_id, invoice_id) WHERE kind = 'expire' DO NOTHING",
    )
    .bind::<Timestamptz, _>(now)
    .execute(conn)
}

/// Forfeits everything `member` holds on `today` (unenrolment): an expire entry per credit with
/// points left, so the ledger explains where the points went.
pub fn forfeit(
    conn: &mut PgConnection,
    member: &Member,
    today: NaiveDate,
    by: &str,
) -> QueryResult<i64> {
    let credits = credits(conn, member.customer_id, member.program_id, today)?;
    let entries: Vec<NewEntry> = credits
        .iter()
        .map(|credit| NewEntry {
            against_entry_id: Some(credit.id),
            expiry_date: credit.expiry,
            reason: "Forfeited on unenrolment".into(),
            ..NewEntry::new(member, "expire", -credit.remaining, today, by)
        })
        .collect();
    // A credit forfeited now cannot also expire later: its expire entry is this one.
    diesel::insert_into(loyalty_point_entries::table)
        .values(&entries)
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(credits.iter().map(|c| c.remaining).sum())
}

/// A merge: customer `from`'s entries become `to`'s, and so does each membership `to` does not
/// have in that company already (when both were members there, `to` keeps theirs, and `from`'s
/// points stay in `from`'s program under `to`'s name).
pub fn move_customer(
    conn: &mut PgConnection,
    from: CustomerId,
    to: CustomerId,
) -> QueryResult<usize> {
    let (from, to) = (from.get(), to.get());
    let moved = diesel::update(
        loyalty_point_entries::table.filter(loyalty_point_entries::customer_id.eq(from)),
    )
    .set(loyalty_point_entries::customer_id.eq(to))
    .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO loyalty_members (customer_id, company_id, program_id, enrolled_at, enrolled_by)
         SELECT $2, company_id, program_id, enrolled_at, enrolled_by FROM loyalty_members
         WHERE customer_id = $1
         ON CONFLICT DO NOTHING",
    )
    .bind::<BigInt, _>(from)
    .bind::<BigInt, _>(to)
    .execute(conn)?;
    let memberships =
        diesel::delete(loyalty_members::table.filter(loyalty_members::customer_id.eq(from)))
            .execute(conn)?;
    Ok(moved + memberships)
}

/// A manual adjustment of `points` (signed) for `member` on `today`: points given are a credit
/// that expires like earned ones (`expiry_days` of the program); points taken are drawn like a
/// redemption. The membership must be locked.
pub fn adjust(
    conn: &mut PgConnection,
    member: &Member,
    points: i64,
    expiry_days: i32,
    reason: &str,
    today: NaiveDate,
    by: &str,
) -> QueryResult<Result<(), Shortfall>> {
    let entry = NewEntry {
        reason: reason.to_owned(),
        expiry_date: rules::expiry_date(today, expiry_days),
        ..NewEntry::new(member, "adjust", points, today, by)
    };
    if points > 0 {
        insert(conn, &[entry])?;
        Ok(Ok(()))
    } else {
        draw(conn, member, -points, &entry)
    }
}

/// Points invoice `invoice_id` earned (a return: the negative cut it made), reversals left out.
pub fn points_earned(conn: &mut PgConnection, invoice_id: i64) -> QueryResult<i64> {
    let sum: Option<i64> = loyalty_point_entries::table
        .filter(loyalty_point_entries::invoice_id.eq(invoice_id))
        .filter(loyalty_point_entries::kind.eq("earn"))
        .select(diesel::dsl::sum(loyalty_point_entries::points))
        .first::<Option<Decimal>>(conn)?
        .and_then(|d| rust_decimal::prelude::ToPrimitive::to_i64(&d));
    Ok(sum.unwrap_or(0))
}
