//! The API page of the back office (stores.manage): the till API's OpenAPI document rendered for
//! people, server-side, with every operation's parameters, body and answers in tables.

use actix_web::{HttpResponse, web};
use askama::Template;
use patron_rules::users::Permission;

use super::docs_view::{self, DocView};
use super::openapi::{DOCUMENT_PATH, TERMINAL_TOKEN};
use crate::web::{AppError, CurrentUser, PageCtx, render};

/// Where the page lives (not under `/api`, whose errors are JSON).
pub const PAGE_PATH: &str = "/api-docs";

/// Mounts the page.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route(PAGE_PATH, web::get().to(index));
}

#[derive(Template)]
#[template(path = "api/index.html")]
struct ApiPage {
    ctx: PageCtx,
    doc: DocView,
    json_path: &'static str,
    token_scheme: &'static str,
}

async fn index(user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::StoresManage)?;
    render(&ApiPage {
        ctx: user.page(),
        doc: docs_view::view(&super::openapi::document()),
        json_path: DOCUMENT_PATH,
        token_scheme: TERMINAL_TOKEN,
    })
}
