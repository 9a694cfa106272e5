//! Store and company rows and their queries. A store is created with its POS profile, in the
//! same transaction, so that every store has one.

pub mod delivery;
pub mod profile;
pub mod sales_persons;
pub mod tokens;

use diesel::prelude::*;
use patron_rules::clock::Clock;
use patron_rules::{Activation, Currency};
use serde::Serialize;

use self::profile::ProfileSettings;
use crate::audit::model as audit;
use crate::db::schema::{companies, currencies, pos_profiles, stores};
use crate::kernel::Actor;

/// A store of the chain.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = stores)]
pub struct Store {
    /// Internal id.
    pub id: i64,
    /// Short upper-case code (`DOWNTOWN`).
    pub code: String,
    /// Name people read.
    pub name: String,
    /// Company the store sells for (its currency applies).
    pub company_id: i64,
    /// Warehouse the store's stock comes from.
    pub warehouse: String,
    /// Postal address, as printed on receipts.
    pub address: String,
    /// Phone number.
    pub phone: String,
    /// Deactivated stores stay for history.
    pub active: bool,
}

audit::keyed_by_id!(Store);

/// The fields a person edits on a store.
#[derive(Debug, Clone, Default, Insertable, AsChangeset, Serialize, PartialEq)]
#[diesel(table_name = stores)]
pub struct StoreFields {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Company.
    pub company_id: i64,
    /// Warehouse.
    pub warehouse: String,
    /// Address.
    pub address: String,
    /// Phone.
    pub phone: String,
}

/// A company: stores sell in its currency.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = companies)]
pub struct Company {
    /// Internal id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// ISO 4217 currency code.
    pub currency_code: String,
    /// Deactivated companies stay for history.
    pub active: bool,
    /// The customer group new customers start in (none: the person chooses).
    pub default_customer_group_id: Option<i64>,
    /// The territory new customers start in (none: the person chooses).
    pub default_territory_id: Option<i64>,
    /// IANA time zone its pages show times in ("Europe/Paris").
    pub time_zone: String,
}

audit::keyed_by_id!(Company);

/// The fields a person edits on a company.
#[derive(Debug, Clone, Default, Insertable, AsChangeset, Serialize, PartialEq)]
#[diesel(table_name = companies, treat_none_as_null = true)]
pub struct CompanyFields {
    /// Name.
    pub name: String,
    /// Currency code.
    pub currency_code: String,
    /// Default Customer Group.
    pub default_customer_group_id: Option<i64>,
    /// Default Territory.
    pub default_territory_id: Option<i64>,
    /// Time Zone, an IANA name.
    pub time_zone: String,
}

/// A store with its company's name, for the list.
#[derive(Debug, Clone, Queryable)]
pub struct StoreRow {
    /// The store.
    pub store: Store,
    /// Its company's name.
    pub company: String,
}

/// Active stores by name, for pickers.
pub fn list_active(conn: &mut PgConnection) -> QueryResult<Vec<Store>> {
    stores::table
        .filter(stores::active.eq(true))
        .order(stores::name.asc())
        .select(Store::as_select())
        .load(conn)
}

/// Every store (active first, then by code) with its company, matching `query` in code or name.
/// Chains have tens to hundreds of stores: one page holds them all.
pub fn list(conn: &mut PgConnection, query: &str) -> QueryResult<Vec<StoreRow>> {
    let mut select = stores::table
        .inner_join(companies::table)
        .select((Store::as_select(), companies::name))
        .order((stores::active.desc(), stores::code.asc()))
        .into_boxed();
    let query = query.trim();
    if !query.is_empty() {
        let pattern = format!("%{}%", patron_rules::search::like_escape(query));
        select = select.filter(
            stores::code
                .ilike(pattern.clone())
                .or(stores::name.ilike(pattern)),
        );
    }
    Ok(select
        .load::<(Store, String)>(conn)?
        .into_iter()
        .map(|(store, company)| StoreRow { store, company })
        .collect())
}

/// The store with `id`.
pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Store> {
    stores::table
        .find(id)
        .select(Store::as_select())
        .first(conn)
}

/// The store with `code`, if any.
pub fn find_by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Option<Store>> {
    stores::table
        .filter(stores::code.eq(code))
        .select(Store::as_select())
        .first(conn)
        .optional()
}

/// Creates a store and its (empty) POS profile, audited.
pub fn create(conn: &mut PgConnection, fields: &StoreFields, actor: &Actor) -> QueryResult<Store> {
    audit::create(conn, actor, "store", |conn| {
        let store = diesel::insert_into(stores::table)
            .values(fields)
            .returning(Store::as_returning())
            .get_result(conn)?;
        diesel::insert_into(pos_profiles::table)
            .values(pos_profiles::store_id.eq(store.id))
            .execute(conn)?;
        Ok(store)
    })
}

/// Saves a person's edit of store `id`, audited with before and after.
pub fn update(
    conn: &mut PgConnection,
    id: i64,
    fields: &StoreFields,
    actor: &Actor,
) -> QueryResult<Store> {
    audit::update(
        conn,
        actor,
        "store",
        id,
        |conn| find(conn, id),
        |conn, _| {
            diesel::update(stores::table.find(id))
                .set((fields, stores::updated_at.eq(diesel::dsl::now)))
                .returning(Store::as_returning())
                .get_result(conn)
        },
    )
}

/// Deactivates or reactivates store `id`. Its profile, charges and tokens stay for history (a
/// deactivated store's tokens are refused by the API).
pub fn set_active(
    conn: &mut PgConnection,
    id: i64,
    activation: Activation,
    actor: &Actor,
) -> QueryResult<Store> {
    audit::switch(
        conn,
        actor,
        "store",
        id,
        activation,
        |conn| find(conn, id),
        |conn, active| {
            diesel::update(stores::table.find(id))
                .set((
                    stores::active.eq(active),
                    stores::updated_at.eq(diesel::dsl::now),
                ))
                .returning(Store::as_returning())
                .get_result(conn)
        },
    )
}

/// Creates a store unless one with the code exists; returns it either way. New stores join the
/// first company (one is made when there is none). Used by seeding and tests.
pub fn ensure(conn: &mut PgConnection, code: &str, name: &str) -> QueryResult<Store> {
    if let Some(store) = find_by_code(conn, code)? {
        return Ok(store);
    }
    let company_id = first_company(conn)?;
    let fields = StoreFields {
        code: code.to_owned(),
        name: name.to_owned(),
        company_id,
        ..StoreFields::default()
    };
    create(conn, &fields, &Actor::System("setup"))
}

/// The first company, created ("Main Company", USD) when there is none.
pub fn first_company(conn: &mut PgConnection) -> QueryResult<i64> {
    let existing = companies::table
        .select(companies::id)
        .order(companies::id.asc())
        .first(conn)
        .optional()?;
    match existing {
        Some(id) => Ok(id),
        None => create_company(
            conn,
            &CompanyFields {
                name: "Main Company".into(),
                currency_code: "USD".into(),
                time_zone: "UTC".into(),
                ..CompanyFields::default()
            },
            &Actor::System("setup"),
        )
        .map(|company| company.id),
    }
}

/// Every company, by name.
pub fn companies(conn: &mut PgConnection) -> QueryResult<Vec<Company>> {
    companies::table
        .order((companies::active.desc(), companies::name.asc()))
        .select(Company::as_select())
        .load(conn)
}

/// The company a person works for: their store's (`store_id`), else the first active company
/// (HQ people; in practice the back office has one company). `None` before any company exists.
pub fn company_of(conn: &mut PgConnection, store_id: Option<i64>) -> QueryResult<Option<Company>> {
    if let Some(store_id) = store_id {
        let own = stores::table
            .inner_join(companies::table)
            .filter(stores::id.eq(store_id))
            .select(Company::as_select())
            .first(conn)
            .optional()?;
        if own.is_some() {
            return Ok(own);
        }
    }
    companies::table
        .order((companies::active.desc(), companies::id.asc()))
        .select(Company::as_select())
        .first(conn)
        .optional()
}

/// The clock of the company a person (or a job acting for them) works for: see `company_of`; UTC
/// before any company exists.
pub fn clock_of(conn: &mut PgConnection, store_id: Option<i64>) -> QueryResult<Clock> {
    Ok(company_of(conn, store_id)?.map_or(Clock::UTC, |c| Clock::from_name(&c.time_zone)))
}

/// The clock of company `id`: which business day its sales and ledgers fall on.
pub fn company_clock(conn: &mut PgConnection, id: i64) -> QueryResult<Clock> {
    let zone: String = companies::table
        .find(id)
        .select(companies::time_zone)
        .first(conn)?;
    Ok(Clock::from_name(&zone))
}

/// The company with `id`.
pub fn find_company(conn: &mut PgConnection, id: i64) -> QueryResult<Company> {
    companies::table
        .find(id)
        .select(Company::as_select())
        .first(conn)
}

/// Creates a company, audited.
pub fn create_company(
    conn: &mut PgConnection,
    fields: &CompanyFields,
    actor: &Actor,
) -> QueryResult<Company> {
    audit::create(conn, actor, "company", |conn| {
        diesel::insert_into(companies::table)
            .values(fields)
            .returning(Company::as_returning())
            .get_result(conn)
    })
}

/// Dates company `id`'s creation back to `at` when it was made later: for a history loaded in
/// bulk (the demo's two years of sales), so that no sale is dated before its company existed.
/// Not audited: nobody changed the company.
pub fn date_back(
    conn: &mut PgConnection,
    id: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> QueryResult<usize> {
    diesel::update(
        companies::table
            .find(id)
            .filter(companies::created_at.gt(at)),
    )
    .set(companies::created_at.eq(at))
    .execute(conn)
}

/// Saves a person's edit of company `id` (and its active flag), audited.
pub fn update_company(
    conn: &mut PgConnection,
    id: i64,
    fields: &CompanyFields,
    active: bool,
    actor: &Actor,
) -> QueryResult<Company> {
    audit::update(
        conn,
        actor,
        "company",
        id,
        |conn| find_company(conn, id),
        |conn, _| {
            diesel::update(companies::table.find(id))
                .set((
                    fields,
                    companies::active.eq(active),
                    companies::updated_at.eq(diesel::dsl::now),
                ))
                .returning(Company::as_returning())
                .get_result(conn)
        },
    )
}

/// How many stores sell for company `id`.
pub fn store_count(conn: &mut PgConnection, company_id: i64) -> QueryResult<i64> {
    stores::table
        .filter(stores::company_id.eq(company_id))
        .count()
        .get_result(conn)
}

/// How many active stores sell for company `id` (a company with any cannot be deactivated).
pub fn active_store_count(conn: &mut PgConnection, company_id: i64) -> QueryResult<i64> {
    stores::table
        .filter(stores::company_id.eq(company_id))
        .filter(stores::active.eq(true))
        .count()
        .get_result(conn)
}

/// The currency with `code`, if it is an ISO 4217 currency Patron knows.
pub fn currency(conn: &mut PgConnection, code: &str) -> QueryResult<Option<Currency>> {
    currencies::table
        .find(code)
        .select((currencies::code, currencies::minor_unit, currencies::symbol))
        .first::<(String, i16, String)>(conn)
        .optional()
        .map(|row| row.map(to_currency))
}

/// The company a person works for (see `company_of`) with its currency. A back office without a
/// company has nothing to list: `NotFound`, which pages answer 404.
pub fn home_company(
    conn: &mut PgConnection,
    user_store: Option<i64>,
) -> QueryResult<(Company, Currency)> {
    let company = company_of(conn, user_store)?.ok_or(diesel::result::Error::NotFound)?;
    let currency = company_currency(conn, company.id)?;
    Ok((company, currency))
}

/// The currency company `id` sells in.
pub fn company_currency(conn: &mut PgConnection, company_id: i64) -> QueryResult<Currency> {
    companies::table
        .inner_join(currencies::table)
        .filter(companies::id.eq(company_id))
        .select((currencies::code, currencies::minor_unit, currencies::symbol))
        .first::<(String, i16, String)>(conn)
        .map(to_currency)
}

/// What a sale at store `store_id` needs of it, in one statement: its warehouse, its company's
/// currency, and its POS profile's id and settings (the Default Customer among them).
pub fn sale_context(
    conn: &mut PgConnection,
    store_id: i64,
) -> QueryResult<(String, Currency, i64, ProfileSettings)> {
    stores::table
        .inner_join(companies::table.inner_join(currencies::table))
        .inner_join(pos_profiles::table)
        .filter(stores::id.eq(store_id))
        .select((
            stores::warehouse,
            (currencies::code, currencies::minor_unit, currencies::symbol),
            pos_profiles::id,
            ProfileSettings::as_select(),
        ))
        .first::<(String, (String, i16, String), i64, ProfileSettings)>(conn)
        .map(|(warehouse, currency, profile_id, settings)| {
            (warehouse, to_currency(currency), profile_id, settings)
        })
}

/// Store `store_id`'s warehouse and its company's currency.
pub fn warehouse_and_currency(
    conn: &mut PgConnection,
    store_id: i64,
) -> QueryResult<(String, Currency)> {
    stores::table
        .inner_join(companies::table.inner_join(currencies::table))
        .filter(stores::id.eq(store_id))
        .select((
            stores::warehouse,
            (currencies::code, currencies::minor_unit, currencies::symbol),
        ))
        .first::<(String, (String, i16, String))>(conn)
        .map(|(warehouse, currency)| (warehouse, to_currency(currency)))
}

/// Every currency as (code, name), for the company form.
pub fn currency_choices(conn: &mut PgConnection) -> QueryResult<Vec<(String, String)>> {
    currencies::table
        .order(currencies::code.asc())
        .select((currencies::code, currencies::name))
        .load(conn)
}

/// A currency as stored (code, minor unit, symbol).
pub fn to_currency((code, minor_unit, symbol): (String, i16, String)) -> Currency {
    Currency {
        code,
        minor_unit: u32::try_from(minor_unit).unwrap_or(2),
        symbol,
    }
}
