//! The database: connection pool, embedded migrations, and the one way handlers reach it
//! (`Db::run` / `Db::tx`, which keep Diesel's blocking calls off the async executor).

pub mod embedded;
pub mod schema;

use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::web::error::AppError;

diesel::define_sql_function! {
    /// PostgreSQL's lower(), as the case-insensitive unique indexes use it.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Every migration under `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// The r2d2 pool of PostgreSQL connections.
pub type DbPool = Pool<ConnectionManager<PgConnection>>;

/// One pooled connection.
pub type DbConn = PooledConnection<ConnectionManager<PgConnection>>;

/// Builds the pool and checks that one connection can be made.
pub fn connect(url: &str, size: u32, timeout: std::time::Duration) -> anyhow::Result<DbPool> {
    let manager = ConnectionManager::<PgConnection>::new(url);
    let pool = Pool::builder()
        .max_size(size.max(1))
        .min_idle(Some(1))
        .connection_timeout(timeout)
        .test_on_check_out(true)
        .build(manager)?;
    Ok(pool)
}

/// Applies every pending migration and returns how many ran.
pub fn migrate(conn: &mut PgConnection) -> anyhow::Result<usize> {
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("running migrations failed: {e}"))?;
    Ok(applied.len())
}

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

diesel::define_sql_function! {
    /// Numbers the pending changes of the synced tables (migration `change_feed_sequencer`).
    fn patron_sequence_changes() -> diesel::sql_types::BigInt;
}

/// Numbers the changes that are committed but not yet in the change feed, so that a till's next
/// read sees them; returns how many (-1 when another run was busy doing it). Cheap when there is
/// nothing pending.
pub fn sequence_changes(conn: &mut PgConnection) -> diesel::QueryResult<i64> {
    use diesel::RunQueryDsl;
    diesel::select(patron_sequence_changes()).get_result(conn)
}
