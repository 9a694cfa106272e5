//! The embedded PostgreSQL: a clear message without binaries, reuse of a cluster, a stale
//! postmaster.pid from a killed run, and DATABASE_URL starting nothing.

use std::path::PathBuf;
use std::process::Command;

use diesel::connection::SimpleConnection;
use diesel::{Connection, RunQueryDsl};
use patron::db::embedded::{EmbeddedPostgres, find_bindir};

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{name}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn without_server_binaries_patron_says_what_to_install_and_exits() {
    let data = scratch("no-binaries");
    let out = Command::new(env!("CARGO_BIN_EXE_patron"))
        .arg("serve")
        .env_remove("DATABASE_URL")
        .env("PATRON_PG_BINDIR", "/nonexistent/postgresql/bin")
        .env("PATRON_DATA_DIR", &data)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("apt-get install postgresql"), "{stderr}");
    assert!(stderr.contains("DATABASE_URL="), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    std::fs::remove_dir_all(&data).unwrap();
}

#[test]
fn with_database_url_no_server_is_started_or_looked_for() {
    let db = crate::common::TestDb::create();
    let data = scratch("external");
    let out = Command::new(env!("CARGO_BIN_EXE_patron"))
        .arg("migrate")
        .env("DATABASE_URL", &db.url)
        .env("PATRON_PG_BINDIR", "/nonexistent/postgresql/bin")
        .env("PATRON_DATA_DIR", &data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 migration(s) applied."));
    assert!(!data.join("pgdata").exists(), "no cluster was made");
    std::fs::remove_dir_all(&data).unwrap();
}

fn marker_count(pg: &EmbeddedPostgres) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = diesel::PgConnection::establish(&pg.url("patron")).unwrap();
    diesel::sql_query("SELECT count(*) AS n FROM marker")
        .get_result::<N>(&mut conn)
        .unwrap()
        .n
}

#[test]
fn a_cluster_is_reused_and_survives_a_stale_pid_file_from_a_killed_run() {
    let data = scratch("cluster");
    let pgdata = data.join("pgdata");
    let bindir = find_bindir(None).unwrap();

    let mut first = EmbeddedPostgres::new(bindir.clone(), &pgdata).unwrap();
    first.start().unwrap();
    first.create_database("patron").unwrap();
    let mut conn = diesel::PgConnection::establish(&first.url("patron")).unwrap();
    conn.batch_execute("CREATE TABLE marker (id int); INSERT INTO marker VALUES (1)")
        .unwrap();
    drop(conn);
    let pid_file = std::fs::read_to_string(pgdata.join("postmaster.pid")).unwrap();
    first.stop();
    assert!(!pgdata.join("postmaster.pid").exists());

    // A killed run leaves its pid file; here the pid now belongs to a live process that is not
    // PostgreSQL (this test), which PostgreSQL alone would take for a running server.
    let (_, rest) = pid_file.split_once('\n').unwrap();
    std::fs::write(
        pgdata.join("postmaster.pid"),
        format!("{}\n{rest}", std::process::id()),
    )
    .unwrap();

    let mut second = EmbeddedPostgres::new(bindir, &pgdata).unwrap();
    second.start().unwrap();
    assert_eq!(marker_count(&second), 1, "the same cluster, not a new one");
    // A third handle finds it running and reuses it.
    let mut third = EmbeddedPostgres::new(find_bindir(None).unwrap(), &pgdata).unwrap();
    third.start().unwrap();
    assert_eq!(marker_count(&third), 1);
    drop(third); // did not start it, so does not stop it
    assert!(second.is_running());
    second.stop();
    assert!(!second.is_running());
    std::fs::remove_dir_all(&data).unwrap();
}
