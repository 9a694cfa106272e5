//! The till API's route table type: an area adds its endpoints with `routes.add(__path_handler,
//! handler)`, at the method and path its `#[utoipa::path]` annotation names, so that what is
//! served and what is documented cannot say different things. `api::routes` lists the areas and
//! mounts the table.

use actix_web::http::Method;
use actix_web::{FromRequest, Handler, Resource, Responder, Route, web};
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

/// The till API's endpoints, in the order areas added them.
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

    /// The endpoints to mount, as one actix resource per path (each with its full path; it is
    /// mounted at `mount_at(path)`): a resource serves every method of its path and answers any
    /// other method 405 with `Allow` naming those (actix's default for a resource whose routes
    /// all miss), where a route per method would let it fall through to 404. A resource takes
    /// every request its path matches, so literal segments mount before `{placeholders}` in the
    /// same place (`/customers/search` before `/customers/{id}`), whatever order areas add them in.
    pub fn into_resources(self, mount_at: impl Fn(&str) -> String) -> Vec<(String, Resource)> {
        let mut paths: Vec<(String, Vec<Route>)> = Vec::new();
        for entry in self.entries {
            match paths.iter_mut().find(|(path, _)| *path == entry.path) {
                Some((_, routes)) => routes.push(entry.route),
                None => paths.push((entry.path, vec![entry.route])),
            }
        }
        paths.sort_by_key(|(path, _)| {
            path.split('/')
                .map(|segment| segment.starts_with('{'))
                .collect::<Vec<bool>>()
        });
        paths
            .into_iter()
            .map(|(path, routes)| {
                let resource = routes
                    .into_iter()
                    .fold(web::resource(mount_at(&path)), Resource::route);
                (path, resource)
            })
            .collect()
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
