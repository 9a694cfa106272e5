//! Loyalty programs and their tiers as stored: reading one, the programs a customer may join
//! (their customer group and territory fall under the program's, subtrees included), and
//! writing a program with its tiers in one go.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date};
use patron_rules::Activation;
use patron_rules::loyalty::TierRule;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::audit;
use crate::db::schema::{loyalty_members, loyalty_point_entries, loyalty_programs, loyalty_tiers};
use crate::kernel::Actor;

/// The audit log's name for a program.
pub const ENTITY: &str = "loyalty_program";

/// A program's settings as a form edits them.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = loyalty_programs)]
#[diesel(treat_none_as_null = true)]
pub struct ProgramFields {
    /// Program Name.
    pub name: String,
    /// Company.
    pub company_id: i64,
    /// Program Type: Multiple Tier when true.
    pub multiple_tier: bool,
    /// Money value of one point.
    pub conversion_factor: Decimal,
    /// Expiry Duration in days (0: never).
    pub expiry_days: i32,
    /// Valid From.
    pub valid_from: NaiveDate,
    /// Valid Upto.
    pub valid_upto: Option<NaiveDate>,
    /// Only customers of this group (subtree included).
    pub customer_group_id: Option<i64>,
    /// Only customers of this territory (subtree included).
    pub territory_id: Option<i64>,
    /// Enrol matching customers automatically.
    pub auto_opt_in: bool,
    /// Forfeit Points On Unenrol.
    pub forfeit_on_unenrol: bool,
}

/// A stored program.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = loyalty_programs)]
pub struct Program {
    /// Id.
    pub id: i64,
    /// Its settings.
    #[diesel(embed)]
    pub fields: ProgramFields,
    /// Active.
    pub active: bool,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Program {
    /// Whether points may be earned or redeemed in it on `day`.
    pub fn runs_on(&self, day: NaiveDate) -> bool {
        self.active
            && self.fields.valid_from <= day
            && self.fields.valid_upto.is_none_or(|upto| day <= upto)
    }
}

/// Program `id`.
pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Program> {
    loyalty_programs::table
        .find(id)
        .select(Program::as_select())
        .first(conn)
}

/// Every program, by name.
pub fn all(conn: &mut PgConnection) -> QueryResult<Vec<Program>> {
    loyalty_programs::table
        .order((loyalty_programs::name.asc(), loyalty_programs::id.asc()))
        .select(Program::as_select())
        .load(conn)
}

/// Program `id`'s tiers, lowest Min Spent first.
pub fn tiers(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<TierRule>> {
    let rows: Vec<(String, Decimal, Decimal)> = loyalty_tiers::table
        .filter(loyalty_tiers::program_id.eq(id))
        .order(loyalty_tiers::min_spent.asc())
        .select((
            loyalty_tiers::name,
            loyalty_tiers::min_spent,
            loyalty_tiers::collection_factor,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(name, min_spent, collection_factor)| TierRule {
            name,
            min_spent,
            collection_factor,
        })
        .collect())
}

/// Writes a new program with its tiers; returns its id. Tiers must have passed
/// `rules::check_tiers`.
pub fn insert(
    conn: &mut PgConnection,
    fields: &ProgramFields,
    tiers: &[TierRule],
) -> QueryResult<i64> {
    let id = diesel::insert_into(loyalty_programs::table)
        .values(fields)
        .returning(loyalty_programs::id)
        .get_result(conn)?;
    replace_tiers(conn, id, tiers)?;
    Ok(id)
}

/// Saves program `id`'s settings and replaces its tiers.
pub fn update(
    conn: &mut PgConnection,
    id: i64,
    fields: &ProgramFields,
    tiers: &[TierRule],
) -> QueryResult<()> {
    diesel::update(loyalty_programs::table.find(id))
        .set((fields, loyalty_programs::updated_at.eq(diesel::dsl::now)))
        .execute(conn)?;
    replace_tiers(conn, id, tiers)
}

/// Tiers are a table edited as a whole; entries keep their tier's name, so nothing refers to
/// a tier row and replacing them loses nothing.
fn replace_tiers(conn: &mut PgConnection, id: i64, tiers: &[TierRule]) -> QueryResult<()> {
    diesel::delete(loyalty_tiers::table.filter(loyalty_tiers::program_id.eq(id))).execute(conn)?;
    let rows: Vec<_> = tiers
        .iter()
        .map(|t| {
            (
                loyalty_tiers::program_id.eq(id),
                loyalty_tiers::name.eq(t.name.trim()),
                loyalty_tiers::min_spent.eq(t.min_spent),
                loyalty_tiers::collection_factor.eq(t.collection_factor),
            )
        })
        .collect();
    diesel::insert_into(loyalty_tiers::table)
        .values(&rows)
        .execute(conn)?;
    Ok(())
}

/// Activates or deactivates program `id` (a program in use is never deleted), audited with
/// its tiers.
pub fn set_active(
    conn: &mut PgConnection,
    id: i64,
    activation: Activation,
    actor: &Actor,
) -> QueryResult<serde_json::Value> {
    audit::switch(
        conn,
        actor,
        ENTITY,
        id,
        activation,
        |conn| snapshot(conn, id),
        |conn, active| {
            diesel::update(loyalty_programs::table.find(id))
                .set((
                    loyalty_programs::active.eq(active),
                    loyalty_programs::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)?;
            snapshot(conn, id)
        },
    )
}

/// The active programs running on `day` that customer `customer_id` may join: the program's
/// customer group and territory, when set, hold the customer's (their subtrees included).
pub fn eligible_for(
    conn: &mut PgConnection,
    customer_id: i64,
    day: NaiveDate,
) -> QueryResult<Vec<Program>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let ids: Vec<Id> = diesel::sql_query(
        "WITH RECURSIVE c AS (SELECT customer_group_id, territory_id FROM customers WHERE id = $1),
              g(id) AS (SELECT customer_group_id FROM c
                        UNION SELECT p.parent_id FROM customer_groups p JOIN g ON p.id = g.id
                        WHERE p.parent_id IS NOT NULL),
              t(id) AS (SELECT territory_id FROM c
                        UNION SELECT p.parent_id FROM territories p JOIN t ON p.id = t.id
                        WHERE p.parent_id IS NOT NULL)
         SELECT lp.id FROM loyalty_programs lp
         WHERE lp.active AND lp.valid_from <= $2 AND (lp.valid_upto IS NULL OR lp.valid_upto >= $2)
           AND (lp.customer_group_id IS NULL OR lp.customer_group_id IN (SELECT id FROM g))
           AND (lp.territory_id IS NULL OR lp.territory_id IN (SELECT id FROM t))
         ORDER BY lp.name, lp.id",
    )
    .bind::<BigInt, _>(customer_id)
    .bind::<Date, _>(day)
    .load(conn)?;
    let ids: Vec<i64> = ids.into_iter().map(|i| i.id).collect();
    loyalty_programs::table
        .filter(loyalty_programs::id.eq_any(&ids))
        .order((loyalty_programs::name.asc(), loyalty_programs::id.asc()))
        .select(Program::as_select())
        .load(conn)
}

/// Whether another program than `except` of company `company_id` is called `name` (whatever
/// its case), as the unique index `loyalty_programs_name_key` has it.
pub fn name_taken(
    conn: &mut PgConnection,
    company_id: i64,
    name: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let mut query = loyalty_programs::table
        .filter(loyalty_programs::company_id.eq(company_id))
        .filter(crate::db::lower(loyalty_programs::name).eq(crate::db::lower(name)))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(loyalty_programs::id.ne(id));
    }
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

/// How many customers each program has enrolled, by program id (programs with none absent).
pub fn member_counts(conn: &mut PgConnection) -> QueryResult<Vec<(i64, i64)>> {
    loyalty_members::table
        .group_by(loyalty_members::program_id)
        .select((loyalty_members::program_id, diesel::dsl::count_star()))
        .load(conn)
}

/// The points each program's members hold on `day`, by program id: the sum of the entries that
/// have not expired by then (a debit carries its credit's expiry, so it lapses with it).
pub fn points_outstanding(conn: &mut PgConnection, day: NaiveDate) -> QueryResult<Vec<(i64, i64)>> {
    let sums: Vec<(i64, Option<Decimal>)> = loyalty_point_entries::table
        .filter(
            loyalty_point_entries::expiry_date
                .is_null()
                .or(loyalty_point_entries::expiry_date.ge(day)),
        )
        .group_by(loyalty_point_entries::program_id)
        .select((
            loyalty_point_entries::program_id,
            diesel::dsl::sum(loyalty_point_entries::points),
        ))
        .load(conn)?;
    Ok(sums
        .into_iter()
        .map(|(id, sum)| (id, sum.and_then(|s| s.to_i64()).unwrap_or(0)))
        .collect())
}

/// Whether program `id` is in use: customers are enrolled in it or its ledger has entries.
pub fn in_use(conn: &mut PgConnection, id: i64) -> QueryResult<bool> {
    let members = loyalty_members::table.filter(loyalty_members::program_id.eq(id));
    let entries = loyalty_point_entries::table.filter(loyalty_point_entries::program_id.eq(id));
    diesel::select(diesel::dsl::exists(members).or(diesel::dsl::exists(entries))).get_result(conn)
}

/// A program with its tiers as the audit log keeps it.
pub fn snapshot(conn: &mut PgConnection, id: i64) -> QueryResult<serde_json::Value> {
    let program = find(conn, id)?;
    let tier_rules = tiers(conn, id)?;
    let f = &program.fields;
    Ok(serde_json::json!({
        "id": program.id,
        "name": f.name,
        "company_id": f.company_id,
        "program_type": if f.multiple_tier { "Multiple Tier" } else { "Single Tier" },
        "conversion_factor": f.conversion_factor,
        "expiry_days": f.expiry_days,
        "valid_from": f.valid_from,
        "valid_upto": f.valid_upto,
        "customer_group_id": f.customer_group_id,
        "territory_id": f.territory_id,
        "auto_opt_in": f.auto_opt_in,
        "forfeit_on_unenrol": f.forfeit_on_unenrol,
        "active": program.active,
        "tiers": tier_rules
            .iter()
            .map(|t| serde_json::json!({
                "name": t.name,
                "min_spent": t.min_spent,
                "collection_factor": t.collection_factor,
            }))
            .collect::<Vec<_>>(),
    }))
}
