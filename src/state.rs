//! What every handler receives: the database, settings, password hashing, metrics and the key
//! that signs session cookies. Built once per process; `app::build` hands it to every worker.

use std::sync::Arc;

use actix_web::cookie::Key;
use actix_web::web;

use crate::config::Config;
use crate::db::DbPool;
use crate::kernel::Passwords;
use crate::web::db::Db;
use crate::web::metrics::Metrics;

/// What every handler can reach.
pub struct AppState {
    /// The database.
    pub db: Db,
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
    /// State over `pool`; reads (or makes) the shared cookie key.
    pub fn new(config: Config, pool: DbPool) -> anyhow::Result<web::Data<AppState>> {
        let mut conn = pool.get()?;
        let cookie_key = crate::web::session_store::cookie_key(&mut conn)?;
        Ok(web::Data::new(AppState {
            db: Db::new(pool),
            config: Arc::new(config),
            passwords: Passwords::new(2),
            metrics: Arc::new(Metrics::default()),
            cookie_key,
        }))
    }
}
