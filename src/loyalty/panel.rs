//! The Loyalty panel on the customer page: the program a customer is in with their points, tier
//! and what is about to expire, or the programs they may join. Enrol and Unenrol (customers.edit
//! or loyalty.manage) and Adjust points (loyalty.manage) answer htmx with the panel redrawn, and plain form posts
//! with a redirect back to the customer.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use patron_rules::users::{Permission, Role};
use serde::Deserialize;

use super::enrolment;
use super::model;
use super::model::ledger;
use super::model::programs::{self, Program};
use super::summary::{self, Summary};
use crate::customers::model as customers;
use crate::customers::panels::{self as customer_panels, CustomerPanel, PanelRequest, Slot};
use crate::kernel::Actor;
use crate::state::AppState;
use crate::stores::model as stores;
use crate::web::auth::StoreScope;
use crate::web::format::count;
use crate::web::page::with_toast;
use crate::web::request::is_fragment_request;
use crate::web::{AppError, CurrentUser, FieldErrors, Flash, render_status, see_other};

/// Mounts the panel's routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/{id}/loyalty", web::get().to(show))
        .route("/customers/{id}/loyalty/enrol", web::post().to(enrol))
        .route("/customers/{id}/loyalty/unenrol", web::post().to(unenrol))
        .route("/customers/{id}/loyalty/adjust", web::post().to(adjust));
}

/// A program the customer is in, as the panel shows it.
#[derive(Debug, Clone)]
pub struct Enrolled {
    /// Company (the Unenrol and Adjust forms send it).
    pub company_id: i64,
    /// Program name.
    pub program: String,
    /// "1,250".
    pub balance: String,
    /// "$12.50".
    pub value: String,
    /// Current tier.
    pub tier: String,
    /// Points whose last day is within 30 days, "120".
    pub expiring_soon: String,
    /// Whether unenrolling forfeits the points.
    pub forfeits: bool,
    /// "1 point = $0.01".
    pub conversion: String,
}

/// A program the customer may join.
#[derive(Debug, Clone)]
pub struct Offer {
    /// Program id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// "1 point = $0.01".
    pub conversion: String,
    /// "Points expire 365 days after the purchase" or "Points never expire".
    pub expiry: String,
    /// "Silver from $0.00, Gold from $1,000.00".
    pub tiers: String,
}

/// The panel.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    /// Customer.
    pub customer_id: i64,
    /// Programs they are in.
    pub enrolled: Vec<Enrolled>,
    /// Programs they may join (in companies where they are in none).
    pub offers: Vec<Offer>,
    /// Two or more auto-opt-in programs match them: a person must pick.
    pub must_pick: bool,
    /// May enrol and unenrol.
    pub can_enrol: bool,
    /// May adjust points.
    pub can_adjust: bool,
    /// Messages next to the fields of the last action.
    pub errors: FieldErrors,
}

fn enrolled(s: &Summary) -> Enrolled {
    Enrolled {
        company_id: s.member.company_id,
        program: s.program.fields.name.clone(),
        balance: count(s.balance),
        value: s.currency.format(s.value),
        tier: s.tier.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
        expiring_soon: count(s.expiring_soon),
        forfeits: s.program.fields.forfeit_on_unenrol,
        conversion: s.conversion(),
    }
}

fn offer(conn: &mut diesel::PgConnection, program: &Program) -> diesel::QueryResult<Offer> {
    let currency = stores::company_currency(conn, program.fields.company_id)?;
    let tiers = programs::tiers(conn, program.id)?
        .iter()
        .map(|t| format!("{} from {}", t.name, currency.format(t.min_spent)))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Offer {
        id: program.id,
        name: program.fields.name.clone(),
        conversion: summary::conversion(&currency, program),
        expiry: match program.fields.expiry_days {
            0 => "Points never expire".into(),
            days => format!("Points expire {days} days after the purchase"),
        },
        tiers,
    })
}

/// Customer `customer_id`'s panel on `today`, for `user`.
/// What a user may do in the panel, read from them before going to the database.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    /// Holds one of `ENROLLERS`.
    enrols: bool,
    /// A store supervisor enrols only their store's customers.
    scope: StoreScope,
    /// Holds loyalty.manage.
    adjusts: bool,
}

impl Viewer {
    /// `user`'s view.
    pub fn of(user: &CurrentUser) -> Viewer {
        Viewer::for_role(user.role, user.store_scope())
    }

    /// The view of a user with `role` acting within `scope`.
    pub fn for_role(role: Role, scope: StoreScope) -> Viewer {
        Viewer {
            enrols: ENROLLERS.iter().any(|p| role.can(*p)),
            scope,
            adjusts: role.can(Permission::LoyaltyManage),
        }
    }

    /// Whether they may enrol and unenrol `customer`.
    fn may_enrol(&self, customer: &customers::Customer) -> bool {
        self.enrols && self.scope.allows(customer.origin_store_id)
    }
}

/// `customer`'s panel on `today`, as `viewer` sees it.
pub fn load(
    conn: &mut diesel::PgConnection,
    customer: &customers::Customer,
    today: NaiveDate,
    viewer: Viewer,
) -> diesel::QueryResult<Panel> {
    let customer_id = customer.id;
    let summaries = summary::summaries(conn, customer_id, today)?;
    let companies: Vec<i64> = summaries.iter().map(|s| s.member.company_id).collect();
    let eligible = programs::eligible_for(conn, customer_id, today)?;
    let mut offers = Vec::new();
    for program in &eligible {
        if !companies.contains(&program.fields.company_id) {
            offers.push(offer(conn, program)?);
        }
    }
    let must_pick = enrolment::auto_by_company(&eligible, &companies)
        .iter()
        .any(|(_, candidates)| candidates.len() > 1);
    Ok(Panel {
        customer_id,
        enrolled: summaries.iter().map(enrolled).collect(),
        offers,
        must_pick,
        can_enrol: viewer.may_enrol(customer),
        can_adjust: viewer.adjusts,
        errors: FieldErrors::new(),
    })
}

#[derive(Template)]
#[template(path = "loyalty/panel.html")]
struct PanelFragment {
    loyalty: Panel,
    csrf: String,
}

/// The Loyalty card of the customer page.
pub struct LoyaltyCard;

impl CustomerPanel for LoyaltyCard {
    fn render(
        &self,
        conn: &mut diesel::PgConnection,
        request: &PanelRequest,
    ) -> Result<Option<customer_panels::Panel>, AppError> {
        let viewer = Viewer::for_role(request.viewer.role, request.viewer.scope);
        let fragment = PanelFragment {
            loyalty: load(conn, request.customer, request.today, viewer)?,
            csrf: request.viewer.csrf.clone(),
        };
        Ok(Some(customer_panels::Panel {
            slot: Slot::Card,
            html: customer_panels::html(&fragment)?,
        }))
    }
}

/// The panel of customer `id` for `user`, with `errors` from the last action.
async fn panel_for(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    errors: FieldErrors,
) -> Result<Panel, AppError> {
    let (viewer, today) = (Viewer::of(user), user.clock.today());
    let mut panel = state
        .db
        .run(move |conn| {
            let customer = customers::find(conn, id)?;
            Ok(load(conn, &customer, today, viewer)?)
        })
        .await?;
    panel.errors = errors;
    Ok(panel)
}

async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersView)?;
    let panel = panel_for(&state, &user, id.into_inner(), FieldErrors::new()).await?;
    render_status(
        actix_web::http::StatusCode::OK,
        &PanelFragment {
            loyalty: panel,
            csrf: user.page().csrf,
        },
    )
}

/// The answer to an action: the panel redrawn for htmx (with a toast, or 422 with the
/// messages), else a redirect to the customer with a flash.
async fn answer(
    state: &AppState,
    user: &CurrentUser,
    req: &HttpRequest,
    id: i64,
    outcome: Result<String, AppError>,
) -> Result<HttpResponse, AppError> {
    let (done, errors) = match outcome {
        Ok(done) => (Some(done), FieldErrors::new()),
        Err(AppError::Validation(errors)) => (None, errors),
        Err(other) => return Err(other),
    };
    if !is_fragment_request(req) {
        match (&done, errors.iter().next()) {
            (Some(done), _) => user.flash(Flash::success(done.clone())),
            (None, Some((_, message))) => user.flash(Flash::error(message.to_owned())),
            (None, None) => {}
        }
        return Ok(see_other(&format!("/customers/{id}")));
    }
    let status = if done.is_some() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let panel = panel_for(state, user, id, errors).await?;
    let page = render_status(
        status,
        &PanelFragment {
            loyalty: panel,
            csrf: user.page().csrf,
        },
    )?;
    Ok(match done {
        Some(done) => with_toast(page, &done),
        None => page,
    })
}

#[derive(Deserialize)]
struct EnrolForm {
    #[serde(default)]
    program: String,
}

/// Who may enrol and unenrol: those who edit customers, and marketing, who run the programs.
pub const ENROLLERS: [Permission; 2] = [Permission::CustomersEdit, Permission::LoyaltyManage];

/// Runs `change` on customer `id` in one transaction, when `user` may enrol them (`ENROLLERS`;
/// a store supervisor only their store's customers). Answers what was done.
async fn enrolment_change(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    change: impl FnOnce(&mut diesel::PgConnection, &Actor) -> Result<String, AppError> + Send + 'static,
) -> Result<String, AppError> {
    user.require_any(&ENROLLERS)?;
    let actor = user.actor();
    let viewer = Viewer::of(user);
    state
        .db
        .tx(move |conn| {
            if !viewer.may_enrol(&customers::find(conn, id)?) {
                return Err(AppError::Forbidden);
            }
            change(conn, &actor)
        })
        .await
}

async fn enrol(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    form: web::Form<EnrolForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let program_id: i64 = form.program.trim().parse().unwrap_or(0);
    let today = user.clock.today();
    let outcome = enrolment_change(&state, &user, id, move |conn, actor| {
        if program_id == 0 {
            return Err(AppError::field(
                "program",
                "Choose the program to enrol in.",
            ));
        }
        let member = enrolment::enrol(conn, id, program_id, today, actor)?;
        let name = programs::find(conn, member.program_id)?.fields.name;
        Ok(format!("Enrolled in {name}."))
    })
    .await;
    answer(&state, &user, &req, id, outcome).await
}

#[derive(Deserialize)]
struct CompanyForm {
    #[serde(default)]
    company: String,
}

async fn unenrol(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    form: web::Form<CompanyForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let company: i64 = form.company.trim().parse().unwrap_or(0);
    let today = user.clock.today();
    let outcome = enrolment_change(&state, &user, id, move |conn, actor| {
        let (member, forfeited) = enrolment::unenrol(conn, id, company, today, actor)?;
        let name = programs::find(conn, member.program_id)?.fields.name;
        Ok(if forfeited > 0 {
            format!(
                "Unenrolled from {name}; {} points forfeited.",
                count(forfeited)
            )
        } else {
            format!("Unenrolled from {name}.")
        })
    })
    .await;
    answer(&state, &user, &req, id, outcome).await
}

#[derive(Deserialize)]
struct AdjustForm {
    #[serde(default)]
    company: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    reason: String,
}

/// Reads an adjustment as typed: signed whole points, not zero, and a reason.
fn read_adjustment(form: &AdjustForm) -> Result<(i64, String), AppError> {
    let mut errors = FieldErrors::new();
    let points = match form.points.trim().trim_start_matches('+').parse::<i64>() {
        Ok(0) | Err(_) => {
            errors.add(
                "points",
                "Enter whole points to add, like 500, or to take away, like -200.",
            );
            0
        }
        Ok(n) if n.abs() > 100_000_000 => {
            errors.add("points", "At most 100,000,000 points at once.");
            0
        }
        Ok(n) => n,
    };
    let reason = form.reason.trim().to_owned();
    if reason.is_empty() {
        errors.add(
            "reason",
            "Say why, like Customer Appreciation: the ledger shows it.",
        );
    } else if reason.chars().count() > 200 {
        errors.add("reason", "Use at most 200 characters.");
    }
    errors
        .into_result((points, reason))
        .map_err(AppError::Validation)
}

async fn adjust(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    form: web::Form<AdjustForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::LoyaltyManage)?;
    let id = id.into_inner();
    let company: i64 = form.company.trim().parse().unwrap_or(0);
    let (actor, today) = (user.actor(), user.clock.today());
    let outcome = match read_adjustment(&form) {
        Err(errors) => Err(errors),
        Ok((points, reason)) => {
            state
                .db
                .tx(move |conn| {
                    let member = ledger::lock_membership(conn, id, company)?
                        .ok_or_else(|| AppError::field("points", "Enrol the customer first."))?;
                    let program = programs::find(conn, member.program_id)?;
                    if let Err(short) =
                        model::adjust(conn, &actor, &member, &program, points, &reason, today)?
                    {
                        return Err(AppError::field(
                            "points",
                            format!(
                                "Not enough loyalty points: the customer has {}.",
                                count(short.available)
                            ),
                        ));
                    }
                    Ok(if points > 0 {
                        format!("Added {} points.", count(points))
                    } else {
                        format!("Took away {} points.", count(-points))
                    })
                })
                .await
        }
    };
    answer(&state, &user, &req, id, outcome).await
}
