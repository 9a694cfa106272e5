//! The sentence beside the offer form, redrawn as the form is filled in (htmx posts the whole
//! form on each change), so a marketer reads what the offer will do before saving it.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;
use patron_rules::users::Permission;

use super::model::names;
use super::offer_form::OfferForm;
use crate::state::AppState;
use crate::web::{AppError, CurrentUser, render};

/// Mounts the route (before `/offers/{id}`).
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/offers/sentence", web::post().to(sentence));
}

#[derive(Template)]
#[template(path = "offers/sentence.html")]
struct SentenceFragment {
    sentence: String,
}

async fn sentence(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::OffersManage)?;
    let (form, _) = OfferForm::from_pairs(&form);
    let today = user.clock.date(Utc::now());
    let sentence = state
        .db
        .run(move |conn| Ok(names::form_sentence(conn, &form, today)?))
        .await?;
    render(&SentenceFragment { sentence })
}
