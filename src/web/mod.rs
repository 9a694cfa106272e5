//! Plumbing shared by all pages: the signed-in user and permissions, sessions, CSRF, errors as
//! pages/fragments/JSON, security headers, observability, static files.

pub mod accounts;
pub mod assets;
pub mod auth;
pub mod csrf;
pub mod csv_file;
pub mod date_range;
pub mod db;
pub mod error;
pub mod error_pages;
pub mod format;
pub mod metrics;
pub mod nav;
pub mod observe;
pub mod page;
pub mod pager;
pub mod request;
pub mod session_store;
pub mod sort;
pub mod stream;
pub mod tabs;
pub mod tiles;
pub mod till;
pub mod upload;

pub use auth::CurrentUser;
pub use error::{AppError, FieldErrors};
pub use page::{Flash, PageCtx, render, render_status, see_other};

use actix_web::middleware::DefaultHeaders;

/// The policy: scripts and styles from this site only, never framed, no inline script.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Headers every response carries (a handler may set its own Cache-Control).
pub const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    ("cache-control", "no-store"),
];

/// Middleware adding `SECURITY_HEADERS` where a response lacks them.
pub fn security_headers() -> DefaultHeaders {
    SECURITY_HEADERS
        .iter()
        .fold(DefaultHeaders::new(), |headers, pair| headers.add(*pair))
}
