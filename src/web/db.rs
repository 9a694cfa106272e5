//! The one way handlers reach the database: `Db::run` / `Db::tx` keep Diesel's blocking calls off
//! the async executor and turn a missing connection into the 503 page.

use diesel::pg::PgConnection;

use crate::db::DbPool;
use crate::web::error::AppError;

/// Handle that web handlers use to run Diesel code on the blocking thread pool.
#[derive(Clone)]
pub struct Db {
    pool: DbPool,
}

impl Db {
    /// Wraps a pool.
    pub fn new(pool: DbPool) -> Db {
        Db { pool }
    }

    /// The pool itself, for metrics and health checks.
    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// Runs `f` with a pooled connection on the blocking pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool
                .get()
                .map_err(|e| AppError::Unavailable(e.to_string()))?;
            f(&mut conn)
        })
        .await
        .map_err(|_| AppError::Internal("a database task panicked".into()))?
    }

    /// Runs `f` inside one transaction: everything it writes commits together or not at all.
    pub async fn tx<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        use diesel::Connection;
        self.run(move |conn| conn.transaction(f)).await
    }

    /// Whether the database answers right now (used by /healthz and the error pages).
    pub async fn is_up(&self) -> bool {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            use diesel::RunQueryDsl;
            let Ok(mut conn) = pool.get_timeout(std::time::Duration::from_millis(800)) else {
                return false;
            };
            diesel::sql_query("SELECT 1").execute(&mut conn).is_ok()
        })
        .await
        .unwrap_or(false)
    }
}
