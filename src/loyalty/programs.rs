//! Loyalty programs and their tiers as stored: reading one, the programs a customer may join
//! (their customer group and territory fall under the program's, subtrees included), and
//! writing a program with its tiers in one go.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date};
use rust_decimal::Decimal;

use super::rules::TierRule;
use crate::db::schema::{loyalty_programs, loyalty_tiers};

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

/// Activates or deactivates program `id` (a program in use is never deleted).
pub fn set_active(conn: &mut PgConnection, id: i64, active: bool) -> QueryResult<()> {
    diesel::update(loyalty_programs::table.find(id))
        .set((
            loyalty_programs::active.eq(active),
            loyalty_programs::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(())
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
