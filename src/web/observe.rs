//! Observability middleware: one log line per request, Prometheus counters and latency histograms
//! per route, and a panic in a handler turned into a plain 500 (logged, no detail sent).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use futures_util::FutureExt as _;

use super::error_pages;

/// Upper bounds of the latency buckets, in microseconds.
const BUCKETS_MICROS: [u64; 11] = [
    5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000,
    10_000_000,
];

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS_MICROS.len()],
    count: u64,
    sum_micros: u64,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
}

/// Request counts and latencies since start, per route pattern (not per raw path, so that
/// /users/1 and /users/2 are one series).
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, micros: u64) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        *inner
            .requests
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
        let hist = inner.latency.entry(route.to_owned()).or_default();
        hist.count += 1;
        hist.sum_micros += micros;
        for (bucket, bound) in hist.buckets.iter_mut().zip(BUCKETS_MICROS) {
            if micros <= bound {
                *bucket += 1;
            }
        }
    }

    /// Prometheus text exposition of the request series.
    pub fn render(&self, out: &mut String) {
        let Ok(inner) = self.inner.lock() else {
            return;
        };
        out.push_str("# HELP patron_http_requests_total HTTP requests answered.\n");
        out.push_str("# TYPE patron_http_requests_total counter\n");
        for ((method, route, status), n) in &inner.requests {
            let _ = writeln!(
                out,
                "patron_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP patron_http_request_duration_seconds Time to answer, per route.\n");
        out.push_str("# TYPE patron_http_request_duration_seconds histogram\n");
        for (route, hist) in &inner.latency {
            for (bound, n) in BUCKETS_MICROS.iter().zip(hist.buckets) {
                let _ = writeln!(
                    out,
                    "patron_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{}\"}} {n}",
                    seconds(*bound)
                );
            }
            let _ = writeln!(
                out,
                "patron_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                hist.count
            );
            let _ = writeln!(
                out,
                "patron_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                seconds(hist.sum_micros)
            );
            let _ = writeln!(
                out,
                "patron_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                hist.count
            );
        }
    }
}

/// Microseconds as decimal seconds, without floating point.
fn seconds(micros: u64) -> String {
    format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_printed_exactly() {
        assert_eq!(seconds(5_000), "0.005000");
        assert_eq!(seconds(2_500_000), "2.500000");
    }

    #[test]
    fn a_request_lands_in_every_bucket_at_or_above_its_time() {
        let metrics = Metrics::default();
        metrics.record("GET", "/users", 200, 30_000);
        let mut out = String::new();
        metrics.render(&mut out);
        assert!(out.contains(
            "patron_http_requests_total{method=\"GET\",route=\"/users\",status=\"200\"} 1"
        ));
        assert!(out.contains("route=\"/users\",le=\"0.025000\"} 0"));
        assert!(out.contains("route=\"/users\",le=\"0.050000\"} 1"));
        assert!(out.contains("patron_http_request_duration_seconds_count{route=\"/users\"} 1"));
    }
}
