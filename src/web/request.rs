//! What a request asks for: a whole page, an htmx fragment, or API JSON; and the bearer token
//! it carries.

use actix_web::HttpRequest;
use actix_web::http::header;

/// The kind of answer a request expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wants {
    /// A whole HTML page.
    Page,
    /// Only the part htmx swaps.
    Fragment,
    /// JSON (everything under /api).
    Json,
}

/// The token in an `Authorization: Bearer ...` header, if there is one.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

/// Decides what `req` expects.
pub fn wants(req: &HttpRequest) -> Wants {
    if req.path() == "/api" || req.path().starts_with("/api/") {
        Wants::Json
    } else if is_fragment_request(req) {
        Wants::Fragment
    } else {
        Wants::Page
    }
}

/// htmx asked for a fragment: `HX-Request` present, and not a boosted navigation or a history
/// restore (those need the whole page).
pub fn is_fragment_request(req: &HttpRequest) -> bool {
    let headers = req.headers();
    headers.contains_key("HX-Request")
        && !headers.contains_key("HX-Boosted")
        && !headers.contains_key("HX-History-Restore-Request")
}
