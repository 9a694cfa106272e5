//! The JSON API for store terminals: the token extractor, the route table every `/api/v1/...`
//! endpoint is mounted from, the endpoints that belong to no single area, and the OpenAPI
//! document with its page for people. Areas write their endpoints next to their pages and add
//! them to the table (see `routes`).

pub mod docs_page;
pub mod docs_view;
pub mod feed;
pub mod json;
pub mod openapi;
pub mod profile;
pub mod routes;
pub mod terminal;
