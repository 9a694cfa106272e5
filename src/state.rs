//! What every handler receives: the database, settings, password hashing, metrics and the key
//! that signs session cookies. Built once per process; `app::build` hands it to every worker.

use std::sync::Arc;

use actix_web::cookie::Key;
use actix_web::web;
use anyhow::Context;

use crate::config::Config;
use crate::db::DbPool;
use crate::kernel::Passwords;
use crate::web::db::Db;
use crate::web::metrics::Metrics;

/// What every handler can reach.
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Where reports read: the read replica of `REPORTS_DATABASE_URL`, else the database.
    pub reports: Db,
    /// Settings.
    pub config: Arc<Config>,
    /// Password hashing, a few at a time.
    pub passwords: Passwords,
    /// Request metrics.
    pub metrics: Arc<Metrics>,
    /// Key that signs the session cookie (shared by all instances through the database).
    pub cookie_key: Key,
}

impl AppState {
    /// Whether reports read a replica of their own (`REPORTS_DATABASE_URL`).
    pub fn reports_replica(&self) -> bool {
        self.config.reports_database_url.is_some()
    }

    /// State over `pool`; reads (or makes) the shared cookie key.
    pub fn new(config: Config, pool: DbPool) -> anyhow::Result<web::Data<AppState>> {
        let mut conn = pool.get()?;
        let cookie_key = crate::web::session_store::cookie_key(&mut conn)?;
        let reports = match &config.reports_database_url {
            Some(url) => Db::new(
                crate::db::connect(url, config.db_pool_size.div_ceil(2), config.db_timeout())
                    .context("connecting to the reports replica (REPORTS_DATABASE_URL)")?,
            ),
            None => Db::new(pool.clone()),
        };
        Ok(web::Data::new(AppState {
            db: Db::new(pool),
            reports,
            config: Arc::new(config),
            passwords: Passwords::new(2),
            metrics: Arc::new(Metrics::default()),
            cookie_key,
        }))
    }
}
