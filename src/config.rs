//! Settings from the environment, with command-line flags to override them: one struct.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::BoolishValueParser;

/// Every setting Patron reads. Flags win over environment variables; both have defaults.
#[derive(clap::Args, Debug, Clone)]
pub struct Config {
    /// PostgreSQL URL to use instead of the embedded server.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Folder for the embedded PostgreSQL cluster and other local state.
    #[arg(long, env = "PATRON_DATA_DIR", default_value = "./var", global = true)]
    pub data_dir: PathBuf,

    /// Address the web server listens on.
    #[arg(
        long,
        env = "PATRON_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,

    /// Mark the session cookie Secure (HTTPS only). Default: on, except on a loopback address.
    #[arg(long, env = "PATRON_SECURE_COOKIES", value_parser = BoolishValueParser::new(), global = true)]
    pub secure_cookies: Option<bool>,

    /// Email of the first administrator, created when no user exists.
    #[arg(long, env = "PATRON_ADMIN_EMAIL", global = true)]
    pub admin_email: Option<String>,

    /// Password of the first administrator; a random one is printed when absent.
    #[arg(
        long,
        env = "PATRON_ADMIN_PASSWORD",
        global = true,
        hide_env_values = true
    )]
    pub admin_password: Option<String>,

    /// Minutes without a request after which a session ends.
    #[arg(
        long,
        env = "PATRON_SESSION_IDLE_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub session_idle_minutes: u32,

    /// Hours after sign-in after which a session ends, however active.
    #[arg(
        long,
        env = "PATRON_SESSION_MAX_HOURS",
        default_value_t = 12,
        global = true
    )]
    pub session_max_hours: u32,

    /// Database connections kept by this instance.
    #[arg(long, env = "PATRON_DB_POOL_SIZE", default_value_t = 10, global = true)]
    pub db_pool_size: u32,

    /// Seconds a request waits for a database connection before answering 503.
    #[arg(
        long,
        env = "PATRON_DB_TIMEOUT_SECS",
        default_value_t = 5,
        global = true
    )]
    pub db_timeout_secs: u64,

    /// Folder holding the PostgreSQL server binaries (initdb, pg_ctl); searched for when absent.
    #[arg(long, env = "PATRON_PG_BINDIR", global = true)]
    pub pg_bindir: Option<PathBuf>,

    /// Lookups matching nothing a till may make in 10 minutes, per kind (gift card numbers,
    /// coupon codes, referral codes); past them its lookups of that kind are refused (429) until
    /// the oldest miss is 10 minutes old.
    #[arg(
        long,
        env = "PATRON_TILL_LOOKUP_LIMIT",
        default_value_t = 20,
        global = true
    )]
    pub till_lookup_limit: u32,

    /// Minutes a sale's `posted_at` may lie ahead of the server's clock (tills' clocks drift, and
    /// a till may sit in another time zone); a sale dated later is refused (422 on `posted_at`).
    #[arg(
        long,
        env = "PATRON_TILL_FUTURE_MINUTES",
        default_value_t = 1440,
        global = true
    )]
    pub till_future_minutes: u32,

    /// Reverse proxies whose `X-Forwarded-For` is believed (comma-separated addresses): sign-in
    /// failures are counted per client address, which behind a proxy is the one it forwards.
    /// Unset: the connection's own address.
    #[arg(
        long,
        env = "PATRON_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// A read replica (PostgreSQL streaming replication) of the database: every report, its CSV
    /// and the home page's sales figures read there, saying how fresh their figures are when it
    /// lags. Unset: they read the database itself.
    #[arg(
        long,
        env = "REPORTS_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub reports_database_url: Option<String>,

    /// The bearer token Prometheus sends for `/metrics` (`Authorization: Bearer ...`); without
    /// one, `/metrics` is off: its counts (failed sign-ins, pool sizes) are not for anyone.
    #[arg(
        long,
        env = "PATRON_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,

    /// Bench only: submit invoices without keeping the report rollups, to measure what keeping
    /// them costs. Reports are wrong until `patron reports rebuild`.
    #[arg(long, env = "PATRON_BENCH_SKIP_ROLLUPS", value_parser = BoolishValueParser::new(), default_value_t = false, global = true, hide = true)]
    pub bench_skip_rollups: bool,
}

impl Config {
    /// Settings for an app talking to `database_url`, everything else at its default.
    pub fn for_database(database_url: &str) -> Config {
        Config {
            database_url: Some(database_url.to_owned()),
            data_dir: PathBuf::from("./var"),
            bind: "127.0.0.1:0".to_owned(),
            secure_cookies: Some(false),
            admin_email: None,
            admin_password: None,
            session_idle_minutes: 30,
            session_max_hours: 12,
            db_pool_size: 4,
            db_timeout_secs: 2,
            pg_bindir: None,
            till_lookup_limit: 20,
            till_future_minutes: 1440,
            trusted_proxies: Vec::new(),
            reports_database_url: None,
            metrics_token: None,
            bench_skip_rollups: false,
        }
    }

    /// Whether the session cookie carries the Secure flag.
    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies
            .unwrap_or_else(|| !bind_is_loopback(&self.bind))
    }

    /// How long a session may sit unused.
    pub fn session_idle(&self) -> Duration {
        Duration::from_secs(u64::from(self.session_idle_minutes) * 60)
    }

    /// How long a session may live at most.
    pub fn session_max(&self) -> Duration {
        Duration::from_secs(u64::from(self.session_max_hours) * 3600)
    }

    /// How far ahead of the server's clock a till may date a sale.
    pub fn till_future_window(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.till_future_minutes))
    }

    /// How long a request waits for a pooled connection.
    pub fn db_timeout(&self) -> Duration {
        Duration::from_secs(self.db_timeout_secs.max(1))
    }
}

fn bind_is_loopback(bind: &str) -> bool {
    let host = bind.rsplit_once(':').map_or(bind, |(host, _)| host);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_binds_default_to_plain_cookies() {
        let mut config = Config::for_database("postgres://x");
        config.secure_cookies = None;
        for (bind, secure) in [
            ("127.0.0.1:8080", false),
            ("localhost:8080", false),
            ("[::1]:8080", false),
            ("0.0.0.0:8080", true),
            ("10.1.2.3:80", true),
        ] {
            config.bind = bind.to_owned();
            assert_eq!(config.cookies_secure(), secure, "{bind}");
        }
        config.secure_cookies = Some(true);
        config.bind = "127.0.0.1:8080".to_owned();
        assert!(config.cookies_secure());
    }
}
