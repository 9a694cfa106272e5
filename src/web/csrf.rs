//! CSRF protection: every state-changing browser request must carry the session's token, in the
//! `csrf_token` form field or the `X-CSRF-Token` header (htmx sends it from `hx-headers` on
//! <body>). Bearer-token API calls under /api are exempt: browsers do not attach those.

use actix_session::{Session, SessionExt};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use rand::Rng;

use super::error::AppError;

/// Name of the hidden form field.
pub const FIELD: &str = "csrf_token";
/// Name of the request header.
pub const HEADER: &str = "x-csrf-token";
const SESSION_KEY: &str = "csrf";

/// The session's token, made on first use.
pub fn token(session: &Session) -> String {
    if let Ok(Some(token)) = session.get::<String>(SESSION_KEY) {
        return token;
    }
    let bytes: [u8; 32] = rand::rng().random();
    let token = hex::encode(bytes);
    // A failed insert only means the next form will be refused and re-rendered.
    let _ = session.insert(SESSION_KEY, &token);
    token
}

/// Issues a fresh token (at sign-in, with the new session id).
pub fn rotate(session: &Session) -> String {
    session.remove(SESSION_KEY);
    token(session)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Middleware: refuses unsafe requests whose token is missing or wrong, before any handler runs.
pub async fn guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if is_safe(req.method()) || req.path().starts_with("/api/") {
        return next.call(req).await;
    }
    let expected = req.get_session().get::<String>(SESSION_KEY).ok().flatten();
    let mut given = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if given.is_none() && is_form {
        let body = req.extract::<Bytes>().await?;
        given = form_field(&body, FIELD);
        req.set_payload(body.into());
    }
    // A file upload without JavaScript cannot set the header, and its body is too large to read
    // twice: it carries the token in the form's action URL instead.
    let is_upload = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if given.is_none() && is_upload {
        given = form_field(req.query_string().as_bytes(), FIELD);
    }
    match (expected, given) {
        (Some(expected), Some(given))
            if constant_time_eq(expected.as_bytes(), given.as_bytes()) =>
        {
            next.call(req).await
        }
        _ => Err(AppError::Csrf.into()),
    }
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Whether `a` equals `b`, in a time that does not tell how much of a guessed secret was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_token_among_form_fields() {
        let body = b"email=a%40b.c&csrf_token=abc123&x=1";
        assert_eq!(form_field(body, FIELD).as_deref(), Some("abc123"));
        assert_eq!(form_field(b"email=x", FIELD), None);
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"", b"a"));
    }
}
