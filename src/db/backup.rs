//! Backups of Patron's database: `patron backup` writes a pg_dump archive of it, `patron restore`
//! brings one back into an empty data folder or database, or in place of one when told to.

use std::fmt;
use std::fs;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use diesel::{Connection as _, PgConnection, QueryableByName, RunQueryDsl as _};
use indicatif::{HumanBytes, ProgressBar, ProgressStyle};

use crate::db::embedded::{EmbeddedPostgres, find_bindir};

/// The database `patron serve` uses on the embedded server.
const EMBEDDED_DATABASE: &str = "patron";

/// PostgreSQL's client programs that make and read backups.
#[derive(Debug)]
pub struct Tools {
    bindir: PathBuf,
}

const CLIENT_PROGRAMS: [&str; 2] = ["pg_dump", "pg_restore"];

impl Tools {
    /// Finds pg_dump and pg_restore. For the embedded server only beside its own binaries: a
    /// pg_dump older than the server refuses to dump it, and another version's pg_restore may
    /// not read what it wrote. With a server of its own (DATABASE_URL) the embedded folder is
    /// still preferred, else PATH.
    pub fn find(override_dir: Option<&Path>, embedded: bool) -> anyhow::Result<Tools> {
        let dirs: Vec<PathBuf> = match (override_dir, embedded) {
            (_, true) => vec![find_bindir(override_dir)?],
            (Some(dir), false) => vec![dir.to_path_buf()],
            (None, false) => find_bindir(None)
                .ok()
                .into_iter()
                .chain(std::env::var_os("PATH").map_or_else(Vec::new, |path| {
                    std::env::split_paths(&path).collect::<Vec<_>>()
                }))
                .collect(),
        };
        dirs.iter()
            .find(|dir| CLIENT_PROGRAMS.iter().all(|p| dir.join(p).is_file()))
            .map(|dir| Tools {
                bindir: dir.clone(),
            })
            .ok_or_else(|| {
                let looked: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
                anyhow!(
                    "pg_dump and pg_restore were not found (looked in {}).\n\
                     Install PostgreSQL's client programs of the server's version, e.g. \
                     `sudo apt-get install postgresql-client` on Debian or Ubuntu \
                     (or set PATRON_PG_BINDIR to the folder that holds them).",
                    looked.join(", ")
                )
            })
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bindir.join(program));
        // The archive's text must not depend on the caller's locale, nor its target on a PGDATABASE.
        cmd.env("LC_ALL", "C.UTF-8").env_remove("PGDATABASE");
        cmd
    }
}

/// Refuses to back up a data folder without a cluster: starting the server there would make an
/// empty one and back that up.
pub fn require_cluster(pgdata: &Path) -> anyhow::Result<()> {
    if pgdata.join("PG_VERSION").is_file() {
        return Ok(());
    }
    bail!(
        "there is no database to back up: {} holds no PostgreSQL cluster \
         (set PATRON_DATA_DIR to Patron's data folder, or DATABASE_URL to its server)",
        pgdata.display()
    )
}

/// The file name a backup gets when none is given: the machine's local time, to the second.
pub fn default_file_name() -> PathBuf {
    PathBuf::from(format!(
        "patron-{}.dump",
        chrono::Local::now().format("%Y%m%d-%H%M%S")
    ))
}

/// A backup that was written.
#[derive(Debug)]
pub struct Written {
    file: PathBuf,
    bytes: u64,
    tables: u64,
    replaced: bool,
    took: Duration,
}

impl Written {
    /// Where it is.
    pub fn file(&self) -> &Path {
        &self.file
    }
}

impl fmt::Display for Written {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Wrote {} ({}, {} tables) in {:.1?}{}. Restore it with `patron restore {}`.",
            self.file.display(),
            HumanBytes(self.bytes),
            self.tables,
            self.took,
            if self.replaced {
                "; it replaced the file that was there"
            } else {
                ""
            },
            self.file.display()
        )
    }
}

/// Writes a pg_dump custom-format archive of the database at `url` to `file` (a folder: a file
/// named after the time inside it). pg_dump reads one snapshot, so the archive is consistent
/// while Patron keeps serving. It is written beside `file` and renamed once complete and on
/// disk: `file` is always a whole backup or untouched.
pub fn backup(tools: &Tools, url: &str, file: Option<&Path>) -> anyhow::Result<Written> {
    let started = Instant::now();
    let file = match file {
        Some(dir) if dir.is_dir() => dir.join(default_file_name()),
        Some(file) => file.to_path_buf(),
        None => default_file_name(),
    };
    let tables = {
        let mut conn = connect(url)?;
        relations(&mut conn, "r")?
    };
    let partial = Partial::new(&file);
    let bar = table_bar(
        tables,
        "{spinner} dumping table {pos}/{len} [{bar:30}] {prefix} · {elapsed} · {wide_msg}",
    );
    let (dbname, password) = without_password(url);
    let mut cmd = tools.command("pg_dump");
    cmd.args(["--format=custom", "--verbose", "--file"])
        .arg(&partial.path)
        .arg("--dbname")
        .arg(dbname);
    if let Some(password) = password {
        cmd.env("PGPASSWORD", password);
    }
    let dumped = run_verbose(cmd, &bar, "dumping contents of table ", || {
        let written = fs::metadata(&partial.path).map_or(0, |m| m.len());
        bar.set_prefix(format!("{} written", HumanBytes(written)));
    });
    bar.finish_and_clear();
    dumped.with_context(|| format!("writing the backup {} failed", file.display()))?;
    let replaced = file.exists();
    let bytes = partial.keep_as(&file)?;
    Ok(Written {
        file,
        bytes,
        tables,
        replaced,
        took: started.elapsed(),
    })
}

/// The file pg_dump writes into, removed unless it became the backup.
struct Partial {
    path: PathBuf,
    kept: bool,
}

impl Partial {
    fn new(file: &Path) -> Partial {
        let mut name = file.as_os_str().to_owned();
        name.push(".partial");
        Partial {
            path: PathBuf::from(name),
            kept: false,
        }
    }

    /// Flushes it to disk and renames it to `file`, then flushes the folder so that the rename
    /// survives a crash too; returns its size.
    fn keep_as(mut self, file: &Path) -> anyhow::Result<u64> {
        let written = fs::File::open(&self.path)
            .with_context(|| format!("opening {}", self.path.display()))?;
        written
            .sync_all()
            .with_context(|| format!("flushing {} to disk", self.path.display()))?;
        let bytes = written
            .metadata()
            .with_context(|| format!("reading the size of {}", self.path.display()))?
            .len();
        fs::rename(&self.path, file)
            .with_context(|| format!("renaming {} to {}", self.path.display(), file.display()))?;
        self.kept = true;
        let folder = match file.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        fs::File::open(folder)
            .and_then(|dir| dir.sync_all())
            .with_context(|| format!("flushing the folder {} to disk", folder.display()))?;
        Ok(bytes)
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.kept {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Where a restore goes.
#[derive(Debug)]
pub enum Target {
    /// The embedded server's data folder (its cluster folder, not started).
    Embedded(EmbeddedPostgres),
    /// The database at this URL (DATABASE_URL).
    Server(String),
}

/// What a restore brought back.
#[derive(Debug)]
pub struct Restored {
    file: PathBuf,
    into: String,
    replaced: bool,
    tables: u64,
    migrations: usize,
    customers: i64,
    invoices: i64,
    took: Duration,
}

impl fmt::Display for Restored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Restored {} into {}{} in {:.1?}: {} tables, {} customers, {} invoices; \
             {} newer migration(s) applied.",
            self.file.display(),
            self.into,
            if self.replaced {
                " (replacing what was there)"
            } else {
                ""
            },
            self.took,
            self.tables,
            self.customers,
            self.invoices,
            self.migrations
        )
    }
}

/// Restores the archive `file` into `target`: a new cluster in an empty data folder, or a
/// database without tables; with `replace`, in place of the database there. Migrations newer
/// than the backup run afterwards.
pub fn restore(
    tools: &Tools,
    file: &Path,
    target: Target,
    replace: bool,
) -> anyhow::Result<Restored> {
    let started = Instant::now();
    let archive = Archive::open(tools, file)?;
    let mut restored = match target {
        Target::Embedded(pg) => restore_embedded(tools, &archive, pg, replace)?,
        Target::Server(url) => restore_server(tools, &archive, &url, replace)?,
    };
    restored.took = started.elapsed();
    Ok(restored)
}

/// A backup file pg_restore can read, and how many tables' rows it holds.
struct Archive {
    file: PathBuf,
    tables: u64,
}

impl Archive {
    fn open(tools: &Tools, file: &Path) -> anyhow::Result<Archive> {
        let meta = fs::metadata(file)
            .with_context(|| format!("cannot read the backup {}", file.display()))?;
        if !meta.is_file() {
            bail!("the backup {} is not a file", file.display());
        }
        // The table of contents is read before anything is made, so that a file that is no
        // backup at all touches nothing. A truncated one gets this far; the restore then fails
        // and is undone.
        let out = tools
            .command("pg_restore")
            .arg("--list")
            .arg(file)
            .stdin(Stdio::null())
            .output()
            .context("running pg_restore")?;
        if !out.status.success() {
            bail!(
                "{} is not a whole backup as `patron backup` writes them (pg_dump's custom \
                 format): {}",
                file.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let tables = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|line| !line.starts_with(';') && line.contains(" TABLE DATA "))
            .count();
        Ok(Archive {
            file: file.to_path_buf(),
            tables: u64::try_from(tables).unwrap_or(u64::MAX),
        })
    }
}

fn restore_embedded(
    tools: &Tools,
    archive: &Archive,
    mut pg: EmbeddedPostgres,
    replace: bool,
) -> anyhow::Result<Restored> {
    let pgdata = pg.pgdata().to_path_buf();
    if pgdata.join("PG_VERSION").is_file() {
        if !replace {
            bail!(
                "{} already holds a PostgreSQL cluster: restore into an empty PATRON_DATA_DIR, \
                 or pass --replace to replace its database with the backup",
                pgdata.display()
            );
        }
        if pg.is_running() {
            bail!(
                "the embedded PostgreSQL in {} is running: stop `patron serve` (or \
                 `pg_ctl -D {} stop`) first; --replace only replaces a database no one uses",
                pgdata.display(),
                pgdata.display()
            );
        }
        pg.start()?;
        let mut restored = replace_database(
            tools,
            archive,
            &|db: &str| pg.url(db),
            EMBEDDED_DATABASE,
            true,
        )?;
        restored.into = pgdata.display().to_string();
        return Ok(restored);
    }
    let folder_was_there = pgdata.parent().is_some_and(Path::exists);
    if fs::read_dir(&pgdata).is_ok_and(|mut entries| entries.next().is_some()) {
        bail!(
            "{} holds files but no PostgreSQL cluster: move them away, or restore into another \
             PATRON_DATA_DIR",
            pgdata.display()
        );
    }
    let attempt = (|| {
        pg.start()?;
        pg.create_database(EMBEDDED_DATABASE)?;
        let url = pg.url(EMBEDDED_DATABASE);
        restore_into(tools, archive, &url, true)?;
        finish(&url, archive, pgdata.display().to_string(), false)
    })();
    attempt.map_err(|err| {
        // Nothing half-made may stay: a later run would take it for Patron's data.
        pg.stop();
        let _ = fs::remove_dir_all(&pgdata);
        if !folder_was_there && let Some(folder) = pgdata.parent() {
            let _ = fs::remove_dir(folder);
        }
        err.context(format!(
            "restoring {} failed; the cluster it was making in {} was removed",
            archive.file.display(),
            pgdata.display()
        ))
    })
}

fn restore_server(
    tools: &Tools,
    archive: &Archive,
    url: &str,
    replace: bool,
) -> anyhow::Result<Restored> {
    let (name, existing) = {
        let mut conn = connect(url)?;
        (
            current_database(&mut conn)?,
            relations(&mut conn, "rpvmSf")?,
        )
    };
    if existing == 0 {
        restore_into(tools, archive, url, false)?;
        return finish(url, archive, format!("database {name}"), false);
    }
    if !replace {
        bail!(
            "database {name} (DATABASE_URL) already holds {existing} tables, sequences or views: \
             restore into an empty database, or pass --replace to replace it with the backup"
        );
    }
    replace_database(
        tools,
        archive,
        &|db: &str| with_database(url, db),
        &name,
        false,
    )
}

/// Restores into a new database beside `name` and migrates it; only then, and only if nothing
/// else is connected to `name`, drops `name` and gives the new one its name. Until that moment
/// the old database is untouched, so a failed restore loses nothing.
fn replace_database(
    tools: &Tools,
    archive: &Archive,
    url_for: &dyn Fn(&str) -> String,
    name: &str,
    private: bool,
) -> anyhow::Result<Restored> {
    let beside = format!("{name}_restore");
    let mut admin = PgConnection::establish(&url_for("postgres")).context(
        "connecting to the server's maintenance database `postgres` \
         (--replace makes the restored database beside the old one)",
    )?;
    ensure_unused(&mut admin, name)?;
    // One left by an interrupted --replace is of no use: it never replaced anything.
    execute(
        &mut admin,
        &format!("DROP DATABASE IF EXISTS {}", quote_ident(&beside)),
    )?;
    execute(
        &mut admin,
        &format!(
            "CREATE DATABASE {} TEMPLATE template0",
            quote_ident(&beside)
        ),
    )?;
    let restored = restore_into(tools, archive, &url_for(&beside), private)
        .and_then(|()| finish(&url_for(&beside), archive, format!("database {name}"), true))
        .and_then(|restored| {
            ensure_unused(&mut admin, name)?;
            execute(
                &mut admin,
                &format!("DROP DATABASE IF EXISTS {}", quote_ident(name)),
            )?;
            Ok(restored)
        });
    match restored {
        Ok(restored) => {
            execute(
                &mut admin,
                &format!(
                    "ALTER DATABASE {} RENAME TO {}",
                    quote_ident(&beside),
                    quote_ident(name)
                ),
            )
            .with_context(|| {
                format!("the backup is restored in database {beside}, but naming it {name} failed")
            })?;
            Ok(restored)
        }
        Err(err) => {
            let _ = execute(
                &mut admin,
                &format!("DROP DATABASE IF EXISTS {}", quote_ident(&beside)),
            );
            Err(err.context(format!("database {name} was left as it was")))
        }
    }
}

/// Refuses while another session uses database `name`: replacing it under a running Patron
/// would lose what it writes meanwhile.
fn ensure_unused(admin: &mut PgConnection, name: &str) -> anyhow::Result<()> {
    #[derive(QueryableByName)]
    struct Sessions {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let sessions: Sessions = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind::<diesel::sql_types::Text, _>(name)
    .get_result(admin)
    .context("counting the sessions on the database")?;
    if sessions.n > 0 {
        bail!(
            "{} other session(s) use database {name} (is Patron running on it?): stop them \
             first; --replace only replaces a database no one uses",
            sessions.n
        );
    }
    Ok(())
}

/// Runs pg_restore into `url`, in one transaction so that a failure leaves the database as it
/// was. `private`: the embedded server has only the `postgres` role, so grants to the source's
/// roles are left out rather than failing on roles it does not have.
fn restore_into(tools: &Tools, archive: &Archive, url: &str, private: bool) -> anyhow::Result<()> {
    let bar = table_bar(
        archive.tables,
        "{spinner} restoring table {pos}/{len} [{bar:30}] {elapsed} · {wide_msg}",
    );
    let (dbname, password) = without_password(url);
    let mut cmd = tools.command("pg_restore");
    cmd.args([
        "--verbose",
        "--exit-on-error",
        "--single-transaction",
        "--no-owner",
    ]);
    if private {
        cmd.arg("--no-acl");
    }
    cmd.arg("--dbname").arg(dbname).arg(&archive.file);
    if let Some(password) = password {
        cmd.env("PGPASSWORD", password);
    }
    let restored = run_verbose(cmd, &bar, "processing data for table ", || {});
    bar.finish_and_clear();
    restored
}

/// Applies newer migrations to the restored database and counts what it holds.
fn finish(url: &str, archive: &Archive, into: String, replaced: bool) -> anyhow::Result<Restored> {
    #[derive(QueryableByName)]
    struct Counts {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        customers: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        invoices: i64,
    }
    let mut conn = connect(url)?;
    let migrations = super::migrate(&mut conn)
        .context("the backup was restored, but bringing it up to date failed")?;
    let counts: Counts = diesel::sql_query(
        "SELECT (SELECT count(*) FROM customers) AS customers, \
                (SELECT count(*) FROM invoices) AS invoices",
    )
    .get_result(&mut conn)
    .context("counting the restored customers and invoices")?;
    Ok(Restored {
        file: archive.file.clone(),
        into,
        replaced,
        tables: archive.tables,
        migrations,
        customers: counts.customers,
        invoices: counts.invoices,
        took: Duration::ZERO,
    })
}

fn connect(url: &str) -> anyhow::Result<PgConnection> {
    PgConnection::establish(url).context("connecting to PostgreSQL")
}

fn execute(conn: &mut PgConnection, sql: &str) -> anyhow::Result<()> {
    diesel::sql_query(sql)
        .execute(conn)
        .with_context(|| sql.to_owned())?;
    Ok(())
}

fn current_database(conn: &mut PgConnection) -> anyhow::Result<String> {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let name: Name = diesel::sql_query("SELECT current_database() AS name")
        .get_result(conn)
        .context("asking the server for the database's name")?;
    Ok(name.name)
}

/// How many relations of the given kinds (pg_class.relkind letters) the database holds outside
/// the system's schemas and extensions: its own tables, sequences and views.
fn relations(conn: &mut PgConnection, kinds: &str) -> anyhow::Result<u64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let count: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace \
         WHERE strpos($1, c.relkind::text) > 0 \
           AND s.nspname <> 'information_schema' AND s.nspname NOT LIKE 'pg\\_%' \
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass \
                           AND d.objid = c.oid AND d.deptype = 'e')",
    )
    .bind::<diesel::sql_types::Text, _>(kinds)
    .get_result(conn)
    .context("counting the database's tables")?;
    Ok(u64::try_from(count.n).unwrap_or(0))
}

fn table_bar(tables: u64, template: &str) -> ProgressBar {
    let bar = ProgressBar::new(tables);
    bar.set_style(
        ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Runs pg_dump or pg_restore with --verbose, moving `bar` on at each line that begins with
/// `program: ` and `step` (a table's rows), showing its other progress lines as the bar's
/// message and calling `tick` a few times a second; fails with what the program said besides
/// its progress.
fn run_verbose(
    mut cmd: Command,
    bar: &ProgressBar,
    step: &str,
    mut tick: impl FnMut(),
) -> anyhow::Result<()> {
    let program = Path::new(cmd.get_program())
        .file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("running {}", cmd.get_program().to_string_lossy()))?;
    let stderr = child
        .stderr
        .take()
        .with_context(|| format!("reading what {program} says"))?;
    let step = format!("{program}: {step}");
    let (reader_bar, prefix) = (bar.clone(), format!("{program}: "));
    let reader = std::thread::spawn(move || {
        let mut said = Vec::new();
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(table) = line.strip_prefix(&step) {
                reader_bar.inc(1);
                reader_bar.set_message(table.trim_matches('"').to_owned());
            } else if is_chatter(&line, &prefix) {
                // Indexes come after the last table and can take as long as the rows did.
                reader_bar.set_message(line[prefix.len()..].to_owned());
            } else {
                said.push(line);
            }
        }
        said
    });
    let status: ExitStatus = loop {
        if let Some(status) = child
            .try_wait()
            .with_context(|| format!("waiting for {program}"))?
        {
            break status;
        }
        tick();
        std::thread::sleep(Duration::from_millis(200));
    };
    let said = reader
        .join()
        .map_err(|_| anyhow!("reading what {program} said failed"))?;
    if !status.success() {
        let last = &said[said.len().saturating_sub(20)..];
        bail!("{program} failed ({status}):\n{}", last.join("\n"));
    }
    Ok(())
}

/// --verbose's progress lines ("pg_dump: reading indexes"), as opposed to what went wrong.
fn is_chatter(line: &str, prefix: &str) -> bool {
    line.strip_prefix(prefix).is_some_and(|rest| {
        !["error:", "warning:", "detail:", "hint:"]
            .iter()
            .any(|level| rest.starts_with(level))
    })
}

/// Splits the password out of a postgres:// URL, for the PGPASSWORD of a child program: on the
/// command line every user of the machine could read it.
fn without_password(url: &str) -> (String, Option<String>) {
    let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    else {
        return (url.to_owned(), None);
    };
    let scheme = &url[..url.len() - rest.len()];
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let Some(at) = authority.rfind('@') else {
        return (url.to_owned(), None);
    };
    let Some((user, password)) = authority[..at].split_once(':') else {
        return (url.to_owned(), None);
    };
    (
        format!("{scheme}{user}{}", &rest[at..]),
        Some(percent_decode(password)),
    )
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The URL of database `db` on the server of `url`: its path replaced in a postgres:// URL, a
/// later `dbname` (which libpq lets win) in a key=value one.
fn with_database(url: &str, db: &str) -> String {
    let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    else {
        return format!(
            "{url} dbname='{}'",
            db.replace('\\', "\\\\").replace('\'', "\\'")
        );
    };
    let scheme = &url[..url.len() - rest.len()];
    let (before_query, query) = rest
        .split_once('?')
        .map_or((rest, None), |(b, q)| (b, Some(q)));
    let authority = before_query
        .split_once('/')
        .map_or(before_query, |(a, _)| a);
    let encoded: String = db
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    match query {
        Some(query) => format!("{scheme}{authority}/{encoded}?{query}"),
        None => format!("{scheme}{authority}/{encoded}"),
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            without_password("postgres://app:p%40ss:w@db:5432/patron?sslmode=require"),
            (
                "postgres://app@db:5432/patron?sslmode=require".to_owned(),
                Some("p@ss:w".to_owned())
            )
        );
        assert_eq!(
            without_password("postgres://postgres@/patron?host=/srv/pg"),
            ("postgres://postgres@/patron?host=/srv/pg".to_owned(), None)
        );
        assert_eq!(
            without_password("host=db dbname=patron"),
            ("host=db dbname=patron".to_owned(), None)
        );
    }

    #[test]
    fn another_database_on_the_same_server() {
        assert_eq!(
            with_database(
                "postgres://u:p@db:5432/patron?sslmode=require",
                "patron_restore"
            ),
            "postgres://u:p@db:5432/patron_restore?sslmode=require"
        );
        assert_eq!(
            with_database("postgresql://u@db", "postgres"),
            "postgresql://u@db/postgres"
        );
        assert_eq!(
            with_database("postgres://postgres@/patron?host=/x/pg", "my db"),
            "postgres://postgres@/my%20db?host=/x/pg"
        );
        assert_eq!(
            with_database("host=db dbname=patron", "postgres"),
            "host=db dbname=patron dbname='postgres'"
        );
    }

    #[test]
    fn verbose_progress_is_chatter_and_errors_are_not() {
        assert!(is_chatter("pg_dump: reading indexes", "pg_dump: "));
        assert!(!is_chatter(
            "pg_restore: error: could not read from input file: end of file",
            "pg_restore: "
        ));
        assert!(!is_chatter(
            "Command was: CREATE TABLE x ()",
            "pg_restore: "
        ));
    }

    #[test]
    fn a_partial_file_sits_beside_the_backup() {
        assert_eq!(
            Partial::new(Path::new("/b/patron.dump")).path,
            PathBuf::from("/b/patron.dump.partial")
        );
    }
}
