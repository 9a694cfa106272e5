//! The till API's route table type: an area adds its endpoints with `routes.add(__path_handler,
//! handler)`, at the method and path its `#[utoipa::path]` annotation names, so that what is
//! served and what is documented cannot say different things. `api::routes` lists the areas and
//! mounts the table.

use actix_web::http::Method;
use actix_web::{FromRequest, Handler, Responder, Route, web};
use utoipa::openapi::path::HttpMethod;

/// Where every till API path starts.
pub const PREFIX: &str = "/api/v1";

/// One endpoint: its method and path as documented, and the actix route that serves it.
pub struct Entry {
    /// The method.
    pub method: Method,
    /// The full path, `PREFIX` included.
    pub path: String,
    /// What serves it.
    pub route: Route,
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

    /// The endpoints, to mount.
    pub fn into_entries(self) -> Vec<Entry> {
        self.entries
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
