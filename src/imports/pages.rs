//! The import pages every area shares: upload a CSV, see every problem by line and column,
//! choose to import the valid rows or nothing unless all are valid, and watch the progress bar
//! while it runs in the background. `mount::<I>` adds them under `I::BASE`.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use super::check::{MAX_BYTES, RowError};
use super::job::{self, Column, Import, ImportScope, Importer};
use crate::state::AppState;
use crate::web::request::is_fragment_request;
use crate::web::upload::read_file;
use crate::web::{AppError, CurrentUser, PageCtx, render, render_status, see_other};

/// Mounts the import pages of `I` (before the area's `{id}` routes, which would take "import").
pub fn mount<I: Importer>(cfg: &mut web::ServiceConfig) {
    let base = I::BASE;
    cfg.route(base, web::get().to(upload_page::<I>))
        .route(base, web::post().to(upload::<I>))
        .route(
            &format!("{base}/template.csv"),
            web::get().to(template::<I>),
        )
        .route(&format!("{base}/{{id}}"), web::get().to(show::<I>))
        .route(&format!("{base}/{{id}}/run"), web::post().to(start::<I>));
}

/// The words and links the pages show for one kind of import.
struct Texts {
    base: &'static str,
    list: &'static str,
    list_label: String,
    round_trips: bool,
    done_link: &'static str,
    plural: &'static str,
    singular: &'static str,
}

fn texts<I: Importer>() -> Texts {
    Texts {
        base: I::BASE,
        list: I::LIST,
        list_label: if I::LIST_LABEL.is_empty() {
            format!("All {}", I::NOUNS.0)
        } else {
            I::LIST_LABEL.to_owned()
        },
        round_trips: I::ROUND_TRIPS,
        done_link: I::DONE_LINK,
        plural: I::NOUNS.0,
        singular: I::NOUNS.1,
    }
}

#[derive(Template)]
#[template(path = "imports/upload.html")]
struct UploadPage {
    ctx: PageCtx,
    t: Texts,
    columns: Vec<Column>,
    error: Option<String>,
}

fn upload_template<I: Importer>(user: &CurrentUser, error: Option<String>) -> UploadPage {
    UploadPage {
        ctx: user.page(),
        t: texts::<I>(),
        columns: I::columns(),
        error,
    }
}

async fn upload_page<I: Importer>(user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(I::PERMISSION)?;
    render(&upload_template::<I>(&user, None))
}

async fn template<I: Importer>(user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(I::PERMISSION)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}-template.csv\"", I::NOUNS.0),
        ))
        .body(I::template_csv()))
}

async fn upload<I: Importer>(
    state: web::Data<AppState>,
    user: CurrentUser,
    mut form: Multipart,
) -> Result<HttpResponse, AppError> {
    user.require(I::PERMISSION)?;
    let file = match read_file(&mut form, "file", MAX_BYTES).await? {
        Ok(file) => file,
        Err(refused) => {
            return render_status(
                refused.status(),
                &upload_template::<I>(&user, Some(refused.message())),
            );
        }
    };
    let (uploader, scope) = (user.id, scope_of(&user));
    let created = state
        .db
        .run(move |conn| {
            Ok(job::create::<I>(
                conn,
                uploader,
                scope,
                &file.file_name,
                &file.bytes,
            ))
        })
        .await?;
    match created {
        Ok(import) => Ok(see_other(&format!("{}/{}", I::BASE, import?.id))),
        Err(message) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &upload_template::<I>(&user, Some(message)),
        ),
    }
}

#[derive(Template)]
#[template(path = "imports/status.html", blocks = ["status"])]
struct StatusPage {
    ctx: PageCtx,
    t: Texts,
    import: Import,
    errors: Vec<RowError>,
}

impl StatusPage {
    fn percent(&self) -> i64 {
        let total = i64::from(self.import.valid_rows.max(1));
        i64::from(self.import.done_rows) * 100 / total
    }
}

fn scope_of(user: &CurrentUser) -> ImportScope {
    ImportScope {
        role: user.role,
        stores: user.store_scope(),
    }
}

/// Import `id` of kind `I`, when `user` may open it; someone else's file is not found.
async fn find_own<I: Importer>(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<Import, AppError> {
    let import = state
        .db
        .run(move |conn| Ok(job::find(conn, I::KIND, id)?))
        .await?;
    if ImportScope::may_open(user.role, user.id, &import) {
        Ok(import)
    } else {
        Err(AppError::NotFound)
    }
}

async fn show<I: Importer>(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(I::PERMISSION)?;
    let id = id.into_inner();
    let import = find_own::<I>(&state, &user, id).await?;
    let errors = state.db.run(move |conn| Ok(job::errors(conn, id)?)).await?;
    let page = StatusPage {
        ctx: user.page(),
        t: texts::<I>(),
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

async fn start<I: Importer>(
    state: web::Data<AppState>,
    hooks: web::Data<I::Hooks>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<RunForm>,
) -> Result<HttpResponse, AppError> {
    user.require(I::PERMISSION)?;
    let id = id.into_inner();
    find_own::<I>(&state, &user, id).await?;
    let all_or_nothing = form.mode != "valid_rows";
    let claimed = state
        .db
        .run(move |conn| Ok(job::claim(conn, I::KIND, id, all_or_nothing)?))
        .await?;
    if claimed {
        let (pool, actor, scope) = (state.db.pool().clone(), user.actor(), scope_of(&user));
        let hooks = hooks.into_inner();
        web::block(move || job::spawn::<I>(pool, id, actor, scope, hooks))
            .await
            .map_err(|_| AppError::Internal("starting the import panicked".into()))?;
    }
    Ok(see_other(&format!("{}/{id}", I::BASE)))
}
