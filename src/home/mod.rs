//! The home page: live figures of the back office and the latest activity.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::audit;
use crate::customers::model as customers;
use crate::state::AppState;
use crate::stores::model as stores;
use crate::users::model as users;
use crate::users::rules::Permission;
use crate::web::{AppError, CurrentUser, PageCtx, render};

/// Mounts the route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home));
}

struct Activity {
    at: String,
    who: String,
    what: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
    active_customers: String,
    active_users: i64,
    active_stores: i64,
    role: &'static str,
    permissions: Vec<&'static str>,
    activity: Option<Vec<Activity>>,
}

async fn home(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    let sees_audit = user.can(Permission::AuditView);
    let (active_customers, active_users, active_stores, latest) = state
        .db
        .run(move |conn| {
            let latest = if sees_audit {
                Some(audit::latest_activity(conn, 8)?)
            } else {
                None
            };
            Ok((
                customers::count_active_roughly(conn, 10_000)?,
                users::count_active(conn)?,
                stores::count_active(conn)?,
                latest,
            ))
        })
        .await?;
    render(&HomePage {
        ctx: user.page(),
        active_customers: match active_customers {
            (n, true) => crate::web::format::count(n),
            (n, false) => format!("about {}", crate::web::format::count(n)),
        },
        active_users,
        active_stores,
        role: user.role.label(),
        permissions: user
            .role
            .permissions()
            .iter()
            .map(|p| p.description())
            .collect(),
        activity: latest.map(|entries| {
            entries
                .into_iter()
                .map(|e| Activity {
                    at: e.at.format("%-d %b, %H:%M").to_string(),
                    what: e.what(),
                    who: e.actor,
                })
                .collect()
        }),
    })
}
