//! The Offers pages (offers.manage writes, reports.view reads): the list with its filters,
//! last-30-days figures and overlap warning; the editor (only the fields the chosen Apply On and
//! Offer Type use: htmx swaps that section, and without JavaScript "Update fields" posts the
//! form back); the offer's page with its versions; Copy; Disable and Enable (a new version).

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::{Duration, Utc};
use patron_rules::Clock;
use patron_rules::keyset::Keyset;
use patron_rules::offers::overlap::{self as overlap, Overlap};
use patron_rules::tree::in_tree_order;
use patron_rules::users::Permission;
use serde::Deserialize;

use super::access::READERS;
use super::form_rules::{self, APPLY_ON, DISCOUNT_TYPES, OFFER_TYPES, REPLACE, Shown};
use super::model::names;
use super::model::queries::{self, CampaignChoice, OfferFilter, ProfileChoice, Status};
use super::model::segments::{self as offer_segments, SegmentChoice};
use super::model::versions;
use super::offer_form::OfferForm;
use super::sentence;
use super::terms_view::{self, Facts};
use crate::state::AppState;
use crate::stores::model::home_company;
use crate::stores::model::{self as stores, Company};
use crate::trees::model::groups::{self, Group};
use crate::web::format::count;
use crate::web::format::day;
use crate::web::pager::{self, PageQuery, Pager};
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Offers a page of the list holds.
const PAGE_SIZE: usize = 50;

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/offers", web::get().to(index))
        .route("/offers", web::post().to(create))
        .route("/offers/new", web::get().to(new_page))
        .route("/offers/fields", web::post().to(fields))
        .route("/offers/{id}", web::get().to(show))
        .route("/offers/{id}", web::post().to(update))
        .route("/offers/{id}/edit", web::get().to(edit_page))
        .route(
            "/offers/{id}/versions/{version}",
            web::get().to(version_page),
        )
        .route(
            "/offers/{id}/{action:disable|enable}",
            web::post().to(switch),
        );
}

/// Whether htmx asked for a fragment (not a boosted page or a history restore).
fn wants_fragment(req: &HttpRequest) -> bool {
    let has = |name: &str| req.headers().contains_key(name);
    has("HX-Request") && !has("HX-Boosted") && !has("HX-History-Restore-Request")
}

// ---------------------------------------------------------------------------------------------
// The list

/// The list's query string.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    q: String,
    campaign: String,
    status: String,
    apply_on: String,
    offer_type: String,
    #[serde(flatten)]
    page: PageQuery,
}

/// One line of the list.
struct OfferLine {
    id: i64,
    title: String,
    version: i32,
    /// What the offer gives and on what, in one sentence.
    deal: String,
    /// "15% off", "1 free", "10% off over $100.00".
    gives: String,
    /// "item group Tops", "the whole sale".
    on: String,
    applies: &'static str,
    valid: String,
    status: Status,
    invoices: String,
    discount: String,
}

#[derive(Template)]
#[template(path = "offers/index.html", blocks = ["rows"])]
struct IndexPage {
    ctx: PageCtx,
    query: ListQuery,
    rows: Vec<OfferLine>,
    pager: Pager,
    campaigns: Vec<CampaignChoice>,
    overlaps: Vec<Overlap>,
    can_manage: bool,
    filtered: bool,
}

impl IndexPage {
    fn statuses(&self) -> [(&'static str, &'static str); 4] {
        Status::ALL
    }
    fn apply_ons(&self) -> [(&'static str, &'static str); 4] {
        APPLY_ON
    }
    fn offer_types(&self) -> [(&'static str, &'static str); 4] {
        OFFER_TYPES
    }
    fn campaign_chosen(&self, id: &i64) -> bool {
        self.query.campaign == id.to_string()
    }
}

fn valid_text(terms: &versions::OfferTerms) -> String {
    match terms.valid_upto {
        Some(upto) => format!("{} – {}", day(terms.valid_from), day(upto)),
        None => format!("From {}", day(terms.valid_from)),
    }
}

async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let query = query.into_inner();
    let (store, clock) = (user.store_id, user.clock);
    let today = clock.date(Utc::now());
    let keyset: Keyset<i64> = query.page.keyset(|k| k.parse().ok());
    let typed = query.clone();
    let (rows, pager, campaigns, overlaps) = state
        .db
        .run(move |conn| {
            let (company, currency) = home_company(conn, store)?;
            let known = |code: &str, choices: &[(&str, &str)]| {
                choices
                    .iter()
                    .any(|(c, _)| *c == code)
                    .then(|| code.to_owned())
            };
            let filter = OfferFilter {
                company_id: company.id,
                title: typed.q.clone(),
                campaign_id: typed.campaign.parse().ok(),
                status: Status::parse(&typed.status),
                apply_on: known(&typed.apply_on, &APPLY_ON),
                offer_type: known(&typed.offer_type, &OFFER_TYPES),
                today,
            };
            let found = queries::list(conn, &filter, &keyset, PAGE_SIZE as i64 + 1)?;
            let base = pager::link(
                "/offers",
                &[
                    ("q", typed.q.trim()),
                    ("campaign", &typed.campaign),
                    ("status", &typed.status),
                    ("apply_on", &typed.apply_on),
                    ("offer_type", &typed.offer_type),
                ],
            );
            let (found, pager) = pager::paginate(
                &typed.page,
                &keyset,
                found,
                PAGE_SIZE,
                |(id, _, _)| id.to_string(),
                &base,
                "offer-rows",
            );
            let ids: Vec<i64> = found.iter().map(|(id, _, _)| *id).collect();
            let given = queries::given_since(conn, &ids, Utc::now() - Duration::days(30))?;
            let spans = queries::campaign_spans(conn, company.id)?;
            let named =
                names::of_terms(conn, &found.iter().map(|(_, _, t)| t).collect::<Vec<_>>())?;
            let rows = found
                .into_iter()
                .zip(named)
                .map(|((id, version, terms), named)| {
                    let (invoices, discount) = given.get(&id).cloned().unwrap_or_default();
                    OfferLine {
                        id,
                        version,
                        deal: sentence::deal(&terms, &named, &currency),
                        gives: sentence::gives(&terms, &currency),
                        on: sentence::on(&terms, &named),
                        applies: if terms.auto { "Auto" } else { "Coupon Based" },
                        valid: valid_text(&terms),
                        status: Status::of(
                            &terms,
                            terms.campaign_id.and_then(|c| spans.get(&c).copied()),
                            today,
                        ),
                        invoices: count(invoices),
                        discount: currency.format(discount),
                        title: terms.title,
                    }
                })
                .collect();
            let campaigns = queries::campaign_choices(conn, Some(company.id))?;
            let overlaps =
                overlap::overlaps(&queries::overlap_candidates(conn, company.id, today)?);
            Ok((rows, pager, campaigns, overlaps))
        })
        .await?;
    let filtered = [
        &query.q,
        &query.campaign,
        &query.status,
        &query.apply_on,
        &query.offer_type,
    ]
    .iter()
    .any(|v| !v.trim().is_empty());
    let page = IndexPage {
        ctx: user.page(),
        query,
        rows,
        pager,
        campaigns,
        overlaps,
        can_manage: user.can(Permission::OffersManage),
        filtered,
    };
    if wants_fragment(&req) {
        render(&page.as_rows())
    } else {
        render(&page)
    }
}

// ---------------------------------------------------------------------------------------------
// The form

/// What the selects offer.
#[derive(Default)]
struct Choices {
    companies: Vec<Company>,
    profiles: Vec<ProfileChoice>,
    warehouses: Vec<(i64, String)>,
    groups: Vec<(Group, usize)>,
    campaigns: Vec<CampaignChoice>,
    segments: Vec<SegmentChoice>,
}

async fn choices(state: &AppState) -> Result<Choices, AppError> {
    state
        .db
        .run(|conn| {
            Ok(Choices {
                companies: stores::companies(conn)?,
                profiles: queries::profiles(conn)?,
                warehouses: queries::warehouses(conn)?,
                groups: in_tree_order(groups::groups(conn)?, Group::node),
                campaigns: queries::campaign_choices(conn, None)?,
                segments: offer_segments::choices(conn)?,
            })
        })
        .await
}

/// The offer being edited: its id and title as stored.
struct Editing {
    id: i64,
    title: String,
}

/// The create and edit form; its `kind_fields` block is the section the chosen Apply On,
/// Offer Type and Discount Type decide, which htmx swaps alone.
#[derive(Template)]
#[template(path = "offers/form.html", blocks = ["kind_fields"])]
struct FormPage {
    ctx: PageCtx,
    editing: Option<Editing>,
    copied_from: Option<String>,
    form: OfferForm,
    errors: FieldErrors,
    shown: Shown,
    choices: Choices,
    /// The offer as a sentence, from what the form holds.
    sentence: String,
}

impl FormPage {
    fn new(
        ctx: PageCtx,
        editing: Option<Editing>,
        form: OfferForm,
        errors: FieldErrors,
        choices: Choices,
    ) -> FormPage {
        FormPage {
            ctx,
            editing,
            copied_from: None,
            shown: form_rules::shown(&form.apply_on, &form.offer_type, &form.discount_type),
            form,
            errors,
            choices,
            sentence: String::new(),
        }
    }

    fn company(&self) -> Option<i64> {
        self.form.company_id.trim().parse().ok()
    }

    fn company_name(&self) -> String {
        let company = self.company();
        self.choices
            .companies
            .iter()
            .find(|c| Some(c.id) == company)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    }

    /// Whether the select `field` has `value` chosen.
    fn chosen(&self, field: &str, value: &str) -> bool {
        let typed = match field {
            "company_id" => &self.form.company_id,
            "pos_profile_id" => &self.form.pos_profile_id,
            "warehouse" => &self.form.warehouse,
            "customer_group_id" => &self.form.customer_group_id,
            "segment_id" => &self.form.segment_id,
            "campaign_id" => &self.form.campaign_id,
            "apply_on" => &self.form.apply_on,
            "offer_type" => &self.form.offer_type,
            "discount_type" => &self.form.discount_type,
            "replace" => &self.form.replace,
            _ => return false,
        };
        typed.trim() == value
    }

    /// The profiles of the offer's company.
    fn profiles(&self) -> Vec<&ProfileChoice> {
        let company = self.company();
        self.choices
            .profiles
            .iter()
            .filter(|p| Some(p.company_id) == company)
            .collect()
    }

    /// The warehouses of the offer's company's stores.
    fn warehouses(&self) -> Vec<&String> {
        let company = self.company();
        self.choices
            .warehouses
            .iter()
            .filter(|(c, _)| Some(*c) == company)
            .map(|(_, w)| w)
            .collect()
    }

    /// The segments of the offer's company.
    fn segments(&self) -> Vec<&SegmentChoice> {
        let company = self.company();
        self.choices
            .segments
            .iter()
            .filter(|s| Some(s.company_id) == company)
            .collect()
    }

    /// The campaigns of the offer's company.
    fn campaigns(&self) -> Vec<&CampaignChoice> {
        let company = self.company();
        self.choices
            .campaigns
            .iter()
            .filter(|c| Some(c.company_id) == company)
            .collect()
    }

    fn apply_ons(&self) -> [(&'static str, &'static str); 4] {
        APPLY_ON
    }
    fn offer_types(&self) -> [(&'static str, &'static str); 4] {
        OFFER_TYPES
    }
    fn discount_types(&self) -> [(&'static str, &'static str); 2] {
        DISCOUNT_TYPES
    }
    fn replaces(&self) -> [(&'static str, &'static str); 3] {
        REPLACE
    }
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    editing: Option<Editing>,
    form: OfferForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let choices = choices(state).await?;
    let page = FormPage::new(user.page(), editing, form, errors, choices);
    with_sentence(state, user, status, page).await
}

/// Renders `page` with the sentence of what its form holds.
async fn with_sentence(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    page: FormPage,
) -> Result<HttpResponse, AppError> {
    let today = user.clock.date(Utc::now());
    let typed = page.form.clone();
    let sentence = state
        .db
        .run(move |conn| Ok(names::form_sentence(conn, &typed, today)?))
        .await?;
    render_status(status, &FormPage { sentence, ..page })
}

/// `?copy=ID`: the form starts from that offer; `?campaign=ID`: a new offer in that campaign,
/// with its dates.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NewQuery {
    copy: Option<i64>,
    campaign: Option<i64>,
}

/// The form of stored offer `id`.
async fn stored_form(state: &AppState, id: i64) -> Result<(OfferForm, String), AppError> {
    state
        .db
        .run(move |conn| {
            let offer = versions::find(conn, id, false)?;
            let (target, given) = queries::picked_names(conn, &offer.fields.terms)?;
            let title = offer.fields.terms.title.clone();
            Ok((OfferForm::of(&offer, target, given), title))
        })
        .await
}

async fn new_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::OffersManage)?;
    let (form, copied_from) = match query.copy {
        Some(id) => {
            let (form, title) = stored_form(&state, id).await?;
            (form.copied(), Some(title))
        }
        None => {
            let store = user.store_id;
            let campaign = query.campaign;
            // No company yet: the Company select asks for one.
            let (company, campaign) = state
                .db
                .run(move |conn| {
                    let campaign = match campaign {
                        Some(id) => Some(super::model::campaigns::find(conn, id)?),
                        None => None,
                    };
                    let company = match &campaign {
                        Some(c) => Some(c.fields.company_id),
                        None => stores::company_of(conn, store)?.map(|c| c.id),
                    };
                    Ok((company, campaign))
                })
                .await?;
            let mut form = OfferForm::blank(user.clock.date(Utc::now()), company);
            if let Some(c) = campaign {
                form.campaign_id = c.id.to_string();
                form.valid_from = c.fields.start_date.to_string();
                form.valid_upto = c.fields.end_date.map(|d| d.to_string()).unwrap_or_default();
            }
            (form, None)
        }
    };
    let choices = choices(&state).await?;
    let mut page = FormPage::new(user.page(), None, form, FieldErrors::new(), choices);
    page.copied_from = copied_from;
    with_sentence(&state, &user, StatusCode::OK, page).await
}

async fn edit_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::OffersManage)?;
    let id = id.into_inner();
    let (form, title) = stored_form(&state, id).await?;
    form_page(
        &state,
        &user,
        StatusCode::OK,
        Some(Editing { id, title }),
        form,
        FieldErrors::new(),
    )
    .await
}

/// The section that Apply On, Offer Type and Discount Type decide, for the form as posted
/// (htmx posts the whole form when one of them changes, so typed values stay).
async fn fields(
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::OffersManage)?;
    let (form, _) = OfferForm::from_pairs(&form);
    let page = FormPage::new(
        user.page(),
        None,
        form,
        FieldErrors::new(),
        Choices::default(),
    );
    render(&page.as_kind_fields())
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::OffersManage)?;
    save(&state, &user, None, &form).await
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::OffersManage)?;
    let id = id.into_inner();
    let (company, title) = state
        .db
        .run(move |conn| {
            let offer = versions::find(conn, id, false)?;
            Ok((offer.fields.company_id, offer.fields.terms.title))
        })
        .await?;
    let mut pairs = form.into_inner();
    // The company is fixed once the offer exists: whatever was posted, it stays.
    pairs.retain(|(k, _)| k != "company_id");
    pairs.push(("company_id".into(), company.to_string()));
    save(&state, &user, Some(Editing { id, title }), &pairs).await
}

/// Creates or saves an offer in one transaction (audited by `versions`); bad input comes back
/// as the form with messages (422); "Update fields" shows the form again, unsaved.
async fn save(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<Editing>,
    pairs: &[(String, String)],
) -> Result<HttpResponse, AppError> {
    let (form, refresh) = OfferForm::from_pairs(pairs);
    if refresh {
        return form_page(
            state,
            user,
            StatusCode::OK,
            editing,
            form,
            FieldErrors::new(),
        )
        .await;
    }
    let draft = match form.parse() {
        Ok(draft) => draft,
        Err(errors) => {
            return form_page(
                state,
                user,
                StatusCode::UNPROCESSABLE_ENTITY,
                editing,
                form,
                errors,
            )
            .await;
        }
    };
    let (actor, id) = (user.actor(), editing.as_ref().map(|e| e.id));
    let outcome = state
        .db
        .tx(move |conn| {
            let fields = match queries::resolve(conn, draft, id)? {
                Ok(fields) => fields,
                Err(errors) => return Ok(Err(errors)),
            };
            let title = fields.terms.title.clone();
            let (id, version) = match id {
                Some(id) => (id, versions::save(conn, &actor, id, &fields)?),
                None => (versions::create(conn, &actor, &fields)?, 1),
            };
            Ok(Ok((id, version, title)))
        })
        .await?;
    match outcome {
        Ok((id, version, title)) => {
            let message = if editing.is_some() {
                format!("Saved offer {title} (version {version}).")
            } else {
                format!("Created offer {title}.")
            };
            user.flash(Flash::success(message));
            Ok(see_other(&format!("/offers/{id}")))
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

// ---------------------------------------------------------------------------------------------
// The offer's page and its versions

/// One version in the history.
struct VersionLine {
    version: i32,
    from: String,
    until: String,
    by: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "offers/show.html")]
struct ShowPage {
    ctx: PageCtx,
    id: i64,
    title: String,
    description: String,
    company: String,
    version: i32,
    status: Status,
    /// The offer as one sentence.
    sentence: String,
    facts: Facts,
    history: Vec<VersionLine>,
    overlaps: Vec<Overlap>,
    given: String,
    invoices: String,
    /// Applies with a coupon: the page links its coupons and batches.
    coupon_based: bool,
    can_manage: bool,
    can_make_coupons: bool,
}

async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let (id, clock) = (id.into_inner(), user.clock);
    let today = clock.date(Utc::now());
    let page = state
        .db
        .run(move |conn| {
            let offer = versions::find(conn, id, false)?;
            let company = stores::find_company(conn, offer.fields.company_id)?;
            let currency = stores::company_currency(conn, company.id)?;
            let terms = &offer.fields.terms;
            let named = names::of_terms(conn, &[terms])?.pop().unwrap_or_default();
            let facts = terms_view::facts(terms, &named, &currency);
            let sentence = sentence::sentence(terms, &named, &currency);
            let campaign = match terms.campaign_id {
                Some(c) => Some(queries::Span::of_campaign(
                    &super::model::campaigns::find(conn, c)?.fields,
                )),
                None => None,
            };
            let authors = queries::version_authors(conn, id)?;
            let history = versions::history(conn, id)?
                .into_iter()
                .map(|v| VersionLine {
                    version: v.version,
                    from: clock.at(v.in_force_from),
                    until: v
                        .in_force_until
                        .map(|u| clock.at(u))
                        .unwrap_or_else(|| "In force".into()),
                    by: authors.get(&v.in_force_from).cloned().unwrap_or_default(),
                    current: v.version == offer.current_version,
                })
                .collect();
            let overlaps =
                overlap::overlaps(&queries::overlap_candidates(conn, company.id, today)?)
                    .into_iter()
                    .filter(|o| o.first.0 == id || o.second.0 == id)
                    .collect();
            let given = queries::given_since(conn, &[id], Utc::now() - Duration::days(30))?;
            let (invoices, discount) = given.get(&id).cloned().unwrap_or_default();
            Ok(ShowPage {
                ctx: PageCtx {
                    user: None,
                    nav: Vec::new(),
                    csrf: String::new(),
                    flashes: Vec::new(),
                    clock: Clock::UTC,
                },
                id,
                title: terms.title.clone(),
                description: offer.fields.description.clone(),
                company: company.name,
                version: offer.current_version,
                status: Status::of(terms, campaign, today),
                sentence,
                facts,
                history,
                overlaps,
                given: currency.format(discount),
                invoices: count(invoices),
                coupon_based: !terms.auto,
                can_manage: false,
                can_make_coupons: false,
            })
        })
        .await?;
    render(&ShowPage {
        ctx: user.page(),
        can_manage: user.can(Permission::OffersManage),
        can_make_coupons: user.can(Permission::CouponsManage),
        ..page
    })
}

#[derive(Template)]
#[template(path = "offers/version.html")]
struct VersionPage {
    ctx: PageCtx,
    id: i64,
    title: String,
    version: i32,
    from: String,
    until: Option<String>,
    facts: Facts,
}

async fn version_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i32)>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let ((id, version), clock) = (path.into_inner(), user.clock);
    let (title, from, until, facts) = state
        .db
        .run(move |conn| {
            let offer = versions::find(conn, id, false)?;
            let stored = versions::find_version(conn, id, version)?;
            let currency = stores::company_currency(conn, offer.fields.company_id)?;
            let named = names::of_terms(conn, &[&stored.terms])?
                .pop()
                .unwrap_or_default();
            let facts = terms_view::facts(&stored.terms, &named, &currency);
            Ok((
                stored.terms.title,
                clock.at(stored.in_force_from),
                stored.in_force_until.map(|u| clock.at(u)),
                facts,
            ))
        })
        .await?;
    render(&VersionPage {
        ctx: user.page(),
        id,
        title,
        version,
        from,
        until,
        facts,
    })
}

/// Disable or Enable: a new version with the switch changed, audited like any save.
async fn switch(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::OffersManage)?;
    let (id, action) = path.into_inner();
    let disable = action == "disable";
    let actor = user.actor();
    let title = state
        .db
        .tx(move |conn| {
            let mut fields = versions::find(conn, id, true)?.fields;
            fields.terms.disabled = disable;
            versions::save(conn, &actor, id, &fields)?;
            Ok(fields.terms.title)
        })
        .await?;
    let done = if disable { "disabled" } else { "enabled" };
    user.flash(Flash::success(format!("Offer {title} {done}.")));
    Ok(see_other(&format!("/offers/{id}")))
}
