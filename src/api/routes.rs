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

use actix_web::web;

pub use crate::web::till::routes::{ApiRoutes, PREFIX};

/// Every till API endpoint: each area adds its own. A new area adds one line here.
pub fn table() -> ApiRoutes {
    let mut routes = ApiRoutes::default();
    crate::api::profile::routes(&mut routes);
    crate::catalog::api::routes(&mut routes);
    crate::customers::api::routes(&mut routes);
    crate::sales::api::routes(&mut routes);
    crate::loyalty::api::routes(&mut routes);
    crate::offers::api::routes(&mut routes);
    crate::coupons::api::routes(&mut routes);
    crate::gift_cards::till_routes(&mut routes);
    crate::referrals::till_routes(&mut routes);
    routes
}

/// Mounts the table: one scope for everything under `PREFIX` (mount it before any other route),
/// anything else at its own path; one resource per path, so that a method the path does not
/// serve (TRACE, say) is answered 405 with `Allow`, not 404.
pub fn config(cfg: &mut web::ServiceConfig) {
    let mut scope = web::scope(PREFIX);
    let resources = table().into_resources(|path| in_scope(path).unwrap_or(path).to_owned());
    for (path, resource) in resources {
        if in_scope(&path).is_some() {
            scope = scope.service(resource);
        } else {
            cfg.service(resource);
        }
    }
    cfg.service(scope);
}

/// `path` with `PREFIX` taken off, when it lies under it.
fn in_scope(path: &str) -> Option<&str> {
    path.strip_prefix(PREFIX)
        .filter(|rest| rest.starts_with('/'))
}
