//! Signing in and out, and changing one's own password.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use patron_rules::users::SignInGate;
use serde::Deserialize;

use super::forms::{ChangePasswordForm, SignInForm, safe_next};
use super::{attempts, model};
use crate::kernel::Actor;
use crate::state::AppState;
use crate::web::session_store::{self, USER_ID_KEY};
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, csrf, render, render_status, see_other,
};

/// The one message for every failed sign-in: it never tells whether the email exists, nor
/// whether the account is locked.
pub const SIGN_IN_FAILED: &str = "Wrong email or password. After 5 failed attempts, signing in \
     to that account from here is locked for 15 minutes.";

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(sign_in_page))
        .route("/login", web::post().to(sign_in))
        .route("/logout", web::post().to(sign_out))
        .route("/account/password", web::get().to(password_page))
        .route("/account/password", web::post().to(change_password));
}

#[derive(Template)]
#[template(path = "users/signin.html")]
struct SignInPage {
    ctx: PageCtx,
    email: String,
    next: String,
    error: Option<String>,
    signed_out: bool,
}

#[derive(Deserialize)]
struct SignInQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    signed_out: Option<String>,
}

async fn sign_in_page(
    session: Session,
    query: web::Query<SignInQuery>,
) -> Result<HttpResponse, AppError> {
    render(&SignInPage {
        ctx: PageCtx::anonymous(&session),
        email: String::new(),
        next: safe_next(&query.next).to_owned(),
        error: None,
        signed_out: query.signed_out.is_some(),
    })
}

async fn sign_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let email = form.email.trim().to_owned();
    let lookup = email.clone();
    let address = attempts_address(&req, &state);
    let here = address.clone();
    let (user, attempt) = state
        .db
        .tx(move |conn| {
            let user = model::find_by_email(conn, &lookup)?;
            let attempt = attempts::begin(conn, &here, user.as_ref().map(|u| u.id))?;
            Ok((user, attempt))
        })
        .await?;
    if attempt.gate == SignInGate::Throttled {
        tracing::warn!(%address, "sign-in refused: too many failures from this address");
        return render_status(
            StatusCode::TOO_MANY_REQUESTS,
            &SignInPage {
                ctx: PageCtx::anonymous(&session),
                email,
                next: safe_next(&form.next).to_owned(),
                error: Some(format!(
                    "Too many failed sign-ins from your address. Try again in {} minute(s).",
                    attempt.retry_minutes
                )),
                signed_out: false,
            },
        );
    }
    // Every refusal costs one hash check, so timing does not tell the cases apart either.
    let open = attempt.gate == SignInGate::Open;
    let usable = user.as_ref().filter(|u| u.active && open);
    let usable_hash = usable.map(|u| u.password_hash.clone());
    let matches = state
        .passwords
        .verify(form.password.clone(), usable_hash.clone())
        .await?
        && usable_hash.is_some();

    let Some(user) = user.filter(|_| matches) else {
        // The attempt's row stays: it is the failure the next attempts count.
        tracing::info!(%address, "sign-in refused");
        return refuse(&session, email, &form.next);
    };

    let actor = Actor::User {
        id: user.id,
        email: user.email.clone(),
    };
    state
        .db
        .tx(move |conn| {
            attempts::succeeded(conn, attempt, &address, user.id)?;
            model::record_sign_in(conn, user.id)?;
            session_store::purge_expired(conn)?;
            model::note_session(conn, &actor, user.id, true)?;
            Ok(())
        })
        .await?;
    // A new session id at sign-in, so that a session id planted before cannot be ridden.
    session.renew();
    session
        .insert(USER_ID_KEY, user.id)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    csrf::rotate(&session);
    Ok(see_other(safe_next(&form.next)))
}

/// The address sign-in failures are counted under (see `Config::trusted_proxies`).
fn attempts_address(req: &HttpRequest, state: &AppState) -> String {
    crate::web::request::client_address(req, &state.config.trusted_proxies)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

fn refuse(session: &Session, email: String, next: &str) -> Result<HttpResponse, AppError> {
    render_status(
        StatusCode::UNAUTHORIZED,
        &SignInPage {
            ctx: PageCtx::anonymous(session),
            email,
            next: safe_next(next).to_owned(),
            error: Some(SIGN_IN_FAILED.to_owned()),
            signed_out: false,
        },
    )
}

async fn sign_out(state: web::Data<AppState>, session: Session) -> Result<HttpResponse, AppError> {
    if let Ok(Some(user_id)) = session.get::<i64>(USER_ID_KEY) {
        state
            .db
            .run(move |conn| {
                let user = model::find(conn, user_id)?;
                let actor = Actor::User {
                    id: user.id,
                    email: user.email,
                };
                model::note_session(conn, &actor, user_id, false)?;
                Ok(())
            })
            .await?;
    }
    session.purge();
    Ok(see_other("/login?signed_out=1"))
}

#[derive(Template)]
#[template(path = "users/password.html")]
struct PasswordPage {
    ctx: PageCtx,
    errors: FieldErrors,
}

async fn password_page(user: CurrentUser) -> Result<HttpResponse, AppError> {
    render(&PasswordPage {
        ctx: user.page(),
        errors: FieldErrors::new(),
    })
}

/// Changing one's password ends every other session of the user; this one continues under a
/// new id.
async fn change_password(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<ChangePasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = form.check().err().unwrap_or_default();
    if !form.current_password.is_empty() {
        let id = user.id;
        let stored = state.db.run(move |conn| Ok(model::find(conn, id)?)).await?;
        let ok = state
            .passwords
            .verify(form.current_password.clone(), Some(stored.password_hash))
            .await?;
        if !ok {
            errors.add("current_password", "That is not your current password.");
        }
    }
    if !errors.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage {
                ctx: user.page(),
                errors,
            },
        );
    }
    let hash = state.passwords.hash(form.new_password).await?;
    let (id, actor) = (user.id, user.actor());
    state
        .db
        .tx(move |conn| {
            model::change_password(conn, &actor, id, &hash, model::PasswordChange::Own)?;
            session_store::end_sessions_of(conn, id)?;
            Ok(())
        })
        .await?;
    user.session().renew();
    user.flash(Flash::success(
        "Password changed. Your other sessions have been signed out.",
    ));
    Ok(see_other("/"))
}
