//! Operations endpoints: /healthz for load balancers, /metrics for Prometheus.

use std::fmt::Write as _;

use actix_web::{HttpResponse, web};

use crate::state::AppState;

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

/// Prometheus text: requests and latency per route, and the connection pool.
async fn metrics(state: web::Data<AppState>) -> HttpResponse {
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
