//! Customer rows and queries: the only place that writes the `customers` table.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamptz};
use patron_rules::Activation;
use patron_rules::customers::{Search, code_for_number};
use patron_rules::search::like_escape;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::hooks::CustomerHooks;
use crate::audit;
use crate::db::schema::customers;
use crate::db::sql::{Bind, Sql};
use crate::kernel::Actor;

/// A customer as stored.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = customers)]
pub struct Customer {
    /// Internal id.
    pub id: i64,
    /// Chosen by whoever created it (a till sends its own).
    pub uuid: Uuid,
    /// `CUST-00042`, from the HQ sequence.
    pub code: String,
    /// What people edit (flattened in the audit log's JSON, as columns are).
    #[serde(flatten)]
    #[diesel(embed)]
    pub fields: CustomerFields,
    /// Store that created the customer; none when created at HQ.
    pub origin_store_id: Option<i64>,
    /// Deactivated customers are hidden from search but stay in history.
    pub active: bool,
    /// Who deactivated them.
    pub deactivated_by: Option<i64>,
    /// When.
    pub deactivated_at: Option<DateTime<Utc>>,
    /// The customer this one was merged into.
    pub merged_into_id: Option<i64>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Position in the change feed; none while the change waits for the sequencer.
    pub change_seq: Option<i64>,
}

audit::keyed_by_id!(Customer);

/// The audit log's name for a customer.
pub const ENTITY: &str = "customer";

/// The fields people edit, for inserts and updates alike.
#[derive(Debug, Clone, Default, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = customers, treat_none_as_null = true)]
pub struct CustomerFields {
    /// First Name.
    pub first_name: String,
    /// Last Name.
    pub last_name: String,
    /// Customer Group.
    pub customer_group_id: i64,
    /// Territory.
    pub territory_id: i64,
    /// Tax Id.
    pub tax_id: String,
    /// Mobile number.
    pub mobile: String,
    /// Email.
    pub email: String,
    /// Website.
    pub website: String,
    /// Address Line 1.
    pub address_line1: String,
    /// Address Line 2.
    pub address_line2: String,
    /// City.
    pub city: String,
    /// Postcode.
    pub postcode: String,
    /// Country.
    pub country_code: Option<String>,
    /// Birthday.
    pub birthday: Option<NaiveDate>,
    /// Gender.
    pub gender: String,
    /// Internal notes.
    pub notes: String,
    /// Credit limit.
    pub credit_limit: Decimal,
}

/// A new customer.
#[derive(Debug, Insertable)]
#[diesel(table_name = customers)]
pub struct NewCustomer {
    /// Its uuid.
    pub uuid: Uuid,
    /// The store creating it, none at HQ.
    pub origin_store_id: Option<i64>,
    /// What people typed.
    #[diesel(embed)]
    pub fields: CustomerFields,
}

/// The customer with `id`.
pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Customer> {
    customers::table
        .find(id)
        .select(Customer::as_select())
        .first(conn)
}

/// The customer with `id`, locked until the transaction ends.
pub fn find_for_update(conn: &mut PgConnection, id: i64) -> QueryResult<Customer> {
    customers::table
        .find(id)
        .select(Customer::as_select())
        .for_update()
        .first(conn)
}

/// What the customer page shows beside the record: names of the group, territory, origin store
/// and country, and the code of the customer this one was merged into.
#[derive(Debug, Clone)]
pub struct CustomerFacts {
    /// Customer Group.
    pub group: String,
    /// Territory.
    pub territory: String,
    /// Origin store's name and code (none: created at HQ).
    pub origin_store: Option<(String, String)>,
    /// Country name.
    pub country: Option<String>,
    /// The kept customer's code, after a merge.
    pub merged_into: Option<String>,
}

/// The facts of `customer`.
pub fn facts(conn: &mut PgConnection, customer: &Customer) -> QueryResult<CustomerFacts> {
    use crate::db::schema::{countries, stores};
    let group = crate::trees::model::groups::group(conn, customer.fields.customer_group_id)?.name;
    let territory =
        crate::trees::model::groups::territory(conn, customer.fields.territory_id)?.name;
    let origin_store = match customer.origin_store_id {
        Some(store) => Some(
            stores::table
                .find(store)
                .select((stores::name, stores::code))
                .first(conn)?,
        ),
        None => None,
    };
    let country = match &customer.fields.country_code {
        Some(code) => countries::table
            .find(code)
            .select(countries::name)
            .first(conn)
            .optional()?,
        None => None,
    };
    let merged_into = match customer.merged_into_id {
        Some(other) => Some(
            customers::table
                .find(other)
                .select(customers::code)
                .first(conn)?,
        ),
        None => None,
    };
    Ok(CustomerFacts {
        group,
        territory,
        origin_store,
        country,
        merged_into,
    })
}

/// The customer with `code` (any case), if any.
pub fn find_by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Option<Customer>> {
    customers::table
        .filter(customers::code.eq(code.trim().to_uppercase()))
        .select(Customer::as_select())
        .first(conn)
        .optional()
}

/// Marks customer `merged` as merged into `kept` (deactivated, pointing at it), after every
/// area's `merged` hook moved what points at it. Both rows are locked in id order first, so two
/// merges cannot cross. Audited: the merged customer before and after ("merge"), and a note on
/// the one kept ("merge_into").
pub fn merge(
    conn: &mut PgConnection,
    hooks: &CustomerHooks,
    kept: i64,
    merged: i64,
    by: i64,
    actor: &Actor,
) -> QueryResult<(Customer, Customer)> {
    let locked: Vec<Customer> = customers::table
        .filter(customers::id.eq_any([kept, merged]))
        .order(customers::id.asc())
        .select(Customer::as_select())
        .for_update()
        .load(conn)?;
    let locked_both = locked.len() == 2;
    let before = match locked.into_iter().find(|c| c.id == merged) {
        Some(before) if locked_both => before,
        _ => return Err(diesel::result::Error::NotFound),
    };
    hooks.merged(conn, merged, kept)?;
    let after = diesel::update(customers::table.find(merged))
        .set((
            customers::active.eq(false),
            customers::merged_into_id.eq(Some(kept)),
            customers::deactivated_by.eq(Some(by)),
            customers::deactivated_at.eq(Some(Utc::now())),
        ))
        .returning(Customer::as_returning())
        .get_result(conn)?;
    let kept = find(conn, kept)?;
    audit::record_change(conn, actor, ENTITY, merged, "merge", &before, &after)?;
    let note = serde_json::json!({ "merged": after.code, "merged_id": after.id });
    audit::record(conn, actor, ENTITY, kept.id, "merge_into", None, Some(note))?;
    Ok((kept, after))
}

/// Inserts a customer; the database assigns the code. Not audited: see `create`.
pub fn insert(conn: &mut PgConnection, new: &NewCustomer) -> QueryResult<Customer> {
    diesel::insert_into(customers::table)
        .values(new)
        .returning(Customer::as_returning())
        .get_result(conn)
}

/// Creates a customer, audited; the database assigns the code.
pub fn create(conn: &mut PgConnection, new: &NewCustomer, actor: &Actor) -> QueryResult<Customer> {
    audit::create(conn, actor, ENTITY, |conn| insert(conn, new))
}

/// Inserts the customer a till made offline, once by its uuid, audited: `None` when a retry
/// of the same upload got there first (its customer stands, unchanged and not audited again).
pub fn insert_once(
    conn: &mut PgConnection,
    new: &NewCustomer,
    actor: &Actor,
) -> QueryResult<Option<Customer>> {
    let made = diesel::insert_into(customers::table)
        .values(new)
        .on_conflict(customers::uuid)
        .do_nothing()
        .returning(customers::id)
        .get_result::<i64>(conn)
        .optional()?;
    let Some(id) = made else {
        return Ok(None);
    };
    audit::create(conn, actor, ENTITY, |conn| find(conn, id)).map(Some)
}

/// Saves edited fields of customer `id` (its row locked), audited with before and after.
pub fn update(
    conn: &mut PgConnection,
    id: i64,
    fields: &CustomerFields,
    actor: &Actor,
) -> QueryResult<Customer> {
    audit::update(
        conn,
        actor,
        ENTITY,
        id,
        |conn| find_for_update(conn, id),
        |conn, _| {
            diesel::update(customers::table.find(id))
                .set(fields)
                .returning(Customer::as_returning())
                .get_result(conn)
        },
    )
}

/// Notes in the audit log that `actor` took the customer list matching `filter` out as a file.
pub fn note_export(
    conn: &mut PgConnection,
    actor: &Actor,
    filter: serde_json::Value,
    rows: i64,
) -> QueryResult<()> {
    let note = serde_json::json!({ "filters": filter, "rows": rows });
    audit::record(conn, actor, ENTITY, "all", "export", None, Some(note))
}

/// Deactivates (recording who) or reactivates customer `id`, audited.
pub fn set_active(
    conn: &mut PgConnection,
    id: i64,
    activation: Activation,
    actor: &Actor,
) -> QueryResult<Customer> {
    audit::switch(
        conn,
        actor,
        "customer",
        id,
        activation,
        |conn| find_for_update(conn, id),
        |conn, active| {
            let (who, when) = if active {
                (None, None)
            } else {
                (actor.parts().0, Some(Utc::now()))
            };
            diesel::update(customers::table.find(id))
                .set((
                    customers::active.eq(active),
                    customers::deactivated_by.eq(who),
                    customers::deactivated_at.eq(when),
                ))
                .returning(Customer::as_returning())
                .get_result(conn)
        },
    )
}

/// Number of active customers.
pub fn count_active(conn: &mut PgConnection) -> QueryResult<i64> {
    customers::table
        .filter(customers::active.eq(true))
        .count()
        .get_result(conn)
}

/// Active customers for the home page: exact up to `exact_up_to`, past that PostgreSQL's own
/// estimate of the table's rows (counting a million rows on every visit costs too much).
/// Returns the number and whether it is exact.
pub fn count_active_roughly(conn: &mut PgConnection, exact_up_to: i64) -> QueryResult<(i64, bool)> {
    let capped = count_capped(conn, &ListFilter::default(), exact_up_to + 1)?;
    if capped <= exact_up_to {
        return Ok((capped, true));
    }
    let estimate: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
        "reltuples::bigint FROM pg_class WHERE oid = 'customers'::regclass",
    ))
    .get_result(conn)?;
    Ok((estimate.max(capped), false))
}

/// Which customers the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// Active only (the default).
    #[default]
    Active,
    /// Deactivated only.
    Deactivated,
    /// Both.
    All,
}

/// Order of the list, by one of its keys (the direction is `ListFilter::descending`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By name.
    #[default]
    Name,
    /// By code (codes follow creation, so by id).
    Code,
    /// By creation time.
    Created,
}

/// Where customers were created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// At head office.
    Hq,
    /// At this store.
    Store(i64),
}

/// A row's position in the list's order: the page starts after it, or ends before it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cursor {
    /// This (name, id).
    Name(String, i64),
    /// This id.
    Code(i64),
    /// This (created, id).
    Created(DateTime<Utc>, i64),
}

/// The list's filters.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// What the search box says.
    pub search: Option<Search>,
    /// Customer Group.
    pub group_id: Option<i64>,
    /// Territory.
    pub territory_id: Option<i64>,
    /// Origin store.
    pub origin: Option<Origin>,
    /// Status.
    pub status: Status,
    /// Order.
    pub sort: Sort,
    /// Z to A, highest code first, newest first.
    pub descending: bool,
    /// The page after this position, or before it when `backward`.
    pub after: Option<Cursor>,
    /// Read the rows before `after`, in reverse order (the "Previous" page).
    pub backward: bool,
    /// The store a supervisor works at: a search lists its customers first. Browsing ignores it,
    /// so that the plain list keeps one keyset order.
    pub own_store: Option<i64>,
    /// Only the members of a saved set (a segment's snapshot).
    pub within: Option<Within>,
}

/// A saved set of customers that another area keeps: `members` is the SQL that selects their
/// ids up to the set's `id`, which is bound right after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Within {
    /// `SELECT customer_id FROM ... WHERE set_id = ` (static text, never a person's input).
    pub members: &'static str,
    /// The set.
    pub id: i64,
}

/// One row of the customer list.
#[derive(Debug, Clone, QueryableByName)]
pub struct ListRow {
    /// Id.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// Code.
    #[diesel(sql_type = Text)]
    pub code: String,
    /// First Name.
    #[diesel(sql_type = Text)]
    pub first_name: String,
    /// Last Name.
    #[diesel(sql_type = Text)]
    pub last_name: String,
    /// Mobile.
    #[diesel(sql_type = Text)]
    pub mobile: String,
    /// Email.
    #[diesel(sql_type = Text)]
    pub email: String,
    /// Customer Group's name.
    #[diesel(sql_type = Text)]
    pub group_name: String,
    /// Origin store's code, none for HQ.
    #[diesel(sql_type = Nullable<Text>)]
    pub store_code: Option<String>,
    /// Active?
    #[diesel(sql_type = Bool)]
    pub active: bool,
    /// Folded name (the name sort key).
    #[diesel(sql_type = Text)]
    pub search_name: String,
    /// Created (the created sort key).
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// Adds the WHERE conditions of `filter` (without paging) to `sql`.
pub(super) fn push_conditions(sql: &mut Sql, filter: &ListFilter) {
    sql.push(" WHERE true");
    match filter.status {
        Status::Active => sql.push(" AND c.active"),
        Status::Deactivated => sql.push(" AND NOT c.active"),
        Status::All => sql,
    };
    if let Some(group) = filter.group_id {
        sql.push(" AND c.customer_group_id = ")
            .bind(Bind::Int(group));
    }
    if let Some(territory) = filter.territory_id {
        sql.push(" AND c.territory_id = ")
            .bind(Bind::Int(territory));
    }
    match filter.origin {
        Some(Origin::Hq) => {
            sql.push(" AND c.origin_store_id IS NULL");
        }
        Some(Origin::Store(store)) => {
            sql.push(" AND c.origin_store_id = ").bind(Bind::Int(store));
        }
        None => {}
    }
    if let Some(within) = &filter.within {
        sql.push(" AND c.id IN (")
            .push(within.members)
            .bind(Bind::Int(within.id))
            .push(")");
    }
    if let Some(search) = &filter.search {
        push_search(sql, search);
    }
}

/// The search condition: one index per kind of search (see `Search`).
fn push_search(sql: &mut Sql, search: &Search) {
    match search {
        Search::Name { words, whole } => {
            // Trigrams need three characters; shorter entries match the start of the name.
            let indexed: Vec<&String> = words.iter().filter(|w| w.chars().count() >= 3).collect();
            sql.push(" AND ((true");
            if indexed.is_empty() {
                sql.push(" AND c.search_name LIKE patron_fold(")
                    .bind(Bind::Text(like_escape(whole)))
                    .push(") || '%'");
            } else {
                for word in words {
                    sql.push(" AND c.search_name LIKE '%' || patron_fold(")
                        .bind(Bind::Text(like_escape(word)))
                        .push(") || '%'");
                }
            }
            sql.push(")");
            if let [word] = words.as_slice() {
                // One word may also be the start of an email address.
                sql.push(" OR (c.search_email <> '' AND c.search_email LIKE ")
                    .bind(Bind::Text(format!(
                        "{}%",
                        like_escape(&word.to_lowercase())
                    )))
                    .push(")");
            }
            sql.push(")");
        }
        Search::Email(start) => {
            // The partial index skips customers without an email; say so to use it.
            sql.push(" AND c.search_email <> '' AND c.search_email LIKE ")
                .bind(Bind::Text(format!("{}%", like_escape(start))));
        }
        Search::Code(start) => {
            sql.push(" AND c.code LIKE ")
                .bind(Bind::Text(format!("{}%", like_escape(start))));
        }
        Search::Phone { digits } => {
            let reversed: String = digits.chars().rev().collect();
            sql.push(" AND (c.mobile_digits <> '' AND (c.mobile_digits LIKE ")
                .bind(Bind::Text(format!("{digits}%")))
                .push(" OR reverse(c.mobile_digits) LIKE ")
                .bind(Bind::Text(format!("{reversed}%")))
                .push(")");
            if let Some(code) = code_for_number(digits) {
                sql.push(" OR c.code = ").bind(Bind::Text(code));
            }
            sql.push(")");
        }
    }
}

/// A query over customers with the list's filters applied, for other views of the same set
/// (the CSV export).
pub struct FilteredSql(Sql);

/// `select` (which names the customers table `c`) with the conditions of `filter`.
pub fn filtered_sql(select: &str, filter: &ListFilter) -> FilteredSql {
    let mut sql = Sql::default();
    sql.push(select);
    push_conditions(&mut sql, filter);
    FilteredSql(sql)
}

impl FilteredSql {
    /// Pages by id: `limit` rows after id `after`.
    pub fn and_id_after(&mut self, after: i64, limit: i64) {
        self.0
            .push(" AND c.id > ")
            .bind(Bind::Int(after))
            .push(" ORDER BY c.id LIMIT ")
            .bind(Bind::Int(limit));
    }

    /// Runs the query.
    pub fn load<T>(self, conn: &mut PgConnection) -> QueryResult<Vec<T>>
    where
        T: diesel::deserialize::QueryableByName<diesel::pg::Pg> + 'static,
    {
        self.0.query().load(conn)
    }
}

/// The list's columns (`origin_store_id` orders a supervisor's search; rows need not keep it).
pub(super) const LIST_COLUMNS: &str = "SELECT c.id, c.code, c.first_name, c.last_name, c.mobile, c.email, \
     g.name AS group_name, s.code AS store_code, c.origin_store_id, c.active, c.search_name, \
     c.created_at \
     FROM customers c JOIN customer_groups g ON g.id = c.customer_group_id \
     LEFT JOIN stores s ON s.id = c.origin_store_id";

/// Name matches sorted for a name search (see `list`).
pub const NAME_MATCHES: i64 = 200;

/// Puts the first key of a search's order: the supervisor's own store's customers first (a
/// sort key over the few matches, so every search keeps its index). `column` names the origin
/// store column as the query sees it.
pub(super) fn push_own_first(sql: &mut Sql, filter: &ListFilter, column: &str) {
    if let Some(own) = filter.own_store {
        sql.push(" (")
            .push(column)
            .push(" IS NOT DISTINCT FROM ")
            .bind(Bind::Int(own))
            .push(") DESC,");
    }
}

/// One page of the list: `limit` rows. With a search, a supervisor's own store's customers come
/// first; then exact code, phone and email matches, then the rest, by name (the list asks
/// `name_starts` first: see `list_page`). Without one, the chosen order, paged by keyset (never
/// OFFSET).
pub fn list(conn: &mut PgConnection, filter: &ListFilter, limit: i64) -> QueryResult<Vec<ListRow>> {
    let mut sql = Sql::default();
    if let Some(Search::Name { .. }) = &filter.search {
        // A common name part matches thousands; walking the name index for them is fast when they
        // sort early and takes seconds when they sort late. So take the first NAME_MATCHES the
        // trigram index finds and sort those: exact for rarer names, "type more" for common ones.
        sql.push("WITH m AS MATERIALIZED (");
        if let Some(own) = filter.own_store {
            // The own store's matches are taken apart too, so that other stores' cannot crowd
            // them out of the NAME_MATCHES.
            sql.push("(").push(LIST_COLUMNS);
            push_conditions(&mut sql, filter);
            sql.push(" AND c.origin_store_id = ").bind(Bind::Int(own));
            sql.push(" LIMIT ")
                .bind(Bind::Int(NAME_MATCHES))
                .push(") UNION (");
        }
        sql.push(LIST_COLUMNS);
        push_conditions(&mut sql, filter);
        sql.push(" LIMIT ").bind(Bind::Int(NAME_MATCHES));
        if filter.own_store.is_some() {
            sql.push(")");
        }
        sql.push(") SELECT * FROM m ORDER BY");
        push_own_first(&mut sql, filter, "origin_store_id");
        sql.push(" search_name, id LIMIT ").bind(Bind::Int(limit));
        // With that LIMIT the planner bets on a sequential scan stopping early, which costs a
        // whole-table scan for a rare name. Only the indexes' bitmaps are allowed here.
        return conn.transaction(|conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")?;
            sql.query().load(conn)
        });
    }
    sql.push(LIST_COLUMNS);
    push_conditions(&mut sql, filter);
    if let Some(search) = &filter.search {
        // Exact code, phone and email matches first; then by name.
        sql.push(" ORDER BY");
        push_own_first(&mut sql, filter, "c.origin_store_id");
        match search {
            Search::Phone { digits } => {
                sql.push(" c.code = ")
                    .bind(Bind::Text(code_for_number(digits).unwrap_or_default()))
                    .push(" DESC, c.mobile_digits = ")
                    .bind(Bind::Text(digits.clone()))
                    .push(" DESC,");
            }
            Search::Email(email) => {
                sql.push(" c.search_email = ")
                    .bind(Bind::Text(email.clone()))
                    .push(" DESC,");
            }
            Search::Code(code) => {
                sql.push(" c.code = ")
                    .bind(Bind::Text(code.clone()))
                    .push(" DESC,");
            }
            Search::Name { .. } => {}
        }
        sql.push(" c.search_name, c.id");
    } else {
        // Reading backwards (Previous) walks the same index the other way.
        let reverse = filter.descending != filter.backward;
        let (beyond, order) = if reverse {
            (" < (", " DESC")
        } else {
            (" > (", " ASC")
        };
        match &filter.after {
            Some(Cursor::Name(name, id)) => {
                sql.push(" AND (c.search_name, c.id)")
                    .push(beyond)
                    .bind(Bind::Text(name.clone()))
                    .push(", ")
                    .bind(Bind::Int(*id))
                    .push(")");
            }
            Some(Cursor::Code(id)) => {
                sql.push(" AND (c.id)")
                    .push(beyond)
                    .bind(Bind::Int(*id))
                    .push(")");
            }
            Some(Cursor::Created(at, id)) => {
                sql.push(" AND (c.created_at, c.id)")
                    .push(beyond)
                    .bind(Bind::Time(*at))
                    .push(", ")
                    .bind(Bind::Int(*id))
                    .push(")");
            }
            None => {}
        }
        let key = match filter.sort {
            Sort::Name => " ORDER BY c.search_name",
            Sort::Code => " ORDER BY c.id",
            Sort::Created => " ORDER BY c.created_at",
        };
        sql.push(key).push(order);
        if filter.sort != Sort::Code {
            sql.push(", c.id").push(order);
        }
    }
    sql.push(" LIMIT ").bind(Bind::Int(limit));
    sql.query().load(conn)
}

/// How many customers match, counting no further than `cap` (past it the page says "many").
pub fn count_capped(conn: &mut PgConnection, filter: &ListFilter, cap: i64) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut sql = Sql::default();
    sql.push("SELECT count(*) AS n FROM (SELECT 1 FROM customers c");
    push_conditions(&mut sql, filter);
    sql.push(" LIMIT ").bind(Bind::Int(cap)).push(") capped");
    Ok(sql.query().get_result::<N>(conn)?.n)
}

/// Customers who may be the person about to be created: same email, same mobile digits, or a
/// very similar name in the same city. At most `limit`, active ones only.
pub fn possible_duplicates(
    conn: &mut PgConnection,
    fields: &CustomerFields,
    except: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<ListRow>> {
    let digits = patron_rules::customers::digits(&fields.mobile);
    let mut sql = Sql::default();
    sql.push(LIST_COLUMNS);
    sql.push(" WHERE c.active AND c.id <> ")
        .bind(Bind::Int(except.unwrap_or(0)))
        .push(" AND (false");
    if !fields.email.trim().is_empty() {
        sql.push(" OR c.search_email = lower(")
            .bind(Bind::Text(fields.email.trim().to_owned()))
            .push(")");
    }
    if digits.len() >= 6 {
        sql.push(" OR c.mobile_digits = ").bind(Bind::Text(digits));
    }
    if !fields.city.trim().is_empty() {
        sql.push(" OR (lower(c.city) = lower(")
            .bind(Bind::Text(fields.city.trim().to_owned()))
            .push(") AND c.search_name % patron_fold(")
            .bind(Bind::Text(format!(
                "{} {}",
                fields.first_name.trim(),
                fields.last_name.trim()
            )))
            .push(") AND similarity(c.search_name, patron_fold(")
            .bind(Bind::Text(format!(
                "{} {}",
                fields.first_name.trim(),
                fields.last_name.trim()
            )))
            .push(")) >= 0.6)");
    }
    sql.push(") ORDER BY c.search_name, c.id LIMIT ")
        .bind(Bind::Int(limit));
    sql.query().load(conn)
}
