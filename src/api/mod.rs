//! The JSON API for store terminals, at the top of the crate: the table every `/api/v1/...`
//! endpoint is mounted from, the endpoints that belong to no single area, and the OpenAPI
//! document with its page for people. Areas write their endpoints next to their pages with the
//! plumbing in `web::till` and are listed here (see `routes`).

pub mod docs_page;
pub mod docs_view;
pub mod openapi;
pub mod profile;
pub mod routes;
