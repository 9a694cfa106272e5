//! Operations endpoints: /healthz for load balancers, /metrics for Prometheus (behind the
//! bearer token `PATRON_METRICS_TOKEN`; off without one).

use std::fmt::Write as _;

use actix_web::{HttpRequest, HttpResponse, web};

use crate::state::AppState;
use crate::web::csrf::constant_time_eq;
use crate::web::request::bearer;

/// Mounts the routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/metrics", web::get().to(metrics));
}

/// 200 when the database answers, 503 when it does not.
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    if state.db.is_up().await {
        HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "database": "up" }))
    } else {
        HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({ "status": "unavailable", "database": "down" }))
    }
}

/// Prometheus text: requests and latency per route, and the connection pool; 404 without a
/// configured token, 401 without the right one.
async fn metrics(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let Some(token) = state
        .config
        .metrics_token
        .as_deref()
        .filter(|t| !t.is_empty())
    else {
        return HttpResponse::NotFound().finish();
    };
    let sent = bearer(&request).unwrap_or_default();
    if !constant_time_eq(sent.as_bytes(), token.as_bytes()) {
        // A body of its own: a bare 401 would become the sign-in page's redirect.
        return HttpResponse::Unauthorized()
            .insert_header(("WWW-Authenticate", "Bearer realm=\"metrics\""))
            .content_type("text/plain; charset=utf-8")
            .body("Send the metrics token: Authorization: Bearer <PATRON_METRICS_TOKEN>\n");
    }
    let mut out = String::new();
    state.metrics.render(&mut out);
    let pool = state.db.pool().state();
    let _ = writeln!(
        out,
        "# HELP patron_db_pool_connections Connections held by the pool."
    );
    let _ = writeln!(out, "# TYPE patron_db_pool_connections gauge");
    let _ = writeln!(out, "patron_db_pool_connections {}", pool.connections);
    let _ = writeln!(
        out,
        "# HELP patron_db_pool_idle Idle connections in the pool."
    );
    let _ = writeln!(out, "# TYPE patron_db_pool_idle gauge");
    let _ = writeln!(out, "patron_db_pool_idle {}", pool.idle_connections);
    let _ = writeln!(
        out,
        "# HELP patron_db_pool_max Most connections the pool will open."
    );
    let _ = writeln!(out, "# TYPE patron_db_pool_max gauge");
    let _ = writeln!(out, "patron_db_pool_max {}", state.db.pool().max_size());
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(out)
}
