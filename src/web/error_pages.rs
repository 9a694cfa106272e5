//! Turns error responses into what the caller asked for: a full HTML page, an htmx fragment shown
//! in the page's alert area, or API JSON `{"error":{"code","message","fields"}}`.

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::auth::CurrentUser;
use super::error::{ErrorInfo, FieldErrors};
use super::page::PageCtx;
use super::request::{Wants, wants};

#[derive(Template)]
#[template(path = "errors/page.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
    /// The generic 403 (the role lacks the permission), not a refusal that says its own why.
    role_hint: bool,
}

/// The same page inside the layout, for a signed-in user: the navigation stays, so a 403 or 404
/// is not a dead end.
#[derive(Template)]
#[template(path = "errors/page_in_layout.html")]
struct ErrorPageInLayout<'a> {
    ctx: PageCtx,
    status: u16,
    title: &'a str,
    message: &'a str,
    role_hint: bool,
}

#[derive(Template)]
#[template(path = "errors/fragment.html")]
struct ErrorFragment<'a> {
    message: &'a str,
}

fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Bad request",
        401 => "Sign-in required",
        403 => "Not allowed",
        404 => "Page not found",
        405 => "Not available here",
        409 => "Conflict",
        413 => "Too large",
        422 => "Check the form",
        503 => "Database unavailable",
        _ => "Something went wrong",
    }
}

/// A generic `ErrorInfo` for a status nobody described (a 405, a 500 from outside a handler).
pub fn info_for_status(status: StatusCode) -> ErrorInfo {
    let message = match status.as_u16() {
        400 => "The request could not be understood.",
        404 => "There is nothing at this address.",
        405 => "That action is not available at this address.",
        413 => "What was sent is too large.",
        503 => "The database is unavailable right now. Try again in a moment.",
        s if s >= 500 => "Something went wrong on our side. It has been logged.",
        _ => "The request could not be completed.",
    };
    ErrorInfo {
        status,
        code: match status.as_u16() {
            404 => "not_found",
            405 => "method_not_allowed",
            503 => "unavailable",
            s if s >= 500 => "internal",
            _ => "bad_request",
        },
        message: message.to_owned(),
        fields: FieldErrors::new(),
    }
}

/// What the error answer depends on, taken from the request before it is handed on (an
/// `HttpRequest` may not be cloned before routing).
#[derive(Debug, Clone)]
pub struct RequestInfo {
    wants: Wants,
    is_get: bool,
    path: String,
    path_and_query: String,
}

impl RequestInfo {
    /// Reads what matters from `req`.
    pub fn of(req: &HttpRequest) -> RequestInfo {
        RequestInfo {
            wants: wants(req),
            is_get: req.method() == actix_web::http::Method::GET,
            path: req.path().to_owned(),
            path_and_query: req
                .uri()
                .path_and_query()
                .map_or_else(|| req.path().to_owned(), |pq| pq.as_str().to_owned()),
        }
    }
}

/// An error answer, rebuildable any number of times, and itself an error that actix answers
/// with exactly that (for errors raised before a response exists).
#[derive(Debug, Clone)]
pub struct Reply {
    status: StatusCode,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl std::fmt::Display for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.status)
    }
}

impl Reply {
    /// The answer as a response.
    pub fn to_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        for (name, value) in &self.headers {
            res.insert_header((*name, value.as_str()));
        }
        res.insert_header((header::VARY, "HX-Request"));
        res.body(self.body.clone())
    }
}

impl actix_web::ResponseError for Reply {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    /// Used when no middleware adds headers any more, so it carries the security headers itself.
    fn error_response(&self) -> HttpResponse {
        let mut res = self.to_response();
        for (name, value) in super::SECURITY_HEADERS {
            if let Ok(value) = header::HeaderValue::from_str(value) {
                res.headers_mut()
                    .insert(header::HeaderName::from_static(name), value);
            }
        }
        res
    }
}

/// The answer to the request described by `req` for error `info`, in the format it wants.
pub fn reply(req: &RequestInfo, info: &ErrorInfo) -> Reply {
    reply_in(req, info, None)
}

/// As `reply`, a page inside the layout of `layout` when there is one.
fn reply_in(req: &RequestInfo, info: &ErrorInfo, layout: Option<PageCtx>) -> Reply {
    const HTML: &str = "text/html; charset=utf-8";
    let (headers, body): (Vec<(&'static str, String)>, String) = match (req.wants, info.status) {
        (Wants::Json, _) => (
            vec![("content-type", "application/json".to_owned())],
            serde_json::json!({
                "error": { "code": info.code, "message": info.message, "fields": info.fields }
            })
            .to_string(),
        ),
        (Wants::Page, StatusCode::UNAUTHORIZED) => {
            return Reply {
                status: StatusCode::SEE_OTHER,
                headers: vec![("location", sign_in_location(req))],
                body: String::new(),
            };
        }
        (Wants::Fragment, StatusCode::UNAUTHORIZED) => {
            return Reply {
                status: StatusCode::OK,
                headers: vec![("hx-redirect", "/login".to_owned())],
                body: String::new(),
            };
        }
        (Wants::Fragment, _) => (
            vec![
                ("content-type", HTML.to_owned()),
                ("hx-retarget", "#alerts".to_owned()),
                ("hx-reswap", "innerHTML".to_owned()),
            ],
            ErrorFragment {
                message: &info.message,
            }
            .render()
            .unwrap_or_default(),
        ),
        (Wants::Page, status) => {
            let (title, message) = (title(status), info.message.as_str());
            let role_hint = status == StatusCode::FORBIDDEN
                && message == super::error::AppError::Forbidden.public_message();
            let page = match layout {
                Some(ctx) => ErrorPageInLayout {
                    ctx,
                    status: status.as_u16(),
                    title,
                    message,
                    role_hint,
                }
                .render(),
                None => ErrorPage {
                    status: status.as_u16(),
                    title,
                    message,
                    role_hint,
                }
                .render(),
            };
            (
                vec![("content-type", HTML.to_owned())],
                page.unwrap_or_else(|_| info.message.clone()),
            )
        }
    };
    Reply {
        status: info.status,
        headers,
        body,
    }
}

/// Where to send someone who must sign in: back here afterwards, for pages they can reload.
fn sign_in_location(req: &RequestInfo) -> String {
    if req.is_get && req.path != "/" {
        format!(
            "/login?{}",
            serde_urlencoded::to_string([("next", req.path_and_query.as_str())])
                .unwrap_or_default()
        )
    } else {
        "/login".to_owned()
    }
}

/// The error a response describes, if it is one whose body should be replaced.
fn described(res: &HttpResponse<BoxBody>) -> Option<Result<ErrorInfo, StatusCode>> {
    if let Some(info) = res.extensions().get::<ErrorInfo>() {
        return Some(Ok(info.clone()));
    }
    let status = res.status();
    let bare =
        res.error().is_some() || matches!(res.body().size(), BodySize::None | BodySize::Sized(0));
    ((status.is_client_error() || status.is_server_error()) && bare).then_some(Err(status))
}

/// A generic description for `status`; a 500 from outside the handlers (the session store, say)
/// mostly means that the database went away, so that is checked and said.
async fn undescribed(status: StatusCode, db: Option<crate::web::db::Db>) -> ErrorInfo {
    if status.is_server_error()
        && status != StatusCode::SERVICE_UNAVAILABLE
        && let Some(db) = db
        && !db.is_up().await
    {
        return info_for_status(StatusCode::SERVICE_UNAVAILABLE);
    }
    info_for_status(status)
}

/// Middleware: replaces every error response with the page, fragment or JSON for it.
pub async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let request = RequestInfo::of(req.request());
    let db = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map(|s| s.db.clone());
    match next.call(req).await {
        Ok(res) => {
            let res = res.map_into_boxed_body();
            let mut info = match described(res.response()) {
                None => return Ok(res),
                Some(Ok(info)) => info,
                Some(Err(status)) => undescribed(status, db).await,
            };
            if request.wants == Wants::Json
                && info.status == StatusCode::METHOD_NOT_ALLOWED
                && let Some(allow) = res.response().headers().get(header::ALLOW)
                && let Ok(allow) = allow.to_str()
            {
                info.message = format!("This path answers {allow} only.");
            }
            let layout = res.response().extensions().get::<PageCtx>().cloned();
            let (http_req, old) = res.into_parts();
            let mut answer = reply_in(&request, &info, layout).to_response();
            // Kept from the answer replaced: its cookies, and on a 405 the methods it allows.
            for name in [header::SET_COOKIE, header::ALLOW] {
                for value in old.headers().get_all(&name) {
                    answer.headers_mut().append(name.clone(), value.clone());
                }
            }
            Ok(ServiceResponse::new(http_req, answer))
        }
        Err(err) => {
            let res = err.error_response();
            let info = match described(&res) {
                Some(Ok(info)) => info,
                _ => undescribed(res.status(), db).await,
            };
            Err(reply(&request, &info).into())
        }
    }
}

/// Middleware inside the session layer: for a signed-in user's page that ends in a client error
/// (403, 404...), leaves the layout context on the response so that `render_errors` (outside the
/// session layer, where the session is gone) can keep the navigation on the error page.
pub async fn keep_layout(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    use actix_web::FromRequest;
    let wants_page = wants(req.request()) == Wants::Page;
    let mut res = next.call(req).await?;
    let status = res.status();
    if wants_page && status.is_client_error() && status != StatusCode::UNAUTHORIZED {
        let user = CurrentUser::extract(res.request()).await;
        if let Ok(user) = user {
            res.response_mut()
                .extensions_mut()
                .insert(user.error_page());
        }
    }
    Ok(res)
}
