//! What every page's layout needs (who is signed in, navigation, CSRF token, flash messages), and
//! the helpers that turn a template into a response.

use actix_session::Session;
use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use askama::Template;
use patron_rules::Clock;
use patron_rules::users::Role;
use serde::{Deserialize, Serialize};

use super::error::AppError;
use super::nav::{self, NavLink};

const FLASH_KEY: &str = "flash";

/// A message shown once at the top of the next page ("Saved").
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// `success`, `info` or `error`: the alert's colour.
    pub kind: String,
    /// The message.
    pub text: String,
}

impl Flash {
    /// A green message.
    pub fn success(text: impl Into<String>) -> Flash {
        Flash {
            kind: "success".into(),
            text: text.into(),
        }
    }

    /// A red message.
    pub fn error(text: impl Into<String>) -> Flash {
        Flash {
            kind: "error".into(),
            text: text.into(),
        }
    }

    /// A neutral message.
    pub fn info(text: impl Into<String>) -> Flash {
        Flash {
            kind: "info".into(),
            text: text.into(),
        }
    }
}

/// Queues `flash` in the session for the next page.
pub fn push_flash(session: &Session, flash: Flash) {
    let mut all: Vec<Flash> = session.get(FLASH_KEY).ok().flatten().unwrap_or_default();
    all.push(flash);
    let _ = session.insert(FLASH_KEY, all);
}

fn take_flashes(session: &Session) -> Vec<Flash> {
    if !session.contains_key(FLASH_KEY) {
        return Vec::new();
    }
    session
        .remove_as::<Vec<Flash>>(FLASH_KEY)
        .and_then(Result::ok)
        .unwrap_or_default()
}

/// The signed-in user as the layout shows them.
#[derive(Debug, Clone)]
pub struct UserBadge {
    /// Name.
    pub name: String,
    /// Role label.
    pub role: &'static str,
    /// Initials for the avatar.
    pub initials: String,
}

/// Layout context: every page template has a `ctx` field of this type.
#[derive(Debug, Clone)]
pub struct PageCtx {
    /// Who is signed in (none on the sign-in page).
    pub user: Option<UserBadge>,
    /// Navigation links the user may follow.
    pub nav: Vec<NavLink>,
    /// The session's CSRF token, for forms and htmx.
    pub csrf: String,
    /// Messages to show once.
    pub flashes: Vec<Flash>,
    /// How the page reads times: the company's time zone (`ctx.clock.at(..)` in templates).
    pub clock: Clock,
}

impl PageCtx {
    /// The context for a page at `path` seen by `name` in `role`, reading times by `clock`.
    /// Flash messages are taken for a real page (`take_flashes`), and stay queued for the next
    /// one on an error page (a 403 or 404 that keeps the navigation).
    pub fn signed_in(
        viewer: (&str, Role, Clock),
        session: &Session,
        path: &str,
        take_flashes_now: bool,
    ) -> PageCtx {
        let (name, role, clock) = viewer;
        PageCtx {
            user: Some(UserBadge {
                name: name.to_owned(),
                role: role.label(),
                initials: initials(name),
            }),
            nav: nav::links(|p| role.can(p), path),
            csrf: super::csrf::token(session),
            flashes: if take_flashes_now {
                take_flashes(session)
            } else {
                Vec::new()
            },
            clock,
        }
    }

    /// The context for a page seen before signing in.
    pub fn anonymous(session: &Session) -> PageCtx {
        PageCtx {
            user: None,
            nav: Vec::new(),
            csrf: super::csrf::token(session),
            flashes: take_flashes(session),
            clock: Clock::UTC,
        }
    }

    /// Whether the menu offers `href` to this user: for a link into another area (an offer's
    /// page to its report) shown only to those who may follow it.
    pub fn may_open(&self, href: &str) -> bool {
        self.nav.iter().any(|link| link.href == href)
    }

    /// The `hx-headers` value that makes htmx send the CSRF token.
    pub fn hx_headers(&self) -> String {
        serde_json::json!({ "X-CSRF-Token": self.csrf }).to_string()
    }
}

/// Up to two initials of a name, for avatars.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// Renders `template` to HTML (a page, or a part another page embeds); a template that fails
/// to render is a bug, logged as a 500.
pub fn html(template: &impl Template) -> Result<String, AppError> {
    template
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}

/// Renders `template` as an HTML response with `status`.
pub fn render_status<T: Template>(
    status: StatusCode,
    template: &T,
) -> Result<HttpResponse, AppError> {
    let body = html(template)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::VARY, "HX-Request"))
        .body(body))
}

/// Renders `template` as a 200 HTML response.
pub fn render<T: Template>(template: &T) -> Result<HttpResponse, AppError> {
    render_status(StatusCode::OK, template)
}

/// 303 See Other to `location`: the answer to a form post that worked.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Adds a toast ("Saved.") to an htmx answer: app.js shows it when htmx fires the event.
pub fn with_toast(mut res: HttpResponse, message: &str) -> HttpResponse {
    // Header values are ASCII: other characters travel as JSON \u escapes.
    let mut trigger = String::new();
    for c in serde_json::json!({ "toast": message }).to_string().chars() {
        if c.is_ascii() {
            trigger.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                trigger.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    if let Ok(value) = header::HeaderValue::from_str(&trigger) {
        res.headers_mut()
            .insert(header::HeaderName::from_static("hx-trigger"), value);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("Ann Lee Smith"), "AL");
        assert_eq!(initials("émile"), "É");
        assert_eq!(initials("  "), "");
    }
}
