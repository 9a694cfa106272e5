//! The customer import pages (customers.create): upload a CSV, see every problem by line and
//! column, choose to import the valid rows or nothing unless all are valid, and watch the
//! progress bar while it runs in the background.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use super::export::COLUMNS;
use super::import::{MAX_BYTES, REQUIRED, RowError};
use super::import_job::{self, Import};
use crate::app::AppState;
use crate::users::rules::Permission;
use crate::web::request::is_fragment_request;
use crate::web::upload::read_file;
use crate::web::{AppError, CurrentUser, PageCtx, render, render_status, see_other};

/// Mounts the routes (before `/customers/{id}`, which would take "import" for an id).
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/import", web::get().to(upload_page))
        .route("/customers/import", web::post().to(upload))
        .route("/customers/import/template.csv", web::get().to(template))
        .route("/customers/import/{id}", web::get().to(show))
        .route("/customers/import/{id}/run", web::post().to(start));
}

/// One documented column.
struct Column {
    label: &'static str,
    required: bool,
    format: &'static str,
}

fn documented_columns() -> Vec<Column> {
    COLUMNS
        .iter()
        .map(|label| Column {
            label,
            required: REQUIRED.contains(label),
            format: match *label {
                "Customer Code" => "CUST-00042; empty: the next code",
                "Customer Group" | "Territory" => "an existing name",
                "Origin Store" => "a store code; empty: created at HQ",
                "Country" => "ISO code, like US",
                "Birthday" => "YYYY-MM-DD",
                "Gender" => "female, male, other or empty",
                "Credit Limit" => "a number, like 1250.50",
                "Status" => "Active or Deactivated",
                "UUID" => "empty: a new one",
                _ => "text",
            },
        })
        .collect()
}

#[derive(Template)]
#[template(path = "customers/import.html")]
struct UploadPage {
    ctx: PageCtx,
    columns: Vec<Column>,
    error: Option<String>,
}

async fn upload_page(user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersCreate)?;
    render(&UploadPage {
        ctx: user.page(),
        columns: documented_columns(),
        error: None,
    })
}

async fn template(user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersCreate)?;
    let mut body = COLUMNS.join(",");
    body.push_str("\n,Ana,García,All Customers,All Territories,,+1 555 010 2030,ana@example.com,,1 Main Street,,Springfield,10001,US,1990-04-23,female,,500,,Active,\n");
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"customers-template.csv\"",
        ))
        .body(body))
}

fn refuse(
    user: &CurrentUser,
    status: StatusCode,
    message: String,
) -> Result<HttpResponse, AppError> {
    let page = UploadPage {
        ctx: user.page(),
        columns: documented_columns(),
        error: Some(message),
    };
    render_status(status, &page)
}

async fn upload(
    state: web::Data<AppState>,
    user: CurrentUser,
    mut form: Multipart,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersCreate)?;
    let file = match read_file(&mut form, "file", MAX_BYTES).await? {
        Ok(file) => file,
        Err(refused) => return refuse(&user, refused.status(), refused.message()),
    };
    let uploader = user.id;
    let created = state
        .db
        .run(move |conn| {
            Ok(import_job::create(
                conn,
                uploader,
                &file.file_name,
                &file.bytes,
            ))
        })
        .await?;
    match created {
        Ok(import) => Ok(see_other(&format!("/customers/import/{}", import?.id))),
        Err(message) => refuse(&user, StatusCode::UNPROCESSABLE_ENTITY, message),
    }
}

#[derive(Template)]
#[template(path = "customers/import_status.html", blocks = ["status"])]
struct StatusPage {
    ctx: PageCtx,
    import: Import,
    errors: Vec<RowError>,
}

impl StatusPage {
    fn percent(&self) -> i64 {
        let total = i64::from(self.import.valid_rows.max(1));
        i64::from(self.import.done_rows) * 100 / total
    }
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersCreate)?;
    let id = id.into_inner();
    let (import, errors) = state
        .db
        .run(move |conn| Ok((import_job::find(conn, id)?, import_job::errors(conn, id)?)))
        .await?;
    let page = StatusPage {
        ctx: user.page(),
        import,
        errors,
    };
    if is_fragment_request(&req) {
        render(&page.as_status())
    } else {
        render(&page)
    }
}

/// The choice on the preview.
#[derive(Debug, Deserialize)]
struct RunForm {
    #[serde(default)]
    mode: String,
}

async fn start(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<RunForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::CustomersCreate)?;
    let id = id.into_inner();
    let all_or_nothing = form.mode != "valid_rows";
    let claimed = state
        .db
        .run(move |conn| Ok(import_job::claim(conn, id, all_or_nothing)?))
        .await?;
    if claimed {
        let (pool, actor) = (state.db.pool().clone(), user.actor());
        web::block(move || import_job::spawn(pool, id, actor))
            .await
            .map_err(|_| AppError::Internal("starting the import panicked".into()))?;
    }
    Ok(see_other(&format!("/customers/import/{id}")))
}
