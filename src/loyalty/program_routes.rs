//! The Loyalty Programs pages (loyalty.manage): the list with each program's members, points
//! outstanding and their value, and one form for a program with its Collection Rules table
//! (rows added with htmx, removed in the page; without JavaScript both buttons post the form
//! and it comes back with a row more or less). Programs are deactivated, never deleted.

use std::collections::HashMap;

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use diesel::PgConnection;
use patron_rules::Activation;
use patron_rules::Currency;
use patron_rules::loyalty::{self as rules, TierColumn, TierRule};
use patron_rules::tree::in_tree_order;
use patron_rules::users::Permission;
use rust_decimal::Decimal;

use super::model;
use super::model::programs::{self, Program, ProgramFields};
use super::program_form::{Intent, Known, ProgramForm, TierRow, cell_key};
use crate::state::AppState;
use crate::stores::model::{self as stores, Company};
use crate::trees::model::groups::{self, Group, Territory};
use crate::web::format::count;
use crate::web::format::day;
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/loyalty/programs", web::get().to(index))
        .route("/loyalty/programs", web::post().to(create))
        .route("/loyalty/programs/new", web::get().to(new_page))
        .route("/loyalty/programs/tier-row", web::get().to(tier_row))
        .route("/loyalty/programs/{id}", web::get().to(edit_page))
        .route("/loyalty/programs/{id}", web::post().to(update))
        .route(
            "/loyalty/programs/{id}/{action:deactivate|reactivate}",
            web::post().to(set_active),
        );
}

/// "1 point = $0.01": the value of one point in `currency`, with as many decimals as the
/// factor has when that is more than the currency's (0.005 stays $0.005, not $0.01).
pub fn conversion(currency: &Currency, factor: Decimal) -> String {
    let precise = Currency {
        minor_unit: currency.minor_unit.max(factor.normalize().scale()),
        ..currency.clone()
    };
    rules::conversion_label(&precise.format(factor))
}

/// Expiry Duration as the list says it.
fn expiry(days: i32) -> String {
    match days {
        0 => "Never".into(),
        1 => "1 day".into(),
        n => format!("{} days", count(i64::from(n))),
    }
}

/// One line of the list.
struct ProgramRow {
    program: Program,
    company: String,
    conversion: String,
    expiry: String,
    valid: String,
    members: String,
    outstanding: String,
    value: String,
    /// Active, but its Valid Upto has passed.
    ended: bool,
}

#[derive(Template)]
#[template(path = "loyalty/programs.html")]
struct IndexPage {
    ctx: PageCtx,
    rows: Vec<ProgramRow>,
}

/// The currency of each company among `ids`, one query per company.
fn currencies(conn: &mut PgConnection, ids: &[i64]) -> Result<HashMap<i64, Currency>, AppError> {
    let mut found = HashMap::new();
    for id in ids {
        if !found.contains_key(id) {
            found.insert(*id, stores::company_currency(conn, *id)?);
        }
    }
    Ok(found)
}

async fn index(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::LoyaltyManage)?;
    let today = user.clock.today();
    let rows = state
        .db
        .run(move |conn| {
            let all = programs::all(conn)?;
            let names: HashMap<i64, String> = stores::companies(conn)?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect();
            let company_ids: Vec<i64> = all.iter().map(|p| p.fields.company_id).collect();
            let currencies = currencies(conn, &company_ids)?;
            let members: HashMap<i64, i64> = programs::member_counts(conn)?.into_iter().collect();
            let outstanding: HashMap<i64, i64> = programs::points_outstanding(conn, today)?
                .into_iter()
                .collect();
            Ok(all
                .into_iter()
                .map(|program| {
                    let f = &program.fields;
                    let currency = currencies
                        .get(&f.company_id)
                        .cloned()
                        .unwrap_or_else(Currency::usd);
                    let points = outstanding.get(&program.id).copied().unwrap_or(0);
                    ProgramRow {
                        company: names.get(&f.company_id).cloned().unwrap_or_default(),
                        conversion: conversion(&currency, f.conversion_factor),
                        expiry: expiry(f.expiry_days),
                        valid: match f.valid_upto {
                            Some(upto) => format!("{} – {}", day(f.valid_from), day(upto)),
                            None => format!("From {}", day(f.valid_from)),
                        },
                        members: count(members.get(&program.id).copied().unwrap_or(0)),
                        outstanding: count(points),
                        value: currency.format(Decimal::from(points) * f.conversion_factor),
                        ended: f.valid_upto.is_some_and(|upto| upto < today),
                        program,
                    }
                })
                .collect())
        })
        .await?;
    render(&IndexPage {
        ctx: user.page(),
        rows,
    })
}

/// What the selects offer.
struct Choices {
    companies: Vec<Company>,
    groups: Vec<(Group, usize)>,
    territories: Vec<(Territory, usize)>,
}

impl Choices {
    /// The ids a post may name.
    fn known(&self) -> Known {
        Known {
            companies: self.companies.iter().map(|c| c.id).collect(),
            groups: self.groups.iter().map(|(g, _)| g.id).collect(),
            territories: self.territories.iter().map(|(t, _)| t.id).collect(),
        }
    }
}

async fn choices(state: &AppState) -> Result<Choices, AppError> {
    let (companies, groups, territories) = state
        .db
        .run(|conn| {
            Ok((
                stores::companies(conn)?,
                groups::groups(conn)?,
                groups::territories(conn)?,
            ))
        })
        .await?;
    Ok(Choices {
        companies,
        groups: in_tree_order(groups, Group::node),
        territories: in_tree_order(territories, Territory::node),
    })
}

/// The create and edit form (one template; `editing` holds the program being edited). Its
/// `blank_tier` block is the spare Collection Rules row, which "Add tier" fetches alone.
#[derive(Template)]
#[template(path = "loyalty/program_form.html", blocks = ["blank_tier"])]
struct FormPage {
    ctx: PageCtx,
    editing: Option<Program>,
    form: ProgramForm,
    errors: FieldErrors,
    companies: Vec<Company>,
    groups: Vec<(Group, usize)>,
    territories: Vec<(Territory, usize)>,
    blank: TierRow,
}

/// One Collection Rules row as the form shows it: what was typed, each cell's message, and
/// what its Collection Factor means.
struct TierView {
    /// What its Remove button posts: the row's index, or `new` for the spare row.
    index: String,
    row: TierRow,
    spare: bool,
    name_error: Option<String>,
    min_spent_error: Option<String>,
    factor_error: Option<String>,
    /// "1 point for every 2.00 spent" (empty until the factor is a number above 0).
    reading: String,
}

impl TierView {
    fn new(index: String, row: &TierRow, spare: bool, errors: &FieldErrors) -> TierView {
        let error = |column| {
            index
                .parse()
                .ok()
                .and_then(|i| errors.get(&cell_key(i, column)))
                .map(str::to_owned)
        };
        TierView {
            name_error: error(TierColumn::Name),
            min_spent_error: error(TierColumn::MinSpent),
            factor_error: error(TierColumn::Factor),
            reading: patron_rules::stores::typed_number(&row.factor)
                .and_then(Result::ok)
                .map(rules::factor_reading)
                .unwrap_or_default(),
            row: row.clone(),
            spare,
            index,
        }
    }
}

impl FormPage {
    /// The typed rows, with their messages.
    fn tier_views(&self) -> Vec<TierView> {
        self.form
            .tiers
            .iter()
            .enumerate()
            .map(|(i, row)| TierView::new(i.to_string(), row, false, &self.errors))
            .collect()
    }

    /// The spare row.
    fn spare_view(&self) -> TierView {
        TierView::new("new".into(), &self.blank, true, &self.errors)
    }

    /// Whether the select `field` has `id` chosen.
    fn chosen(&self, field: &str, id: &i64) -> bool {
        let value = match field {
            "company_id" => &self.form.company_id,
            "customer_group_id" => &self.form.customer_group_id,
            "territory_id" => &self.form.territory_id,
            _ => return false,
        };
        value.trim() == id.to_string()
    }
}

/// The form page with `status` (422 when it comes back with errors).
fn form_page(
    user: &CurrentUser,
    status: StatusCode,
    editing: Option<Program>,
    form: ProgramForm,
    errors: FieldErrors,
    choices: Choices,
) -> Result<HttpResponse, AppError> {
    render_status(
        status,
        &FormPage {
            ctx: user.page(),
            editing,
            errors,
            companies: choices.companies,
            groups: choices.groups,
            territories: choices.territories,
            // The first tier starts at 0: a form without rows offers that row.
            blank: TierRow::spare(form.tiers.is_empty()),
            form,
        },
    )
}

async fn new_page(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::LoyaltyManage)?;
    let choices = choices(&state).await?;
    let active: Vec<i64> = choices
        .companies
        .iter()
        .filter(|c| c.active)
        .map(|c| c.id)
        .collect();
    let form = ProgramForm::blank(user.clock.today(), &active);
    form_page(
        &user,
        StatusCode::OK,
        None,
        form,
        FieldErrors::new(),
        choices,
    )
}

/// A spare Collection Rules row, for "Add tier" (htmx appends it to the table).
async fn tier_row(user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::LoyaltyManage)?;
    let page = FormPage {
        ctx: PageCtx {
            user: None,
            nav: Vec::new(),
            csrf: String::new(),
            flashes: Vec::new(),
            clock: patron_rules::Clock::UTC,
        },
        editing: None,
        form: ProgramForm::default(),
        errors: FieldErrors::new(),
        companies: Vec::new(),
        groups: Vec::new(),
        territories: Vec::new(),
        blank: TierRow::spare(false),
    };
    render(&page.as_blank_tier())
}

async fn edit_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::LoyaltyManage)?;
    let id = id.into_inner();
    let (program, tiers) = state
        .db
        .run(move |conn| Ok((programs::find(conn, id)?, programs::tiers(conn, id)?)))
        .await?;
    let form = ProgramForm::of(&program, &tiers);
    let choices = choices(&state).await?;
    form_page(
        &user,
        StatusCode::OK,
        Some(program),
        form,
        FieldErrors::new(),
        choices,
    )
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::LoyaltyManage)?;
    save(&state, &user, None, &form.into_inner()).await
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::LoyaltyManage)?;
    let id = id.into_inner();
    let program = state
        .db
        .run(move |conn| Ok(programs::find(conn, id)?))
        .await?;
    save(&state, &user, Some(program), &form.into_inner()).await
}

/// Creates (`editing` is `None`) or saves a program with its tiers; bad input and a name the
/// company already uses come back as the form with messages. The Add tier and Remove buttons of
/// a page without JavaScript show the form again, unsaved.
async fn save(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<Program>,
    pairs: &[(String, String)],
) -> Result<HttpResponse, AppError> {
    let (mut form, intent) = ProgramForm::from_pairs(pairs);
    let choices = choices(state).await?;
    if intent != Intent::Save {
        if let Intent::RemoveTier(row) = intent
            && row < form.tiers.len()
        {
            form.tiers.remove(row);
        }
        return form_page(
            user,
            StatusCode::OK,
            editing,
            form,
            FieldErrors::new(),
            choices,
        );
    }
    let errors = match form.parse(&choices.known()) {
        Err(errors) => errors,
        Ok((fields, tiers)) => {
            let (name, company_id) = (fields.name.clone(), fields.company_id);
            match write(state, user, editing.as_ref(), fields, tiers).await {
                Ok(id) => {
                    let verb = if editing.is_some() {
                        "Saved"
                    } else {
                        "Created"
                    };
                    user.flash(Flash::success(format!("{verb} loyalty program {name}.")));
                    return Ok(see_other(&match editing {
                        Some(_) => format!("/loyalty/programs/{id}"),
                        None => "/loyalty/programs".to_owned(),
                    }));
                }
                // The check in `write`, or the unique index when two people save the same
                // name at once.
                Err(AppError::Conflict(_)) => {
                    let company = choices
                        .companies
                        .iter()
                        .find(|c| c.id == company_id)
                        .map(|c| c.name.clone())
                        .unwrap_or_default();
                    let mut errors = FieldErrors::new();
                    errors.add(
                        "name",
                        format!("{company} already has a program called {name}."),
                    );
                    errors
                }
                Err(AppError::Validation(errors)) => errors,
                Err(other) => return Err(other),
            }
        }
    };
    form_page(
        user,
        StatusCode::UNPROCESSABLE_ENTITY,
        editing,
        form,
        errors,
        choices,
    )
}

/// Writes the program (new when `editing` is `None`) and its tiers in one transaction,
/// audited with before and after; returns its id. A name the company already uses is a
/// conflict; a program in use keeps its company.
async fn write(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<&Program>,
    fields: ProgramFields,
    tiers: Vec<TierRule>,
) -> Result<i64, AppError> {
    let (actor, id) = (user.actor(), editing.map(|p| p.id));
    let moved = editing.is_some_and(|p| p.fields.company_id != fields.company_id);
    state
        .db
        .tx(move |conn| {
            if programs::name_taken(conn, fields.company_id, &fields.name, id)? {
                return Err(AppError::Conflict("program name taken".into()));
            }
            let Some(id) = id else {
                return Ok(model::create_program(conn, &actor, &fields, &tiers)?);
            };
            if moved && programs::in_use(conn, id)? {
                return Err(AppError::field(
                    "company_id",
                    "Customers are enrolled in this program or hold its points: it stays with its company.",
                ));
            }
            model::save_program(conn, &actor, id, &fields, &tiers)?;
            Ok(id)
        })
        .await
}

async fn set_active(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, Activation)>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::LoyaltyManage)?;
    let (id, activation) = path.into_inner();
    let actor = user.actor();
    let name = state
        .db
        .tx(move |conn| {
            programs::set_active(conn, id, activation, &actor)?;
            Ok(programs::find(conn, id)?.fields.name)
        })
        .await?;
    user.flash(Flash::success(format!(
        "Loyalty program {name} {}.",
        activation.done()
    )));
    Ok(see_other(&format!("/loyalty/programs/{id}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_is_shown_with_the_decimals_it_has() {
        let usd = Currency::usd();
        assert_eq!(conversion(&usd, Decimal::new(1, 2)), "1 point = $0.01");
        assert_eq!(conversion(&usd, Decimal::new(5, 3)), "1 point = $0.005");
        assert_eq!(conversion(&usd, Decimal::new(100, 2)), "1 point = $1.00");
        assert_eq!(expiry(0), "Never");
        assert_eq!(expiry(1), "1 day");
        assert_eq!(expiry(1095), "1,095 days");
    }
}
