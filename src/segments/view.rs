//! What the segment pages read: the live count of a set of filters with a sample of its
//! customers, its customers page by page for the CSV (all from the one query of the filters, so
//! they agree), its sentences, and the choices of the form's selects.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Numeric, Text};
use patron_rules::Currency;
use patron_rules::segments::{Filters, SAMPLE};
use patron_rules::tree::in_tree_order;

use crate::trees::model::groups::{self, Group, Territory};
use rust_decimal::Decimal;

use super::{facts, names, query};
use crate::db::schema::{loyalty_programs, loyalty_tiers, offers, stores};
use crate::db::sql::{Bind, Sql};

/// A customer of a segment, as the sample and the CSV show them.
#[derive(Debug, Clone, QueryableByName)]
pub struct Member {
    /// Id.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// Code.
    #[diesel(sql_type = Text)]
    pub code: String,
    /// First and last name.
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Mobile.
    #[diesel(sql_type = Text)]
    pub mobile: String,
    /// Email.
    #[diesel(sql_type = Text)]
    pub email: String,
    /// Last purchase from the company.
    #[diesel(sql_type = Nullable<diesel::sql_types::Date>)]
    pub last_purchase: Option<NaiveDate>,
    /// Net spend with the company, all time.
    #[diesel(sql_type = Numeric)]
    pub net_sales: Decimal,
}

/// How many customers `filters` hold now (the sales noted so far folded into the facts first,
/// as a report folds before it reads: the count is exact).
pub fn count(
    conn: &mut PgConnection,
    filters: &Filters,
    company: i64,
    today: NaiveDate,
) -> QueryResult<i64> {
    crate::db::fold::fold(conn)?;
    let scope = facts::scope(conn, company, today)?;
    count_in(conn, filters, &scope)
}

/// The count alone: a plain aggregate, which PostgreSQL runs in parallel and whose workers
/// hand back one row each, not every member.
fn count_in(conn: &mut PgConnection, filters: &Filters, scope: &query::Scope) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut sql = Sql::new("SELECT count(*) AS n FROM (");
    query::push_members(&mut sql, filters, scope);
    sql.push(") m");
    Ok(sql.query().get_result::<N>(conn)?.n)
}

/// What a member row selects, from `customers c` and the company's `customer_purchases p`.
const MEMBER_COLUMNS: &str = "c.id, c.code, btrim(c.first_name || ' ' || c.last_name) AS name, \
     c.mobile, c.email, p.last_purchase, coalesce(p.net_sales, 0) AS net_sales";

/// How many customers `filters` hold now and a sample of them (the newest `SAMPLE`). Folds
/// first, as `count` does.
///
/// Counting every member and keeping the newest in one pass (a materialized CTE) stores every
/// member: up to a million rows handed over by the parallel workers, which cost more than the
/// count itself (bench/RESULTS.md, "count and sample apart"). So the sample is looked for among
/// the company's newest `PROBE` customers first; when they hold a whole sample, that is the
/// sample, and the count is a plain aggregate on its own. A thinner segment (whose newest
/// members are too few there) is counted and sampled in the one pass, which stores few rows.
pub fn count_and_sample(
    conn: &mut PgConnection,
    filters: &Filters,
    company: i64,
    today: NaiveDate,
) -> QueryResult<(i64, Vec<Member>)> {
    crate::db::fold::fold(conn)?;
    let scope = facts::scope(conn, company, today)?;
    let from = facts::newest_from(conn, company, PROBE)?;
    let mut sql = Sql::new("WITH s AS (SELECT id FROM (");
    query::push_members(&mut sql, filters, &scope);
    sql.push(") m WHERE id >= ")
        .bind(Bind::Int(from))
        .push(" ORDER BY id DESC LIMIT ")
        .bind(Bind::Int(SAMPLE))
        .push(")");
    let sample: Vec<Member> = with_member_columns(sql, "", company).query().load(conn)?;
    if sample.len() as i64 == SAMPLE {
        return Ok((count_in(conn, filters, &scope)?, sample));
    }
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(embed)]
        member: Member,
        #[diesel(sql_type = BigInt)]
        total: i64,
    }
    let mut sql = Sql::new("WITH m AS MATERIALIZED (");
    query::push_members(&mut sql, filters, &scope);
    sql.push("), s AS (SELECT id FROM m ORDER BY id DESC LIMIT ")
        .bind(Bind::Int(SAMPLE))
        .push(")");
    let rows: Vec<Row> = with_member_columns(sql, ", (SELECT count(*) FROM m) AS total", company)
        .query()
        .load(conn)?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok((total, rows.into_iter().map(|r| r.member).collect()))
}

/// How many of the company's newest customers a sample is looked for among first.
const PROBE: i64 = 1000;

/// `sql` (a `WITH s AS (SELECT id ...)`) with the member columns of `s`'s ids and `more`,
/// newest first.
fn with_member_columns(mut sql: Sql, more: &str, company: i64) -> Sql {
    sql.push(&format!(
        " SELECT {MEMBER_COLUMNS}{more} FROM s JOIN customers c ON c.id = s.id \
         LEFT JOIN customer_purchases p ON p.customer_id = c.id AND p.company_id = "
    ))
    .bind(Bind::Int(company))
    .push(" ORDER BY c.id DESC");
    sql
}

/// The next `limit` members after id `after`, by id (the CSV's pages).
pub fn page(
    conn: &mut PgConnection,
    filters: &Filters,
    company: i64,
    today: NaiveDate,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<Member>> {
    let mut sql = Sql::new(&format!(
        "SELECT {MEMBER_COLUMNS} FROM customers c LEFT JOIN customer_purchases p \
           ON p.customer_id = c.id AND p.company_id = "
    ));
    let scope = facts::scope(conn, company, today)?;
    sql.bind(Bind::Int(company)).push(" WHERE c.id IN (");
    query::push_members(&mut sql, filters, &scope);
    sql.push(") AND c.id > ")
        .bind(Bind::Int(after))
        .push(" ORDER BY c.id LIMIT ")
        .bind(Bind::Int(limit));
    sql.query().load(conn)
}

/// The filters as sentences, the records they name looked up.
pub fn sentences(
    conn: &mut PgConnection,
    filters: &Filters,
    currency: &Currency,
) -> QueryResult<Vec<String>> {
    let found = names::of(conn, &filters.named())?;
    let name = |n| found.get(&n).cloned().unwrap_or_default();
    Ok(filters.sentences(&name, currency))
}

/// The choices of the form's selects: (id, label) each, in the order people look for them.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// Customer groups, in tree order, indented.
    pub groups: Vec<(i64, String)>,
    /// Territories, in tree order, indented.
    pub territories: Vec<(i64, String)>,
    /// Stores of the company.
    pub stores: Vec<(i64, String)>,
    /// Loyalty programs of the company.
    pub programs: Vec<(i64, String)>,
    /// Their tiers, "Gold (Rewards)".
    pub tiers: Vec<(i64, String)>,
    /// Offers of the company.
    pub offers: Vec<(i64, String)>,
}

/// The choices for `company`.
pub fn choices(conn: &mut PgConnection, company: i64) -> QueryResult<Choices> {
    // As the offer form lists them: parents before children, a dash per level.
    let indented =
        |id: i64, name: &str, depth: usize| (id, format!("{}{name}", "— ".repeat(depth)));
    let groups = in_tree_order(groups::groups(conn)?, Group::node)
        .into_iter()
        .map(|(g, depth)| indented(g.id, &g.name, depth))
        .collect();
    let territories = in_tree_order(groups::territories(conn)?, Territory::node)
        .into_iter()
        .map(|(t, depth)| indented(t.id, &t.name, depth))
        .collect();
    Ok(Choices {
        groups,
        territories,
        stores: stores::table
            .filter(stores::company_id.eq(company))
            .order(stores::name.asc())
            .select((stores::id, stores::name))
            .load(conn)?,
        programs: loyalty_programs::table
            .filter(loyalty_programs::company_id.eq(company))
            .order(loyalty_programs::name.asc())
            .select((loyalty_programs::id, loyalty_programs::name))
            .load(conn)?,
        tiers: loyalty_tiers::table
            .inner_join(loyalty_programs::table)
            .filter(loyalty_programs::company_id.eq(company))
            .order((loyalty_programs::name.asc(), loyalty_tiers::min_spent.asc()))
            .select((
                loyalty_tiers::id,
                loyalty_tiers::name,
                loyalty_programs::name,
            ))
            .load::<(i64, String, String)>(conn)?
            .into_iter()
            .map(|(id, tier, program)| (id, format!("{tier} ({program})")))
            .collect(),
        offers: offers::table
            .filter(offers::company_id.eq(company))
            .order(offers::title.asc())
            .select((offers::id, offers::title))
            .load(conn)?,
    })
}
