//! Sales persons: who sells at the tills (and earns commission). Deactivated, never deleted.

use diesel::prelude::*;
use patron_rules::Activation;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit::model as audit;
use crate::db::schema::sales_persons;
use crate::kernel::Actor;

/// One sales person.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, PartialEq)]
#[diesel(table_name = sales_persons)]
pub struct SalesPerson {
    /// Id.
    pub id: i64,
    /// Unique employee code (`EMP-004`), what tills send.
    pub employee_code: String,
    /// Name.
    pub name: String,
    /// Commission Rate, percent.
    pub commission_rate: Decimal,
    /// Deactivated sales persons stay for history.
    pub active: bool,
}

audit::keyed_by_id!(SalesPerson);

/// What a person edits.
#[derive(Debug, Clone, Default, Insertable, AsChangeset, Serialize, PartialEq)]
#[diesel(table_name = sales_persons)]
pub struct SalesPersonFields {
    /// Employee code.
    pub employee_code: String,
    /// Name.
    pub name: String,
    /// Commission Rate, percent.
    pub commission_rate: Decimal,
}

/// How many rows the list shows; more asks for a narrower search.
pub const LIST_LIMIT: i64 = 200;

/// Sales persons matching `query` (any part of name or code), active first, by name.
pub fn search(
    conn: &mut PgConnection,
    query: &str,
    active_only: bool,
) -> QueryResult<Vec<SalesPerson>> {
    let mut select = sales_persons::table
        .select(SalesPerson::as_select())
        .order((sales_persons::active.desc(), sales_persons::name.asc()))
        .limit(LIST_LIMIT + 1)
        .into_boxed();
    let query = query.trim();
    if !query.is_empty() {
        let pattern = format!("%{}%", patron_rules::search::like_escape(query));
        select = select.filter(
            sales_persons::name
                .ilike(pattern.clone())
                .or(sales_persons::employee_code.ilike(pattern)),
        );
    }
    if active_only {
        select = select.filter(sales_persons::active.eq(true));
    }
    select.load(conn)
}

/// Every active sales person by name, for the profile's checklist.
pub fn active(conn: &mut PgConnection) -> QueryResult<Vec<SalesPerson>> {
    sales_persons::table
        .filter(sales_persons::active.eq(true))
        .order(sales_persons::name.asc())
        .select(SalesPerson::as_select())
        .load(conn)
}

/// The sales persons with these ids, by name.
pub fn by_ids(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<Vec<SalesPerson>> {
    sales_persons::table
        .filter(sales_persons::id.eq_any(ids))
        .order(sales_persons::name.asc())
        .select(SalesPerson::as_select())
        .load(conn)
}

/// The active sales person with employee code `code` (any case) whom POS profile `profile_id`
/// allows, if any.
pub fn allowed_by_code(
    conn: &mut PgConnection,
    profile_id: i64,
    code: &str,
) -> QueryResult<Option<SalesPerson>> {
    use crate::db::lower;
    use crate::db::schema::pos_profile_sales_persons as allowed;
    allowed::table
        .inner_join(sales_persons::table)
        .filter(allowed::pos_profile_id.eq(profile_id))
        .filter(lower(sales_persons::employee_code).eq(code.to_lowercase()))
        .filter(sales_persons::active)
        .select(SalesPerson::as_select())
        .first(conn)
        .optional()
}

/// Sales person `id`.
pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<SalesPerson> {
    sales_persons::table
        .find(id)
        .select(SalesPerson::as_select())
        .first(conn)
}

/// The sales person with employee `code`, if any.
pub fn find_by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Option<SalesPerson>> {
    sales_persons::table
        .filter(sales_persons::employee_code.eq(code))
        .select(SalesPerson::as_select())
        .first(conn)
        .optional()
}

/// Whether another sales person than `except` has `code`.
pub fn code_taken(conn: &mut PgConnection, code: &str, except: Option<i64>) -> QueryResult<bool> {
    let mut query = sales_persons::table
        .filter(sales_persons::employee_code.eq(code))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(sales_persons::id.ne(id));
    }
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

/// Creates a sales person, audited.
pub fn create(
    conn: &mut PgConnection,
    fields: &SalesPersonFields,
    actor: &Actor,
) -> QueryResult<SalesPerson> {
    audit::create(conn, actor, "sales_person", |conn| {
        diesel::insert_into(sales_persons::table)
            .values(fields)
            .returning(SalesPerson::as_returning())
            .get_result(conn)
    })
}

/// Saves an edit of sales person `id`, audited.
pub fn update(
    conn: &mut PgConnection,
    id: i64,
    fields: &SalesPersonFields,
    actor: &Actor,
) -> QueryResult<SalesPerson> {
    audit::update(
        conn,
        actor,
        "sales_person",
        id,
        |conn| find(conn, id),
        |conn, _| {
            diesel::update(sales_persons::table.find(id))
                .set((fields, sales_persons::updated_at.eq(diesel::dsl::now)))
                .returning(SalesPerson::as_returning())
                .get_result(conn)
        },
    )
}

/// Deactivates or reactivates sales person `id`, audited.
pub fn set_active(
    conn: &mut PgConnection,
    id: i64,
    activation: Activation,
    actor: &Actor,
) -> QueryResult<SalesPerson> {
    audit::switch(
        conn,
        actor,
        "sales_person",
        id,
        activation,
        |conn| find(conn, id),
        |conn, active| {
            diesel::update(sales_persons::table.find(id))
                .set((
                    sales_persons::active.eq(active),
                    sales_persons::updated_at.eq(diesel::dsl::now),
                ))
                .returning(SalesPerson::as_returning())
                .get_result(conn)
        },
    )
}
