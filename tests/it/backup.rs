//! Backups: `patron backup` of an embedded data folder while its server runs, `patron restore`
//! of it into a new folder (what the backup held, not what came after), a folder holding a
//! cluster refused unless --replace, a missing, foreign or truncated file answered clearly with
//! nothing left behind; and the same through DATABASE_URL.

use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::{Connection, RunQueryDsl};
use patron::db::embedded::{EmbeddedPostgres, find_bindir};

use crate::common::TestDb;
use crate::common::db::with_database;

/// Scratch folders under target/ holding embedded data folders. Dropped (also when a test
/// fails), it stops every server still running in them and removes them.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let unique = format!(
            "{name}-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        );
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(unique);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch { dir }
    }

    fn join(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for entry in entries.flatten() {
                let pgdata = entry.path().join("pgdata");
                if let Ok(bindir) = find_bindir(None)
                    && let Ok(mut pg) = EmbeddedPostgres::new(bindir, &pgdata)
                    && pg.is_running()
                {
                    pg.stop_shared();
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The embedded server of a data folder (it runs as the postgres user when we are root).
fn server(data: &Path) -> EmbeddedPostgres {
    EmbeddedPostgres::new(find_bindir(None).unwrap(), &data.join("pgdata")).unwrap()
}

/// Runs `patron` on the embedded server of `data`: (succeeded, stdout, stderr), as
/// `cli::patron` answers for a DATABASE_URL.
fn patron(data: &Path, args: &[&str]) -> (bool, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_patron"));
    cmd.args(args)
        .env_remove("DATABASE_URL")
        .env("PATRON_DATA_DIR", data)
        .env("PATRON_ADMIN_PASSWORD", "backup story 1");
    let out = cmd.output().unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

fn count(url: &str, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = diesel::PgConnection::establish(url).unwrap();
    diesel::sql_query(sql).get_result::<N>(&mut conn).unwrap().n
}

fn customers(url: &str) -> i64 {
    count(url, "SELECT count(*) AS n FROM customers")
}

/// A copy of a backup without its last bytes: its table of contents reads (it comes first), the
/// rows of its last tables end early.
fn truncated(backup: &Path, to: &Path) {
    let bytes = std::fs::read(backup).unwrap();
    std::fs::write(to, &bytes[..bytes.len() - 64]).unwrap();
}

#[test]
fn a_backup_restored_into_a_new_folder_holds_what_was_there_and_not_what_came_after() {
    let scratch = Scratch::new("backup");
    let live = scratch.join("live");
    let (ok, _, stderr) = patron(&live, &["seed", "--customers", "40"]);
    assert!(ok, "{stderr}");

    // The server runs, as under `patron serve`: the backup reuses it and leaves it running.
    let mut running = server(&live);
    running.start().unwrap();
    let file = scratch.join("nightly.dump");
    let (ok, stdout, stderr) = patron(&live, &["backup", file.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains(&format!("Wrote {}", file.display())) && stdout.contains("tables)"),
        "{stdout}"
    );
    assert!(std::fs::metadata(&file).unwrap().len() > 0);
    assert!(!scratch.join("nightly.dump.partial").exists());
    assert!(
        running.is_running(),
        "the backup stopped a server it did not start"
    );

    // After the backup: five more customers.
    let (ok, _, stderr) = patron(&live, &["seed", "--customers", "5"]);
    assert!(ok, "{stderr}");
    assert_eq!(customers(&running.url("patron")), 45);

    let restored = scratch.join("restored");
    let (ok, stdout, stderr) = patron(&restored, &["restore", file.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("40 customers, 0 invoices"), "{stdout}");
    let mut copy = server(&restored);
    assert!(!copy.is_running(), "restore stops the server it started");
    copy.start().unwrap();
    assert_eq!(customers(&copy.url("patron")), 40);
    assert_eq!(
        count(
            &copy.url("patron"),
            "SELECT count(*) AS n FROM users WHERE email = 'admin@example.com'"
        ),
        1
    );
    copy.stop();
    // It serves: the commands work on it, and new customer codes follow the restored ones.
    let (ok, stdout, stderr) = patron(&restored, &["user", "list"]);
    assert!(
        ok && stdout.contains("admin@example.com"),
        "{stdout}{stderr}"
    );

    // A folder that holds a cluster is refused, and left as it was.
    let (ok, _, stderr) = patron(&restored, &["restore", file.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("--replace"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    // --replace is refused while a server runs on the folder, then replaces once it is stopped.
    let (ok, _, stderr) = patron(&live, &["restore", "--replace", file.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("is running"), "{stderr}");
    assert_eq!(customers(&running.url("patron")), 45, "left as it was");
    running.stop();
    let (ok, stdout, stderr) = patron(&live, &["restore", "--replace", file.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("replacing what was there"), "{stdout}");
    let mut live_again = server(&live);
    live_again.start().unwrap();
    assert_eq!(customers(&live_again.url("patron")), 40);
    live_again.stop();

    // A truncated backup reads until its data ends: the restore fails and leaves no cluster.
    let broken = scratch.join("broken.dump");
    truncated(&file, &broken);
    let fresh = scratch.join("fresh");
    let (ok, _, stderr) = patron(&fresh, &["restore", broken.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("pg_restore failed"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!fresh.exists(), "a failed restore left {}", fresh.display());
}

#[test]
fn a_missing_or_foreign_file_is_a_clear_error_and_makes_nothing() {
    let scratch = Scratch::new("restore-errors");
    for (command, says) in [("backup", "FILE.partial"), ("restore", "--replace")] {
        let (ok, stdout, _) = patron(&scratch.dir, &[command, "--help"]);
        assert!(ok && stdout.contains("Usage: patron"), "{stdout}");
        assert!(stdout.contains(says), "{stdout}");
    }
    let fresh = scratch.join("fresh");
    let missing = scratch.join("no-such.dump");
    let (ok, _, stderr) = patron(&fresh, &["restore", missing.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.contains("cannot read the backup") && stderr.contains("no-such.dump"),
        "{stderr}"
    );
    assert!(stderr.contains("No such file"), "{stderr}");

    let foreign = scratch.join("notes.txt");
    std::fs::write(&foreign, "SELECT 1;\n").unwrap();
    let (ok, _, stderr) = patron(&fresh, &["restore", foreign.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.contains("is not a whole backup as `patron backup` writes them"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!fresh.exists());

    // Backing up a folder without data makes no cluster there either.
    let (ok, _, stderr) = patron(
        &fresh,
        &["backup", scratch.join("x.dump").to_str().unwrap()],
    );
    assert!(!ok);
    assert!(stderr.contains("no database to back up"), "{stderr}");
    assert!(!fresh.exists());
}

#[test]
fn through_database_url_a_backup_restores_into_an_empty_database_and_replaces_only_when_told() {
    let scratch = Scratch::new("backup-url");
    let source = TestDb::create();
    let (ok, _, stderr) = crate::cli::patron(&source.url, &["seed", "--customers", "12"]);
    assert!(ok, "{stderr}");
    let file = scratch.join("source.dump");
    let (ok, stdout, stderr) = crate::cli::patron(&source.url, &["backup", file.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("Wrote"), "{stdout}");

    // An empty database (no migrations yet) takes it; newer migrations would run after.
    let empty = {
        let name = format!("{}_empty", source.name);
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut source.admin())
            .unwrap();
        TestDb {
            url: with_database(&source.url, &name),
            name,
        }
    };
    let (ok, stdout, stderr) = crate::cli::patron(&empty.url, &["restore", file.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("12 customers"), "{stdout}");
    assert_eq!(customers(&empty.url), 12);

    // A database with tables (migrated, no customers) is refused, then replaced when told.
    let other = TestDb::create();
    let (ok, _, stderr) = crate::cli::patron(&other.url, &["restore", file.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("--replace"), "{stderr}");
    assert_eq!(customers(&other.url), 0);
    let (ok, stdout, stderr) = crate::cli::patron(
        &other.url,
        &["restore", "--replace", file.to_str().unwrap()],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("12 customers"), "{stdout}");
    assert_eq!(customers(&other.url), 12);

    // Not while another session uses it.
    let _session = other.conn();
    let (ok, _, stderr) = crate::cli::patron(
        &other.url,
        &["restore", "--replace", file.to_str().unwrap()],
    );
    assert!(!ok);
    assert!(stderr.contains("other session(s) use database"), "{stderr}");
    assert_eq!(customers(&other.url), 12);
}
