//! The database: connection pool, embedded migrations, the schema, the embedded server, its
//! backup and restore, the daily jobs' runner and the customers' fold. It knows nothing of HTTP:
//! handlers reach it through `web::db::Db`.

pub mod backup;
pub mod daily;
pub mod embedded;
pub mod fold;
pub mod schema;
pub mod sql;

use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

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
        .connection_customizer(Box::new(SessionSettings))
        .build(manager)?;
    Ok(pool)
}

/// What every pooled connection sets once: no JIT compilation. Patron's statements are index
/// reads and small sums whose estimated cost can still pass `jit_above_cost` (a subquery per
/// loyalty program is costed as a scan of every entry): the home's points figure took 250 ms
/// compiling a 5 ms query.
#[derive(Debug)]
struct SessionSettings;

impl diesel::r2d2::CustomizeConnection<PgConnection, diesel::r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut PgConnection) -> Result<(), diesel::r2d2::Error> {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SET jit = off")
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Applies every pending migration and returns how many ran.
pub fn migrate(conn: &mut PgConnection) -> anyhow::Result<usize> {
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("running migrations failed: {e}"))?;
    Ok(applied.len())
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
