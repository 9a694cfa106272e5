//! The test database server: one private PostgreSQL cluster under target/ shared by every test
//! process (a file lock guards its start), a template database migrated once per set of
//! migrations, and a fresh database cloned from it for each test. With TEST_DATABASE_URL set, that
//! server is used instead and nothing is started.

use std::collections::hash_map::DefaultHasher;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::OnceLock;

use diesel::prelude::*;
use patron::db::embedded::{EmbeddedPostgres, find_bindir};

struct Server {
    /// URL of a database on the server, by name.
    url_for: Box<dyn Fn(&str) -> String + Send + Sync>,
    template: String,
}

static SERVER: OnceLock<Server> = OnceLock::new();

fn target_tmp() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// Replaces the database name in a libpq URL (`postgres://u:p@host:5432/db?opts`).
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{db}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

fn migrations_hash() -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<PathBuf> = walk(&dir);
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in files {
        file.strip_prefix(&dir).unwrap().hash(&mut hasher);
        std::fs::read(&file).unwrap().hash(&mut hasher);
    }
    format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}

fn walk(dir: &PathBuf) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The test cluster under target/ (not started).
pub(crate) fn primary() -> EmbeddedPostgres {
    let bindir = find_bindir(None).unwrap_or_else(|e| panic!("{e}"));
    EmbeddedPostgres::new(bindir, &target_tmp().join("pg"))
        .unwrap()
        // Test data is thrown away: durability only costs time here.
        .with_setting("fsync", "off")
        .with_setting("synchronous_commit", "off")
        .with_setting("full_page_writes", "off")
        .with_setting("max_connections", "300")
}

/// Whether the tests run on the cluster under target/ (not a TEST_DATABASE_URL server).
pub(crate) fn embedded() -> bool {
    std::env::var("TEST_DATABASE_URL").map_or(true, |url| url.is_empty())
}

pub(crate) fn target_dir() -> PathBuf {
    target_tmp()
}

fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        let lock = File::create(target_tmp().join("patron-test-pg.lock")).unwrap();
        lock.lock().unwrap();
        let url_for: Box<dyn Fn(&str) -> String + Send + Sync> =
            match std::env::var("TEST_DATABASE_URL") {
                Ok(url) if !url.is_empty() => Box::new(move |db| with_database(&url, db)),
                _ => {
                    let mut pg = primary();
                    pg.start().unwrap_or_else(|e| panic!("{e}"));
                    // Shared with other test processes: it keeps running after this one.
                    pg.detach();
                    Box::new(move |db| pg.url(db))
                }
            };
        let template = format!("patron_tmpl_{}", migrations_hash());
        ensure_template(&url_for, &template);
        lock.unlock().unwrap();
        Server { url_for, template }
    })
}

fn admin_conn(url_for: &dyn Fn(&str) -> String) -> PgConnection {
    PgConnection::establish(&url_for("postgres")).unwrap()
}

fn database_exists(conn: &mut PgConnection, name: &str) -> bool {
    diesel::sql_query("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(name)
        .execute(conn)
        .unwrap()
        == 1
}

/// Migrates a template for this set of migrations unless one exists, and drops older ones.
fn ensure_template(url_for: &dyn Fn(&str) -> String, template: &str) {
    let mut admin = admin_conn(url_for);
    if database_exists(&mut admin, template) {
        return;
    }
    let building = format!("{template}_build");
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
        .execute(&mut admin)
        .unwrap();
    diesel::sql_query(format!("CREATE DATABASE {building}"))
        .execute(&mut admin)
        .unwrap();
    {
        let mut conn = PgConnection::establish(&url_for(&building)).unwrap();
        patron::db::migrate(&mut conn).unwrap();
    } // Closed here: PostgreSQL refuses to clone a database that has connections.
    diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {template}"))
        .execute(&mut admin)
        .unwrap();
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        datname: String,
    }
    let old: Vec<Name> = diesel::sql_query(
        "SELECT datname FROM pg_database WHERE datname LIKE 'patron\\_tmpl\\_%' AND datname <> $1",
    )
    .bind::<diesel::sql_types::Text, _>(template)
    .load(&mut admin)
    .unwrap();
    for Name { datname } in old {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {datname} WITH (FORCE)"))
            .execute(&mut admin);
    }
}

/// A database of its own for one test, dropped when the test ends.
pub struct TestDb {
    /// Its name.
    pub name: String,
    /// Its URL.
    pub url: String,
}

impl TestDb {
    /// Clones the migrated template.
    pub fn create() -> TestDb {
        let server = server();
        let name = format!("t_{}_{:08x}", std::process::id(), rand::random::<u32>());
        let mut admin = admin_conn(&server.url_for);
        diesel::sql_query(format!(
            "CREATE DATABASE {name} TEMPLATE {}",
            server.template
        ))
        .execute(&mut admin)
        .unwrap();
        TestDb {
            url: (server.url_for)(&name),
            name,
        }
    }

    /// A connection to the server's maintenance database (for ALTER DATABASE and the like).
    pub fn admin(&self) -> PgConnection {
        admin_conn(&server().url_for)
    }

    /// A new connection to this database.
    pub fn conn(&self) -> PgConnection {
        PgConnection::establish(&self.url).unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let mut admin = admin_conn(&server().url_for);
        let _ = diesel::sql_query(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut admin);
    }
}

#[test]
fn database_names_are_swapped_in_urls() {
    assert_eq!(
        with_database("postgres://u:p@db:5432/main?sslmode=disable", "t_1"),
        "postgres://u:p@db:5432/t_1?sslmode=disable"
    );
    assert_eq!(
        with_database("postgres://u@db", "t_1"),
        "postgres://u@db/t_1"
    );
    assert_eq!(
        with_database("postgres://postgres@/postgres?host=/x/pg", "t_2"),
        "postgres://postgres@/t_2?host=/x/pg"
    );
}
