//! The Users pages (users.manage): list with the role table, create, edit, deactivate and
//! reactivate, reset a password.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use patron_rules::Activation;
use patron_rules::users::{Permission, Role, check_password, check_user_change, may_assign};

use super::forms::{ResetPasswordForm, UserForm, ValidUser};
use super::model::{self, NewUser, PasswordChange, StoreChoice, User, UserChanges, UserListRow};
use crate::kernel::Actor;
use crate::state::AppState;
use crate::web::session_store;
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/users", web::get().to(index))
        .route("/users", web::post().to(create))
        .route("/users/new", web::get().to(new_page))
        .route("/users/{id}", web::get().to(edit_page))
        .route("/users/{id}", web::post().to(update))
        .route(
            "/users/{id}/{action:deactivate|reactivate}",
            web::post().to(set_active),
        )
        .route("/users/{id}/password", web::post().to(reset_password));
}

/// A row of the role table: a permission and, per role in `Role::ALL` order, whether it has it.
struct PermissionRow {
    name: &'static str,
    description: &'static str,
    grants: Vec<bool>,
}

fn role_table() -> Vec<PermissionRow> {
    Permission::ALL
        .iter()
        .map(|p| PermissionRow {
            name: p.name(),
            description: p.description(),
            grants: Role::ALL.iter().map(|role| role.can(*p)).collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "users/index.html")]
struct IndexPage {
    ctx: PageCtx,
    users: Vec<UserListRow>,
    roles: Vec<&'static str>,
    permissions: Vec<PermissionRow>,
}

async fn index(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::UsersManage)?;
    let users = state.db.run(|conn| Ok(model::list(conn)?)).await?;
    render(&IndexPage {
        ctx: user.page(),
        users,
        roles: Role::ALL.iter().map(|r| r.label()).collect(),
        permissions: role_table(),
    })
}

/// The create and edit form (one template; `editing` holds the user being edited).
#[derive(Template)]
#[template(path = "users/form.html")]
struct FormPage {
    ctx: PageCtx,
    editing: Option<User>,
    form: UserForm,
    errors: FieldErrors,
    roles: Vec<(&'static str, &'static str)>,
    stores: Vec<StoreChoice>,
    password_errors: FieldErrors,
}

impl FormPage {
    fn is_selected_store(&self, store: &StoreChoice) -> bool {
        self.form.store_id == store.id.to_string()
    }
}

/// The roles `user` may hand out.
fn assignable_roles(
    user: &CurrentUser,
    current: Option<Role>,
) -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .iter()
        .filter(|r| may_assign(user.role, current, **r) || current == Some(**r))
        .map(|r| (r.as_str(), r.label()))
        .collect()
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<User>,
    form: UserForm,
    errors: FieldErrors,
    password_errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let stores = state.db.run(|conn| Ok(model::store_choices(conn)?)).await?;
    let current = editing.as_ref().and_then(User::role);
    Ok(FormPage {
        ctx: user.page(),
        roles: assignable_roles(user, current),
        editing,
        form,
        errors,
        stores,
        password_errors,
    })
}

async fn new_page(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Permission::UsersManage)?;
    let form = UserForm {
        role: Role::StoreSupervisor.as_str().to_owned(),
        ..UserForm::default()
    };
    let page = form_page(
        &state,
        &user,
        None,
        form,
        FieldErrors::new(),
        FieldErrors::new(),
    )
    .await?;
    render(&page)
}

/// A unique-email clash reported next to the field.
fn email_taken(err: AppError) -> AppError {
    match err {
        AppError::Conflict(_) => AppError::field("email", "Another user already has this email."),
        other => other,
    }
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<UserForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::UsersManage)?;
    let form = form.into_inner();
    let parsed = form.parse(true).and_then(|valid| {
        if may_assign(user.role, None, valid.role) {
            Ok(valid)
        } else {
            let mut errors = FieldErrors::new();
            errors.add("role", "Only an administrator can make administrators.");
            Err(errors)
        }
    });
    let valid = match parsed {
        Ok(valid) => valid,
        Err(errors) => return rerender(&state, &user, None, form, errors).await,
    };
    let hash = state.passwords.hash(form.password.clone()).await?;
    let actor = user.actor();
    let saved = state
        .db
        .tx(move |conn| {
            let created = model::create(
                conn,
                &NewUser {
                    email: valid.email.as_str(),
                    name: &valid.name,
                    password_hash: &hash,
                    role: valid.role.as_str(),
                    store_id: valid.store_id,
                },
                &actor,
            )?;
            Ok(created)
        })
        .await
        .map_err(email_taken);
    match saved {
        Ok(created) => {
            user.flash(Flash::success(format!("User {} created.", created.name)));
            Ok(see_other("/users"))
        }
        Err(AppError::Validation(errors)) => rerender(&state, &user, None, form, errors).await,
        Err(other) => Err(other),
    }
}

async fn rerender(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<User>,
    mut form: UserForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    form.password.clear();
    let page = form_page(state, user, editing, form, errors, FieldErrors::new()).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

fn form_of(user: &User) -> UserForm {
    UserForm {
        name: user.name.clone(),
        email: user.email.clone(),
        role: user.role.clone(),
        store_id: user.store_id.map(|id| id.to_string()).unwrap_or_default(),
        password: String::new(),
    }
}

async fn edit_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::UsersManage)?;
    let id = id.into_inner();
    let target = state.db.run(move |conn| Ok(model::find(conn, id)?)).await?;
    let form = form_of(&target);
    let page = form_page(
        &state,
        &user,
        Some(target),
        form,
        FieldErrors::new(),
        FieldErrors::new(),
    )
    .await?;
    render(&page)
}

/// Why a change to `target` is refused, checked under the administrators' lock.
fn guard_change(
    conn: &mut diesel::PgConnection,
    acting_user: i64,
    target: &User,
    deactivating: bool,
    new_role: Role,
) -> Result<(), AppError> {
    let is_active_admin = target.active && target.role() == Some(Role::Admin);
    let others = model::lock_other_active_admins(conn, target.id)?;
    check_user_change(
        acting_user == target.id,
        is_active_admin,
        others,
        deactivating,
        new_role,
    )
    .map_err(AppError::Conflict)
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<UserForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::UsersManage)?;
    let id = id.into_inner();
    let form = form.into_inner();
    let target = state.db.run(move |conn| Ok(model::find(conn, id)?)).await?;
    let parsed: Result<ValidUser, FieldErrors> = form.parse(false).and_then(|valid| {
        if may_assign(user.role, target.role(), valid.role) {
            Ok(valid)
        } else {
            let mut errors = FieldErrors::new();
            errors.add(
                "role",
                "Only an administrator can make or change administrators.",
            );
            Err(errors)
        }
    });
    let valid = match parsed {
        Ok(valid) => valid,
        Err(errors) => return rerender(&state, &user, Some(target), form, errors).await,
    };
    let (actor, acting) = (user.actor(), user.id);
    let saved = state
        .db
        .tx(move |conn| {
            let before = model::find_for_update(conn, id)?;
            guard_change(conn, acting, &before, false, valid.role).map_err(|e| match e {
                AppError::Conflict(message) => AppError::field("role", message),
                other => other,
            })?;
            Ok(model::update(
                conn,
                id,
                &UserChanges {
                    email: valid.email.as_str(),
                    name: &valid.name,
                    role: valid.role.as_str(),
                    store_id: valid.store_id,
                },
                &actor,
            )?)
        })
        .await
        .map_err(email_taken);
    match saved {
        Ok(saved) => {
            user.flash(Flash::success(format!("Saved {}.", saved.name)));
            Ok(see_other(&format!("/users/{id}")))
        }
        Err(AppError::Validation(errors)) => {
            rerender(&state, &user, Some(target), form, errors).await
        }
        Err(other) => Err(other),
    }
}

async fn set_active(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, Activation)>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::UsersManage)?;
    let (id, activation) = path.into_inner();
    let active = activation.active();
    let (actor, acting, acting_role) = (user.actor(), user.id, user.role);
    let result = state
        .db
        .tx(move |conn| {
            let before = model::find_for_update(conn, id)?;
            let role = before.role().ok_or(AppError::Forbidden)?;
            if !may_assign(acting_role, Some(role), role) {
                return Err(AppError::Conflict(
                    "Only an administrator can deactivate or reactivate administrators.".into(),
                ));
            }
            if !active {
                guard_change(conn, acting, &before, true, role)?;
            }
            let after = model::set_active(conn, id, activation, &actor)?;
            if !active {
                // Their open sessions end now, not at the next timeout.
                session_store::end_sessions_of(conn, id)?;
            }
            Ok(after)
        })
        .await;
    match result {
        Ok(after) => {
            user.flash(Flash::success(format!(
                "{} {}.",
                after.name,
                activation.done()
            )));
        }
        Err(AppError::Conflict(message)) => user.flash(Flash::error(message)),
        Err(other) => return Err(other),
    }
    Ok(see_other(&format!("/users/{id}")))
}

/// Sets a new password for someone who forgot theirs; their sessions end.
async fn reset_password(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<ResetPasswordForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::UsersManage)?;
    let id = id.into_inner();
    let target = state.db.run(move |conn| Ok(model::find(conn, id)?)).await?;
    let target_role = target.role().ok_or(AppError::Forbidden)?;
    let mut password_errors = FieldErrors::new();
    if let Err(message) = check_password(&form.password) {
        password_errors.add("password", message);
    } else if !may_assign(user.role, Some(target_role), target_role) {
        password_errors.add(
            "password",
            "Only an administrator can reset an administrator's password.",
        );
    }
    if !password_errors.is_empty() {
        let form = form_of(&target);
        let page = form_page(
            &state,
            &user,
            Some(target),
            form,
            FieldErrors::new(),
            password_errors,
        )
        .await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let hash = state.passwords.hash(form.into_inner().password).await?;
    let actor: Actor = user.actor();
    state
        .db
        .tx(move |conn| {
            model::change_password(conn, &actor, id, &hash, PasswordChange::Reset)?;
            session_store::end_sessions_of(conn, id)?;
            Ok(())
        })
        .await?;
    user.flash(Flash::success(format!(
        "New password set for {}. Their open sessions were signed out.",
        target.name
    )));
    Ok(see_other(&format!("/users/{id}")))
}
