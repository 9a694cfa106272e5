//! Observability middleware: one log line per request, Prometheus counters and latency histograms
//! per route, and a panic in a handler turned into a plain 500 (logged, no detail sent).

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use futures_util::FutureExt as _;

use super::error_pages;

/// Middleware: times, logs and counts every request, and catches panics.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let request = error_pages::RequestInfo::of(req.request());
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let metrics = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map(|s| s.metrics.clone());

    let result: Result<ServiceResponse<BoxBody>, actix_web::Error> =
        match AssertUnwindSafe(next.call(req)).catch_unwind().await {
            Ok(Ok(res)) => Ok(res.map_into_boxed_body()),
            Ok(Err(err)) => Err(err),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!(%method, %path, panic = %message, "handler panicked");
                let info = error_pages::info_for_status(
                    actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                );
                Err(error_pages::reply(&request, &info).into())
            }
        };

    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let status = match &result {
        Ok(res) => res.status().as_u16(),
        Err(err) => err.as_response_error().status_code().as_u16(),
    };
    if let Some(metrics) = metrics {
        metrics.record(&method, &route, status, micros);
    }
    tracing::info!(
        target: "patron::request",
        %method,
        %path,
        %route,
        status,
        ms = micros / 1000,
        "request"
    );
    result
}
