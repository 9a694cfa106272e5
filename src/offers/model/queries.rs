//! What the offer and campaign pages read beyond `versions` and `campaigns`: the choices the
//! form offers, the picked names turned into ids (each checked against the company), the list
//! with its filters and figures, the candidates of the overlap warning.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use patron_rules::keyset::Keyset;
use patron_rules::offers::overlap::{Candidate, Target};
use rust_decimal::Decimal;

use super::super::form_rules;
use super::super::offer_form::Draft;
use super::versions::{OfferFields, OfferTerms};
use crate::db::schema::{
    brands, campaigns, customer_groups, invoice_offers, invoices, item_groups, items,
    offer_versions, offers, pos_profiles, stores,
};
use crate::web::FieldErrors;

/// A store's POS profile as the POS Profile select offers it.
#[derive(Debug, Clone)]
pub struct ProfileChoice {
    /// Profile id.
    pub id: i64,
    /// Its store's company.
    pub company_id: i64,
    /// Its store's name and code.
    pub label: String,
}

/// A campaign as the Campaign select and filter offer it.
#[derive(Debug, Clone)]
pub struct CampaignChoice {
    /// Id.
    pub id: i64,
    /// Company.
    pub company_id: i64,
    /// Name.
    pub name: String,
}

/// The POS profiles of every store, by store name.
pub fn profiles(conn: &mut PgConnection) -> QueryResult<Vec<ProfileChoice>> {
    let rows: Vec<(i64, i64, String, String)> = pos_profiles::table
        .inner_join(stores::table)
        .order(stores::name.asc())
        .select((
            pos_profiles::id,
            stores::company_id,
            stores::name,
            stores::code,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, company_id, name, code)| ProfileChoice {
            id,
            company_id,
            label: format!("{name} ({code})"),
        })
        .collect())
}

/// The warehouses of each company's stores: (company, warehouse), by name.
pub fn warehouses(conn: &mut PgConnection) -> QueryResult<Vec<(i64, String)>> {
    stores::table
        .select((stores::company_id, stores::warehouse))
        .distinct()
        .order((stores::company_id, stores::warehouse))
        .load(conn)
}

/// An offer in a campaign runs within the campaign's dates: what falls outside them is told by
/// the date's field.
fn campaign_dates(
    terms: &OfferTerms,
    name: &str,
    start: NaiveDate,
    end: Option<NaiveDate>,
    errors: &mut FieldErrors,
) {
    use crate::web::format::day;
    if terms.valid_from < start {
        errors.add(
            "valid_from",
            format!(
                "The campaign {name} starts on {}: the offer cannot start before it.",
                day(start)
            ),
        );
    }
    if let Some(end) = end {
        match terms.valid_upto {
            Some(upto) if upto <= end => {}
            Some(_) => errors.add(
                "valid_upto",
                format!(
                    "The campaign {name} ends on {}: the offer cannot run past it.",
                    day(end)
                ),
            ),
            None => errors.add(
                "valid_upto",
                format!(
                    "The campaign {name} ends on {}: give the offer a Valid Upto by then.",
                    day(end)
                ),
            ),
        }
    }
}

/// The campaigns of `company` (every company when none), by name.
pub fn campaign_choices(
    conn: &mut PgConnection,
    company: Option<i64>,
) -> QueryResult<Vec<CampaignChoice>> {
    let mut query = campaigns::table
        .select((campaigns::id, campaigns::company_id, campaigns::name))
        .order(campaigns::name.asc())
        .into_boxed();
    if let Some(company) = company {
        query = query.filter(campaigns::company_id.eq(company));
    }
    Ok(query
        .load::<(i64, i64, String)>(conn)?
        .into_iter()
        .map(|(id, company_id, name)| CampaignChoice {
            id,
            company_id,
            name,
        })
        .collect())
}

/// Turns a parsed form into an offer's fields: the picked names into ids, each chosen record
/// checked to exist and belong to the company, then the rules across fields and the title's
/// uniqueness. `except` is the offer being edited.
pub fn resolve(
    conn: &mut PgConnection,
    draft: Draft,
    except: Option<i64>,
) -> QueryResult<Result<OfferFields, FieldErrors>> {
    let mut errors = FieldErrors::new();
    let company = draft.company_id;
    let mut terms = draft.terms;
    let currency = match crate::stores::model::find_company(conn, company).optional()? {
        Some(found) => crate::stores::model::company_currency(conn, found.id)?,
        None => {
            errors.add("company_id", "Choose the company.");
            patron_rules::Currency::usd()
        }
    };
    let item_id = |conn: &mut PgConnection, code: &str| -> QueryResult<Option<i64>> {
        items::table
            .filter(items::item_code.eq(code))
            .select(items::id)
            .first(conn)
            .optional()
    };
    match terms.apply_on.as_str() {
        "item_code" => {
            if let Some(code) = &draft.picked.item {
                terms.apply_on_id = item_id(conn, code)?;
                if terms.apply_on_id.is_none() {
                    errors.add(
                        "apply_on_item",
                        format!("There is no item with code {code}."),
                    );
                }
            }
        }
        "item_group" => {
            if let Some(name) = &draft.picked.group {
                terms.apply_on_id = item_groups::table
                    .filter(crate::db::lower(item_groups::name).eq(name.to_lowercase()))
                    .select(item_groups::id)
                    .first(conn)
                    .optional()?;
                if terms.apply_on_id.is_none() {
                    errors.add("apply_on_group", format!("There is no item group {name}."));
                }
            }
        }
        "brand" => {
            if let Some(name) = &draft.picked.brand {
                terms.apply_on_id = brands::table
                    .filter(crate::db::lower(brands::name).eq(name.to_lowercase()))
                    .select(brands::id)
                    .first(conn)
                    .optional()?;
                if terms.apply_on_id.is_none() {
                    errors.add("apply_on_brand", format!("There is no brand {name}."));
                }
            }
        }
        _ => {}
    }
    if let Some(code) = &draft.picked.given_item {
        terms.given_item_id = item_id(conn, code)?;
        if terms.given_item_id.is_none() {
            errors.add("given_item", format!("There is no item with code {code}."));
        }
    }
    if let Some(profile) = terms.pos_profile_id {
        let owner: Option<i64> = pos_profiles::table
            .inner_join(stores::table)
            .filter(pos_profiles::id.eq(profile))
            .select(stores::company_id)
            .first(conn)
            .optional()?;
        if owner != Some(company) {
            errors.add("pos_profile_id", "Choose a store of the offer's company.");
        }
    }
    if let Some(warehouse) = &terms.warehouse {
        let known: bool = diesel::select(diesel::dsl::exists(
            stores::table
                .filter(stores::company_id.eq(company))
                .filter(stores::warehouse.eq(warehouse)),
        ))
        .get_result(conn)?;
        if !known {
            errors.add(
                "warehouse",
                "Choose the warehouse of one of the company's stores.",
            );
        }
    }
    if let Some(group) = terms.customer_group_id {
        let known: bool = diesel::select(diesel::dsl::exists(customer_groups::table.find(group)))
            .get_result(conn)?;
        if !known {
            errors.add("customer_group_id", "Choose one of the list.");
        }
    }
    if let Some(segment) = terms.segment_id
        && super::segments::company_of(conn, segment)? != Some(company)
    {
        errors.add("segment_id", "Choose a segment of the offer's company.");
    }
    if let Some(campaign) = terms.campaign_id {
        let found: Option<(i64, String, NaiveDate, Option<NaiveDate>)> = campaigns::table
            .find(campaign)
            .select((
                campaigns::company_id,
                campaigns::name,
                campaigns::start_date,
                campaigns::end_date,
            ))
            .first(conn)
            .optional()?;
        match found {
            Some((owner, name, start, end)) if owner == company => {
                campaign_dates(&terms, &name, start, end, &mut errors);
            }
            _ => errors.add("campaign_id", "Choose a campaign of the offer's company."),
        }
    }
    // A picker left empty, or a name that did not resolve, is reported once.
    let unresolved: Vec<&str> = [
        "apply_on_item",
        "apply_on_group",
        "apply_on_brand",
        "given_item",
    ]
    .into_iter()
    .filter(|f| errors.has(f))
    .collect();
    for (field, message) in form_rules::check(&terms, currency.minor_unit) {
        if !unresolved.contains(&field) {
            errors.add(field, message);
        }
    }
    if !errors.has("title") && super::versions::title_taken(conn, company, &terms.title, except)? {
        errors.add(
            "title",
            format!("Another offer of the company is called {}.", terms.title),
        );
    }
    Ok(errors.into_result(OfferFields {
        company_id: company,
        description: draft.description,
        terms: form_rules::without_hidden(terms),
    }))
}

/// The names the form and pages show for an offer's picked records: what it applies on (item
/// code, group or brand name) and the Given Item's code.
pub fn picked_names(
    conn: &mut PgConnection,
    terms: &OfferTerms,
) -> QueryResult<(Option<String>, Option<String>)> {
    let target = match (terms.apply_on.as_str(), terms.apply_on_id) {
        ("item_code", Some(id)) => items::table
            .find(id)
            .select(items::item_code)
            .first(conn)
            .optional()?,
        ("item_group", Some(id)) => item_groups::table
            .find(id)
            .select(item_groups::name)
            .first(conn)
            .optional()?,
        ("brand", Some(id)) => brands::table
            .find(id)
            .select(brands::name)
            .first(conn)
            .optional()?,
        _ => None,
    };
    let given = match terms.given_item_id {
        Some(id) => items::table
            .find(id)
            .select(items::item_code)
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok((target, given))
}

/// Where an offer or a campaign stands on a day: one rule for both. An offer in a campaign
/// stands where its own dates and the campaign's both allow (the engine applies it so), and is
/// Disabled when either is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Enabled and within its dates today.
    Active,
    /// Enabled, starting on a later day.
    Scheduled,
    /// Enabled, its last day passed.
    Ended,
    /// Disabled (or its campaign is).
    Disabled,
}

/// A campaign's switch and days, as they bound its offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Enabled (a campaign's Active).
    pub enabled: bool,
    /// First day.
    pub from: NaiveDate,
    /// Last day (none: open).
    pub upto: Option<NaiveDate>,
}

impl Span {
    /// The days of campaign `fields`.
    pub fn of_campaign(fields: &super::campaigns::CampaignFields) -> Span {
        Span {
            enabled: fields.active,
            from: fields.start_date,
            upto: fields.end_date,
        }
    }

    /// Where both this span and `within` (a campaign's) allow.
    fn within(self, within: Option<Span>) -> Span {
        let Some(outer) = within else {
            return self;
        };
        Span {
            enabled: self.enabled && outer.enabled,
            from: self.from.max(outer.from),
            upto: match (self.upto, outer.upto) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }
}

impl Status {
    /// The filter's codes and labels.
    pub const ALL: [(&'static str, &'static str); 4] = [
        ("active", "Active"),
        ("scheduled", "Scheduled"),
        ("ended", "Ended"),
        ("disabled", "Disabled"),
    ];

    /// The status of `code` (none: any); "expired" is the old code of Ended.
    pub fn parse(code: &str) -> Option<Status> {
        match code {
            "active" => Some(Status::Active),
            "scheduled" => Some(Status::Scheduled),
            "ended" | "expired" => Some(Status::Ended),
            "disabled" => Some(Status::Disabled),
            _ => None,
        }
    }

    /// The status as the pages say it.
    pub fn label(&self) -> &'static str {
        match self {
            Status::Active => "Active",
            Status::Scheduled => "Scheduled",
            Status::Ended => "Ended",
            Status::Disabled => "Disabled",
        }
    }

    /// The badge's class.
    pub fn badge(&self) -> &'static str {
        match self {
            Status::Active => "badge-active",
            Status::Scheduled | Status::Ended => "badge-warning",
            Status::Disabled => "badge-inactive",
        }
    }

    /// Where `span` stands on `today`.
    pub fn on(span: Span, today: NaiveDate) -> Status {
        if !span.enabled {
            Status::Disabled
        } else if span.from > today {
            Status::Scheduled
        } else if span.upto.is_some_and(|upto| upto < today) {
            Status::Ended
        } else {
            Status::Active
        }
    }

    /// The status of offer `terms` in `campaign` (its span, when it has one) on `today`.
    pub fn of(terms: &OfferTerms, campaign: Option<Span>, today: NaiveDate) -> Status {
        let own = Span {
            enabled: !terms.disabled,
            from: terms.valid_from,
            upto: terms.valid_upto,
        };
        Status::on(own.within(campaign), today)
    }
}

/// The spans of `company`'s campaigns, by id.
pub fn campaign_spans(conn: &mut PgConnection, company: i64) -> QueryResult<HashMap<i64, Span>> {
    let rows: Vec<(i64, bool, NaiveDate, Option<NaiveDate>)> = campaigns::table
        .filter(campaigns::company_id.eq(company))
        .select((
            campaigns::id,
            campaigns::active,
            campaigns::start_date,
            campaigns::end_date,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, enabled, from, upto)| {
            (
                id,
                Span {
                    enabled,
                    from,
                    upto,
                },
            )
        })
        .collect())
}

/// What the list is filtered by.
#[derive(Debug, Clone, Default)]
pub struct OfferFilter {
    /// The company.
    pub company_id: i64,
    /// Part of the title.
    pub title: String,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// Status.
    pub status: Option<Status>,
    /// Apply On code.
    pub apply_on: Option<String>,
    /// Offer Type code.
    pub offer_type: Option<String>,
    /// Today in the company's time zone.
    pub today: NaiveDate,
}

/// One offer of the list: its id, current version number and terms.
pub type OfferRow = (i64, i32, OfferTerms);

/// The offers `filter` keeps, newest first, paged by id (`limit` rows in the direction of
/// `keyset`).
pub fn list(
    conn: &mut PgConnection,
    filter: &OfferFilter,
    keyset: &Keyset<i64>,
    limit: i64,
) -> QueryResult<Vec<OfferRow>> {
    // Its campaign too: the status is read within the campaign's days.
    let mut query = offers::table
        .inner_join(offer_versions::table.left_join(campaigns::table))
        .filter(offer_versions::version.eq(offers::current_version))
        .filter(offers::company_id.eq(filter.company_id))
        .select((offers::id, offers::current_version, OfferTerms::as_select()))
        .into_boxed();
    let title = filter.title.trim();
    if !title.is_empty() {
        let pattern = format!(
            "%{}%",
            patron_rules::search::like_escape(&title.to_lowercase())
        );
        query = query.filter(crate::db::lower(offers::title).like(pattern));
    }
    if let Some(campaign) = filter.campaign_id {
        query = query.filter(offer_versions::campaign_id.eq(campaign));
    }
    if let Some(apply_on) = &filter.apply_on {
        query = query.filter(offer_versions::apply_on.eq(apply_on.clone()));
    }
    if let Some(offer_type) = &filter.offer_type {
        query = query.filter(offer_versions::offer_type.eq(offer_type.clone()));
    }
    if let Some(status) = filter.status {
        // `Status::of` in SQL: the offer's days within its campaign's (greatest and least skip
        // the NULLs of an offer in no campaign), disabled when either is.
        let off = "(offer_versions.disabled OR NOT coalesce(campaigns.active, true))";
        let from = "greatest(offer_versions.valid_from, campaigns.start_date)";
        let upto = "least(offer_versions.valid_upto, campaigns.end_date)";
        let condition = match status {
            Status::Disabled => off.to_owned(),
            Status::Scheduled => format!("NOT {off} AND {from} > $today"),
            Status::Ended => format!("NOT {off} AND {upto} < $today"),
            Status::Active => {
                format!("NOT {off} AND {from} <= $today AND ({upto} IS NULL OR {upto} >= $today)")
            }
        };
        let today = format!("'{}'::date", filter.today);
        query = query.filter(diesel::dsl::sql::<Bool>(
            &condition.replace("$today", &today),
        ));
    }
    query = match keyset {
        Keyset::First => query.order(offers::id.desc()),
        Keyset::After(id) => query.filter(offers::id.lt(*id)).order(offers::id.desc()),
        Keyset::Before(id) => query.filter(offers::id.gt(*id)).order(offers::id.asc()),
    };
    query.limit(limit).load(conn)
}

/// What an offer gave since `since` on invoices that are not cancelled: (sales, discount), per
/// offer among `ids`; returns take their discount back and are no sale. Reads `invoice_offers`
/// by its (offer_id, invoice_id) index.
pub fn given_since(
    conn: &mut PgConnection,
    ids: &[i64],
    since: DateTime<Utc>,
) -> QueryResult<HashMap<i64, (i64, Decimal)>> {
    let rows: Vec<(i64, i64, Option<Decimal>)> = invoice_offers::table
        .inner_join(invoices::table)
        .filter(invoice_offers::offer_id.eq_any(ids))
        .filter(invoices::posted_at.ge(since))
        .filter(sql::<Bool>("invoices.status <> 'cancelled'"))
        .group_by(invoice_offers::offer_id)
        .select((
            invoice_offers::offer_id,
            sql::<diesel::sql_types::BigInt>(
                "count(*) FILTER (WHERE invoices.return_against_id IS NULL)",
            ),
            diesel::dsl::sum(invoice_offers::discount),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, n, sum)| (id, (n, sum.unwrap_or_default())))
        .collect())
}

/// The offers of `company` that the overlap warning compares: current versions that are
/// enabled, Auto, Item Price and not expired on `today`.
pub fn overlap_candidates(
    conn: &mut PgConnection,
    company: i64,
    today: NaiveDate,
) -> QueryResult<Vec<Candidate>> {
    let rows: Vec<(i64, OfferTerms)> = offers::table
        .inner_join(offer_versions::table)
        .filter(offer_versions::version.eq(offers::current_version))
        .filter(offers::company_id.eq(company))
        .filter(offer_versions::disabled.eq(false))
        .filter(offer_versions::auto.eq(true))
        .filter(offer_versions::offer_type.eq("item_price"))
        .filter(
            offer_versions::valid_upto
                .is_null()
                .or(offer_versions::valid_upto.ge(today)),
        )
        .select((offers::id, OfferTerms::as_select()))
        .load(conn)?;
    let ids = |kind: &str| -> Vec<i64> {
        rows.iter()
            .filter(|(_, t)| t.apply_on == kind)
            .filter_map(|(_, t)| t.apply_on_id)
            .collect()
    };
    let items: HashMap<i64, (Option<i64>, Vec<i64>)> = items::table
        .inner_join(item_groups::table)
        .filter(items::id.eq_any(ids("item_code")))
        .select((items::id, items::brand_id, item_groups::lineage))
        .load::<(i64, Option<i64>, Vec<i64>)>(conn)?
        .into_iter()
        .map(|(id, brand, lineage)| (id, (brand, lineage)))
        .collect();
    let groups: HashMap<i64, Vec<i64>> = item_groups::table
        .filter(item_groups::id.eq_any(ids("item_group")))
        .select((item_groups::id, item_groups::lineage))
        .load::<(i64, Vec<i64>)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|(id, t)| {
            let target = match (t.apply_on.as_str(), t.apply_on_id) {
                ("item_code", Some(item)) => {
                    let (brand, lineage) = items.get(&item).cloned().unwrap_or_default();
                    Target::Item {
                        id: item,
                        brand,
                        lineage,
                    }
                }
                ("item_group", Some(group)) => {
                    Target::Group(groups.get(&group).cloned().unwrap_or_else(|| vec![group]))
                }
                ("brand", Some(brand)) => Target::Brand(brand),
                _ => return None,
            };
            Some(Candidate {
                id,
                title: t.title,
                target,
                valid_from: t.valid_from,
                valid_upto: t.valid_upto,
                pos_profile_id: t.pos_profile_id,
                warehouse: t.warehouse,
                customer_group_id: t.customer_group_id,
            })
        })
        .collect())
}

/// The current title and version of each offer in `campaign`, newest first.
pub fn offers_of_campaign(
    conn: &mut PgConnection,
    campaign: i64,
) -> QueryResult<Vec<(i64, i32, OfferTerms)>> {
    offers::table
        .inner_join(offer_versions::table)
        .filter(offer_versions::version.eq(offers::current_version))
        .filter(offer_versions::campaign_id.eq(campaign))
        .order(offers::id.desc())
        .select((offers::id, offers::current_version, OfferTerms::as_select()))
        .load(conn)
}

/// Who saved each version of offer `id` and when, from the audit log: the entry written in the
/// same transaction as the version (its time is the transaction's, like `in_force_from`).
pub fn version_authors(
    conn: &mut PgConnection,
    id: i64,
) -> QueryResult<HashMap<DateTime<Utc>, String>> {
    use crate::db::schema::{audit_log, users};
    let rows: Vec<(DateTime<Utc>, String, Option<String>)> = audit_log::table
        .left_join(users::table)
        .filter(audit_log::entity.eq(super::versions::ENTITY))
        .filter(audit_log::entity_id.eq(id.to_string()))
        .select((
            audit_log::at,
            audit_log::actor_label,
            users::name.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(at, label, name)| (at, name.unwrap_or(label)))
        .collect())
}
