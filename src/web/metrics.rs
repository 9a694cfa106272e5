//! Request counts and latency histograms per route, kept in memory since start and rendered as
//! Prometheus text (the `observe` middleware records, `/metrics` renders).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

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
    /// Counts one answered request.
    pub fn record(&self, method: &str, route: &str, status: u16, micros: u64) {
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
