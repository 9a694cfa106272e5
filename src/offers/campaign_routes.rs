//! The Campaigns pages (offers.manage writes, reports.view reads): the list, the form, and a
//! page per campaign with its offers and a bar of the discount given against the budget (the
//! overrun said in words when the offers gave more). Campaigns are never deleted: Active off.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::{NaiveDate, Utc};
use patron_rules::Currency;
use patron_rules::users::Permission;
use rust_decimal::Decimal;

use super::access::READERS;
use super::campaign_form::{CampaignForm, budget_use};
use super::model::campaigns::{self, Campaign};
use super::model::queries::{self, Span, Status};
use super::model::versions::OfferTerms;
use crate::db::schema::campaigns as campaigns_table;
use crate::state::AppState;
use crate::stores::model::{self as stores, Company};
use crate::web::format::day;
use crate::web::{AppError, CurrentUser, FieldErrors, Flash, PageCtx, render_status, see_other};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/campaigns", web::get().to(index))
        .route("/campaigns", web::post().to(create))
        .route("/campaigns/new", web::get().to(new_page))
        .route("/campaigns/{id}", web::get().to(show))
        .route("/campaigns/{id}", web::post().to(update))
        .route("/campaigns/{id}/edit", web::get().to(edit_page));
}

/// One line of the list.
struct CampaignRow {
    campaign: Campaign,
    dates: String,
    budget: String,
    given: String,
    percent: u32,
    over: Option<String>,
    status: Status,
}

impl CampaignRow {
    fn new(campaign: Campaign, currency: &Currency, today: NaiveDate) -> CampaignRow {
        let f = &campaign.fields;
        let (percent, over) = f
            .budget
            .map(|b| budget_use(campaign.discount_given, b))
            .unwrap_or((0, None));
        CampaignRow {
            dates: match f.end_date {
                Some(end) => format!("{} – {}", day(f.start_date), day(end)),
                None => format!("From {}", day(f.start_date)),
            },
            budget: f
                .budget
                .map(|b| currency.format(b))
                .unwrap_or_else(|| "No budget".into()),
            given: currency.format(campaign.discount_given),
            percent,
            over: over.map(|o| currency.format(o)),
            status: Status::on(Span::of_campaign(f), today),
            campaign,
        }
    }
}

#[derive(Template)]
#[template(path = "campaigns/index.html")]
struct IndexPage {
    ctx: PageCtx,
    rows: Vec<CampaignRow>,
    can_manage: bool,
}

async fn index(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let (store, today) = (user.store_id, user.clock.date(Utc::now()));
    let rows = state
        .db
        .run(move |conn| {
            use diesel::prelude::*;
            let (company, currency) = stores::home_company(conn, store)?;
            let all: Vec<Campaign> = campaigns_table::table
                .filter(campaigns_table::company_id.eq(company.id))
                .order((
                    campaigns_table::active.desc(),
                    campaigns_table::start_date.desc(),
                    campaigns_table::name.asc(),
                ))
                .select(Campaign::as_select())
                .load(conn)?;
            Ok(all
                .into_iter()
                .map(|c| CampaignRow::new(c, &currency, today))
                .collect())
        })
        .await?;
    render_status(
        StatusCode::OK,
        &IndexPage {
            ctx: user.page(),
            rows,
            can_manage: user.can(Permission::OffersManage),
        },
    )
}

/// An offer of the campaign, as its page lists it.
struct CampaignOffer {
    id: i64,
    version: i32,
    title: String,
    status: Status,
}

#[derive(Template)]
#[template(path = "campaigns/show.html")]
struct ShowPage {
    ctx: PageCtx,
    row: CampaignRow,
    offers: Vec<CampaignOffer>,
    can_manage: bool,
}

async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let (id, today) = (id.into_inner(), user.clock.date(Utc::now()));
    let (row, offers) = state
        .db
        .run(move |conn| {
            let campaign = campaigns::find(conn, id)?;
            let currency = stores::company_currency(conn, campaign.fields.company_id)?;
            let span = Span::of_campaign(&campaign.fields);
            let offers = queries::offers_of_campaign(conn, id)?
                .into_iter()
                .map(
                    |(id, version, terms): (i64, i32, OfferTerms)| CampaignOffer {
                        id,
                        version,
                        status: Status::of(&terms, Some(span), today),
                        title: terms.title,
                    },
                )
                .collect();
            Ok((CampaignRow::new(campaign, &currency, today), offers))
        })
        .await?;
    render_status(
        StatusCode::OK,
        &ShowPage {
            ctx: user.page(),
            row,
            offers,
            can_manage: user.can(Permission::OffersManage),
        },
    )
}

#[derive(Template)]
#[template(path = "campaigns/form.html")]
struct FormPage {
    ctx: PageCtx,
    editing: Option<Campaign>,
    form: CampaignForm,
    errors: FieldErrors,
    companies: Vec<Company>,
}

impl FormPage {
    fn chosen(&self, id: &i64) -> bool {
        self.form.company_id.trim() == id.to_string()
    }

    /// The editing campaign's company name (read-only on edit).
    fn company_name(&self) -> String {
        self.companies
            .iter()
            .find(|c| self.chosen(&c.id))
            .map(|c| c.name.clone())
            .unwrap_or_default()
    }
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    editing: Option<Campaign>,
    form: CampaignForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let companies = state.db.run(|conn| Ok(stores::companies(conn)?)).await?;
    render_status(
        status,
        &FormPage {
            ctx: user.page(),
            editing,
            form,
            errors,
            companies,
        },
    )
}

async fn new_page(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::OffersManage)?;
    let store = user.store_id;
    let company = state
        .db
        .run(move |conn| Ok(stores::company_of(conn, store)?.map(|c| c.id)))
        .await?;
    let form = CampaignForm::blank(user.clock.date(Utc::now()), company);
    form_page(
        &state,
        &user,
        StatusCode::OK,
        None,
        form,
        FieldErrors::new(),
    )
    .await
}

async fn edit_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::OffersManage)?;
    let id = id.into_inner();
    let campaign = state
        .db
        .run(move |conn| Ok(campaigns::find(conn, id)?))
        .await?;
    let form = CampaignForm::of(&campaign);
    form_page(
        &state,
        &user,
        StatusCode::OK,
        Some(campaign),
        form,
        FieldErrors::new(),
    )
    .await
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::OffersManage)?;
    save(&state, &user, None, CampaignForm::from_pairs(&form)).await
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::OffersManage)?;
    let id = id.into_inner();
    let campaign = state
        .db
        .run(move |conn| Ok(campaigns::find(conn, id)?))
        .await?;
    let mut typed = CampaignForm::from_pairs(&form);
    // The company is fixed once the campaign exists: its offers belong to it.
    typed.company_id = campaign.fields.company_id.to_string();
    save(&state, &user, Some(campaign), typed).await
}

/// Creates or saves a campaign in one transaction, audited; bad input and a taken name come
/// back as the form with messages (422).
async fn save(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<Campaign>,
    form: CampaignForm,
) -> Result<HttpResponse, AppError> {
    let (actor, id) = (user.actor(), editing.as_ref().map(|c| c.id));
    let typed = form.clone();
    let outcome = state
        .db
        .tx(move |conn| {
            let company = typed.company_id.trim().parse::<i64>().unwrap_or(0);
            let minor_unit = match stores::find_company(conn, company) {
                Ok(found) => stores::company_currency(conn, found.id)?.minor_unit,
                Err(_) => Currency::usd().minor_unit,
            };
            let fields = match typed.parse(minor_unit) {
                Ok(fields) => fields,
                Err(errors) => return Ok(Err(errors)),
            };
            if stores::find_company(conn, fields.company_id).is_err() {
                return Ok(Err(error("company_id", "Choose the company.")));
            }
            if campaigns::name_taken(conn, fields.company_id, &fields.name, id)? {
                return Ok(Err(error(
                    "name",
                    &format!("Another campaign of the company is called {}.", fields.name),
                )));
            }
            let name = fields.name.clone();
            let id = match id {
                Some(id) => {
                    campaigns::save(conn, &actor, id, &fields)?;
                    id
                }
                None => campaigns::create(conn, &actor, &fields)?,
            };
            Ok(Ok((id, name)))
        })
        .await?;
    match outcome {
        Ok((id, name)) => {
            let verb = if editing.is_some() {
                "Saved"
            } else {
                "Created"
            };
            user.flash(Flash::success(format!("{verb} campaign {name}.")));
            Ok(see_other(&format!("/campaigns/{id}")))
        }
        Err(errors) => {
            form_page(
                state,
                user,
                StatusCode::UNPROCESSABLE_ENTITY,
                editing,
                form,
                errors,
            )
            .await
        }
    }
}

fn error(field: &str, message: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.add(field, message);
    errors
}

/// The discount given as a share of a budget, for templates: "$250.00 of $1,000.00".
pub fn given_of_budget(given: Decimal, budget: Option<Decimal>, currency: &Currency) -> String {
    match budget {
        Some(budget) => format!("{} of {}", currency.format(given), currency.format(budget)),
        None => format!("{} (no budget)", currency.format(given)),
    }
}
