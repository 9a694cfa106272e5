//! The till API's route table: every `/api/v1/...` endpoint is mounted from here, at the method
//! and path its `#[utoipa::path]` annotation names, so that what is served and what is documented
//! cannot say different things.
//!
//! Why it cannot drift: an area adds `routes.add(__path_handler, handler)` (the `__path_` struct
//! is what the annotation generates, so an unannotated handler does not compile here), and
//! `config` mounts the whole table as one `web::scope(PREFIX)` ahead of every other route, so a
//! route put under `/api/v1` any other way is never reached (the scope answers 404 for it).
//! `tests/it/openapi.rs` then holds `table().list()` and the served document against each other
//! both ways and calls every documented operation.

use actix_web::http::Method;
use actix_web::{FromRequest, Handler, Responder, Route, web};
use utoipa::openapi::path::HttpMethod;

/// Where every till API path starts.
pub const PREFIX: &str = "/api/v1";

/// One endpoint: its method and path as documented, and the actix route that serves it.
struct Entry {
    method: Method,
    path: String,
    route: Route,
}

/// The till API's endpoints, in mounting order (literal paths before `{id}` ones).
#[derive(Default)]
pub struct ApiRoutes {
    entries: Vec<Entry>,
}

impl ApiRoutes {
    /// Serves `handler` at the method(s) and path of its annotation: pass the `__path_<handler>`
    /// struct that `#[utoipa::path]` generated, then the handler.
    pub fn add<P, F, Args>(&mut self, _annotation: P, handler: F) -> &mut ApiRoutes
    where
        P: utoipa::Path,
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        for method in P::methods() {
            let method = http_method(&method);
            self.entries.push(Entry {
                route: web::method(method.clone()).to(handler.clone()),
                method,
                path: P::path(),
            });
        }
        self
    }

    /// `(method, path)` of every endpoint, as mounted: `("GET", "/api/v1/customers/{id}")`.
    pub fn list(&self) -> Vec<(String, String)> {
        self.entries
            .iter()
            .map(|entry| (entry.method.to_string(), entry.path.clone()))
            .collect()
    }
}

fn http_method(method: &HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}

/// Every till API endpoint: each area adds its own. A new area adds one line here.
pub fn table() -> ApiRoutes {
    let mut routes = ApiRoutes::default();
    crate::api::profile::routes(&mut routes);
    crate::catalog::api::routes(&mut routes);
    crate::customers::api::routes(&mut routes);
    crate::sales::api::routes(&mut routes);
    crate::loyalty::api::routes(&mut routes);
    routes
}

/// Mounts the table: one scope for everything under `PREFIX` (mount it before any other route),
/// anything else at its own path.
pub fn config(cfg: &mut web::ServiceConfig) {
    let mut scope = web::scope(PREFIX);
    for entry in table().entries {
        match entry.path.strip_prefix(PREFIX) {
            Some(rest) if rest.starts_with('/') => scope = scope.route(rest, entry.route),
            _ => {
                cfg.route(&entry.path, entry.route);
            }
        }
    }
    cfg.service(scope);
}
