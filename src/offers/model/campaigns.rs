//! Campaigns as stored: what groups offers (and later coupons and referral codes) under one
//! name, dates and budget, and the discount its offers gave so far, counted by the invoice
//! pipeline with one increment per invoice so that tills selling at once never lose a count.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit;
use crate::db::schema::campaigns;
use crate::kernel::Actor;

/// The audit log's name for a campaign.
pub const ENTITY: &str = "campaign";

/// A campaign as its form edits it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = campaigns)]
#[diesel(treat_none_as_null = true)]
pub struct CampaignFields {
    /// Company.
    pub company_id: i64,
    /// Name (unique per company).
    pub name: String,
    /// Description.
    pub description: String,
    /// Start.
    pub start_date: NaiveDate,
    /// End (none: open).
    pub end_date: Option<NaiveDate>,
    /// Active.
    pub active: bool,
    /// Budget (none: no budget).
    pub budget: Option<Decimal>,
}

/// A stored campaign.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaigns)]
pub struct Campaign {
    /// Id.
    pub id: i64,
    /// Its settings.
    #[diesel(embed)]
    pub fields: CampaignFields,
    /// Discount its offers gave on invoices not cancelled.
    pub discount_given: Decimal,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Campaign {
    /// Whether the budget is used up (its offers then stop applying to carts).
    pub fn spent(&self) -> bool {
        self.fields
            .budget
            .is_some_and(|budget| self.discount_given >= budget)
    }
}

/// Campaign `id`.
pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Campaign> {
    campaigns::table
        .find(id)
        .select(Campaign::as_select())
        .first(conn)
}

/// Every campaign, newest start first.
pub fn all(conn: &mut PgConnection) -> QueryResult<Vec<Campaign>> {
    campaigns::table
        .order((campaigns::start_date.desc(), campaigns::name.asc()))
        .select(Campaign::as_select())
        .load(conn)
}

/// Whether another campaign of `company` is named `name` (case-insensitively).
pub fn name_taken(
    conn: &mut PgConnection,
    company: i64,
    name: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let mut query = campaigns::table
        .filter(campaigns::company_id.eq(company))
        .filter(crate::db::lower(campaigns::name).eq(name.to_lowercase()))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(campaigns::id.ne(id));
    }
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

/// Creates a campaign, audited; returns its id.
pub fn create(conn: &mut PgConnection, actor: &Actor, fields: &CampaignFields) -> QueryResult<i64> {
    let created = audit::create(conn, actor, ENTITY, |conn| {
        let id: i64 = diesel::insert_into(campaigns::table)
            .values(fields)
            .returning(campaigns::id)
            .get_result(conn)?;
        super::versions::touch(conn, fields.company_id)?;
        Ok(audit::Keyed {
            id,
            snapshot: fields,
        })
    })?;
    Ok(created.id)
}

/// Saves campaign `id`, audited with before and after.
pub fn save(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    fields: &CampaignFields,
) -> QueryResult<()> {
    audit::update(
        conn,
        actor,
        ENTITY,
        id,
        |conn| {
            campaigns::table
                .find(id)
                .select(CampaignFields::as_select())
                .for_update()
                .first(conn)
        },
        |conn, before| {
            diesel::update(campaigns::table.find(id))
                .set((fields, campaigns::updated_at.eq(diesel::dsl::now)))
                .execute(conn)?;
            super::versions::touch(conn, fields.company_id)?;
            if before.company_id != fields.company_id {
                super::versions::touch(conn, before.company_id)?;
            }
            Ok(fields.clone())
        },
    )?;
    Ok(())
}

/// Adds `amount` (negative on a cancel) to what campaign `id` gave, in one statement.
pub fn add_given(conn: &mut PgConnection, id: i64, amount: Decimal) -> QueryResult<()> {
    diesel::update(campaigns::table.find(id))
        .set(campaigns::discount_given.eq(campaigns::discount_given + amount))
        .execute(conn)
        .map(drop)
}

/// The ids of `company`'s campaigns whose budget is used up.
pub fn spent(conn: &mut PgConnection, company: i64) -> QueryResult<Vec<i64>> {
    campaigns::table
        .filter(campaigns::company_id.eq(company))
        .filter(campaigns::budget.is_not_null())
        .filter(campaigns::discount_given.nullable().ge(campaigns::budget))
        .select(campaigns::id)
        .load(conn)
}
