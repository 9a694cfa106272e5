//! The company's "Referral defaults" (referrals.manage): whether customers created at HQ get a
//! referral code automatically and what automatic codes carry. The company page links here.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use patron_rules::referrals::RewardReferrer;
use patron_rules::users::Permission;

use super::form::check_offer;
use super::model::defaults::{self, Defaults};
use crate::coupons::model::queries::{campaigns_of, coupon_offers};
use crate::state::AppState;
use crate::stores::model::{self as stores, Company};
use crate::web::{AppError, CurrentUser, FieldErrors, Flash, PageCtx, render_status, see_other};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/companies/{id}/referral-defaults", web::get().to(show))
        .route("/companies/{id}/referral-defaults", web::post().to(update));
}

/// The form as posted.
#[derive(Debug, Clone, Default)]
struct DefaultsForm {
    auto_create: bool,
    campaign_id: String,
    customer_offer_id: String,
    primary_offer_id: String,
    max_registrations: String,
    reward_referrer: String,
}

impl DefaultsForm {
    fn of(d: &Defaults) -> DefaultsForm {
        let id = |id: Option<i64>| id.map(|i| i.to_string()).unwrap_or_default();
        DefaultsForm {
            auto_create: d.auto_create,
            campaign_id: id(d.campaign_id),
            customer_offer_id: id(d.customer_offer_id),
            primary_offer_id: id(d.primary_offer_id),
            max_registrations: d
                .max_registrations
                .map(|m| m.to_string())
                .unwrap_or_default(),
            reward_referrer: d.reward_referrer.clone(),
        }
    }

    fn from_pairs(pairs: &[(String, String)]) -> DefaultsForm {
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default()
        };
        DefaultsForm {
            auto_create: pairs.iter().any(|(k, _)| k == "auto_create"),
            campaign_id: value("campaign_id"),
            customer_offer_id: value("customer_offer_id"),
            primary_offer_id: value("primary_offer_id"),
            max_registrations: value("max_registrations"),
            reward_referrer: value("reward_referrer"),
        }
    }

    fn parse(&self) -> Result<Defaults, FieldErrors> {
        let mut errors = FieldErrors::new();
        let id = |errors: &mut FieldErrors, field: &str, raw: &str| match raw {
            "" => None,
            raw => raw.parse::<i64>().ok().or_else(|| {
                errors.add(field, "Choose one from the list.");
                None
            }),
        };
        let campaign_id = id(&mut errors, "campaign_id", &self.campaign_id);
        let customer_offer_id = id(&mut errors, "customer_offer_id", &self.customer_offer_id);
        let primary_offer_id = id(&mut errors, "primary_offer_id", &self.primary_offer_id);
        if self.auto_create && customer_offer_id.is_none() && !errors.has("customer_offer_id") {
            errors.add(
                "customer_offer_id",
                "Choose the Customer Offer: an automatic code needs one.",
            );
        }
        let max_registrations = match self.max_registrations.as_str() {
            "" => None,
            raw => match raw.parse::<i32>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    errors.add(
                        "max_registrations",
                        "Enter 1 or more, or leave it empty for no cap.",
                    );
                    None
                }
            },
        };
        let reward = match self.reward_referrer.as_str() {
            "first_purchase" => RewardReferrer::FirstPurchase,
            _ => RewardReferrer::AtRegistration,
        };
        errors.into_result(()).map(|()| Defaults {
            auto_create: self.auto_create,
            campaign_id,
            customer_offer_id,
            primary_offer_id,
            max_registrations,
            reward_referrer: reward.as_stored().to_owned(),
        })
    }
}

#[derive(Template)]
#[template(path = "referrals/defaults.html")]
struct DefaultsPage {
    ctx: PageCtx,
    company: Company,
    form: DefaultsForm,
    errors: FieldErrors,
    offers: Vec<(i64, String)>,
    campaigns: Vec<(i64, String)>,
    stores_on: Vec<String>,
}

impl DefaultsPage {
    fn picked(&self, value: &str, id: &i64) -> bool {
        value.trim() == id.to_string()
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    company: i64,
    form: Option<DefaultsForm>,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (company, saved, offers, campaigns, stores_on) = state
        .db
        .run(move |conn| {
            use crate::db::schema::{pos_profiles, stores as store_table};
            use diesel::prelude::*;
            let stores_on = store_table::table
                .inner_join(pos_profiles::table)
                .filter(store_table::company_id.eq(company))
                .filter(pos_profiles::auto_create_referral)
                .order(store_table::code.asc())
                .select(store_table::code)
                .load::<String>(conn)?;
            Ok((
                stores::find_company(conn, company)?,
                defaults::of(conn, company)?,
                coupon_offers(conn, company)?,
                campaigns_of(conn, company)?,
                stores_on,
            ))
        })
        .await?;
    render_status(
        status,
        &DefaultsPage {
            ctx: user.page(),
            company,
            form: form.unwrap_or_else(|| DefaultsForm::of(&saved)),
            errors,
            offers,
            campaigns,
            stores_on,
        },
    )
}

async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReferralsManage)?;
    page(
        &state,
        &user,
        StatusCode::OK,
        id.into_inner(),
        None,
        FieldErrors::new(),
    )
    .await
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReferralsManage)?;
    let company = id.into_inner();
    let form = DefaultsForm::from_pairs(&form);
    let typed = form.clone();
    let actor = user.actor();
    let outcome = state
        .db
        .tx(move |conn| {
            stores::find_company(conn, company)?;
            let parsed = match typed.parse() {
                Ok(parsed) => parsed,
                Err(errors) => return Ok(Err(errors)),
            };
            let mut errors = FieldErrors::new();
            if let Some(offer) = parsed.customer_offer_id {
                check_offer(conn, "customer_offer_id", offer, company, &mut errors)?;
            }
            if let Some(offer) = parsed.primary_offer_id {
                check_offer(conn, "primary_offer_id", offer, company, &mut errors)?;
            }
            if let Some(campaign) = parsed.campaign_id {
                match crate::offers::model::campaigns::find(conn, campaign) {
                    Ok(found) if found.fields.company_id == company => {}
                    Ok(_) | Err(diesel::result::Error::NotFound) => {
                        errors.add("campaign_id", "Choose a campaign of the company.")
                    }
                    Err(other) => return Err(other.into()),
                }
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            defaults::save(conn, &actor, company, &parsed)?;
            Ok(Ok(()))
        })
        .await?;
    match outcome {
        Ok(()) => {
            user.flash(Flash::success("Saved the referral defaults."));
            Ok(see_other(&format!(
                "/companies/{company}/referral-defaults"
            )))
        }
        Err(errors) => {
            page(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                company,
                Some(form),
                errors,
            )
            .await
        }
    }
}
