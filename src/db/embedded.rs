//! A private PostgreSQL cluster under the data folder, used when no `DATABASE_URL` is given.
//!
//! It listens on a unix socket inside its own folder only (no TCP port to collide with), runs as
//! the `postgres` user when Patron runs as root (PostgreSQL refuses root), and is reused by later
//! runs. The test harness uses the same code for its cluster under `target/`.

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::{PermissionsExt, chown};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Why the embedded server could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    /// No folder with `initdb`, `pg_ctl` and `postgres` was found.
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found{searched}.\n\
         Install them, e.g. `sudo apt-get install postgresql` on Debian or Ubuntu \
         (or set PATRON_PG_BINDIR to the folder that holds them),\n\
         or use an existing server instead: DATABASE_URL=postgres://user:password@host/patron"
    )]
    BinariesMissing {
        /// Where we looked, for the message.
        searched: String,
    },
    /// Running as root, but there is no `postgres` user to run the server as.
    #[error(
        "Patron runs as root and PostgreSQL refuses to; no `postgres` user exists to run it as.\n\
         Run Patron as a normal user, install the postgresql package (it creates that user), \
         or set DATABASE_URL to an existing server."
    )]
    NoPostgresUser,
    /// A PostgreSQL command failed.
    #[error("{step} failed: {detail}")]
    Command {
        /// What we were doing.
        step: String,
        /// What the command said.
        detail: String,
    },
    /// A file operation under the data folder failed.
    #[error("{what} ({path}): {source}")]
    Io {
        /// What we were doing.
        what: &'static str,
        /// The path concerned.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

type Result<T> = std::result::Result<T, EmbeddedError>;

const SERVER_BINARIES: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

/// Finds the folder with PostgreSQL's server binaries: the override when given (and only it),
/// else `pg_config --bindir`, the newest /usr/lib/postgresql/*/bin, then PATH.
pub fn find_bindir(override_dir: Option<&Path>) -> Result<PathBuf> {
    let candidates: Vec<PathBuf> = match override_dir {
        Some(dir) => vec![dir.to_path_buf()],
        None => default_candidates(),
    };
    candidates
        .iter()
        .find(|dir| SERVER_BINARIES.iter().all(|b| dir.join(b).is_file()))
        .cloned()
        .ok_or_else(|| EmbeddedError::BinariesMissing {
            searched: if candidates.is_empty() {
                String::new()
            } else {
                let list: Vec<String> =
                    candidates.iter().map(|p| p.display().to_string()).collect();
                format!(" (looked in {})", list.join(", "))
            },
        })
}

fn default_candidates() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        dirs.push(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    }
    if let Ok(entries) = fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<(u32, PathBuf)> = entries
            .flatten()
            .filter_map(|e| {
                let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
                Some((version, e.path().join("bin")))
            })
            .collect();
        versions.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
        dirs.extend(versions.into_iter().map(|(_, dir)| dir));
    }
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    dirs
}

/// The user the server processes run as, when it is not us.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
}

/// A PostgreSQL cluster in one folder, with its socket in the same folder.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bindir: PathBuf,
    pgdata: PathBuf,
    run_as: Option<RunAs>,
    settings: Vec<(String, String)>,
    started_here: bool,
}

/// The replication slot a replica made by `EmbeddedPostgres::replica` streams from: the primary
/// keeps the WAL the replica has not received, however far replaying lags behind (without it, a
/// busy primary recycled WAL a lagging test replica still needed, and the replica stopped).
pub const REPLICA_SLOT: &str = "patron_replica";

impl EmbeddedPostgres {
    /// Prepares (but does not start) the cluster in `pgdata`, an absolute or relative folder.
    pub fn new(bindir: PathBuf, pgdata: &Path) -> Result<EmbeddedPostgres> {
        let pgdata = std::path::absolute(pgdata).map_err(|source| EmbeddedError::Io {
            what: "resolving the data folder",
            path: pgdata.to_path_buf(),
            source,
        })?;
        let run_as = if nix::unistd::Uid::effective().is_root() {
            let user = nix::unistd::User::from_name("postgres")
                .ok()
                .flatten()
                .ok_or(EmbeddedError::NoPostgresUser)?;
            Some(RunAs {
                uid: user.uid.as_raw(),
                gid: user.gid.as_raw(),
            })
        } else {
            None
        };
        Ok(EmbeddedPostgres {
            bindir,
            pgdata,
            run_as,
            settings: Vec::new(),
            started_here: false,
        })
    }

    /// Adds a server setting applied at every start (tests turn fsync off, for instance).
    pub fn with_setting(mut self, name: &str, value: &str) -> EmbeddedPostgres {
        self.settings.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The cluster's folder, which also holds its socket.
    pub fn pgdata(&self) -> &Path {
        &self.pgdata
    }

    /// The libpq URL of database `db` on this cluster, through the unix socket.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://postgres@/{db}?host={}",
            percent_encode(&self.pgdata.to_string_lossy())
        )
    }

    /// Creates the cluster with initdb unless it exists, then starts it unless it runs already
    /// (a run that was killed leaves it running; that server is reused).
    pub fn start(&mut self) -> Result<()> {
        if !self.pgdata.join("PG_VERSION").is_file() {
            self.initdb()?;
        }
        self.write_settings()?;
        if self.is_running() {
            tracing::info!(pgdata = %self.pgdata.display(), "reusing the running embedded PostgreSQL");
            return Ok(());
        }
        self.remove_stale_pid_file()?;
        let log = self.pgdata.join("server.log");
        let out = self.command("pg_ctl", |cmd| {
            cmd.arg("start")
                .arg("--wait")
                .arg("--timeout=60")
                .arg("--silent")
                .arg("-D")
                .arg(&self.pgdata)
                .arg("-l")
                .arg(&log);
        })?;
        if !out.status.success() {
            return Err(EmbeddedError::Command {
                step: "starting PostgreSQL".into(),
                detail: format!("{}\n{}", describe(&out), tail(&log, 15)),
            });
        }
        self.started_here = true;
        Ok(())
    }

    /// Whether a server is running on this cluster's folder.
    pub fn is_running(&self) -> bool {
        self.command("pg_ctl", |cmd| {
            cmd.arg("status").arg("-D").arg(&self.pgdata);
        })
        .is_ok_and(|out| out.status.success())
    }

    /// Leaves the server running when this value is dropped (the test cluster is shared).
    pub fn detach(&mut self) {
        self.started_here = false;
    }

    /// Stops the server with a fast shutdown, whoever started it.
    pub fn stop_shared(&mut self) {
        self.started_here = true;
        self.stop();
    }

    /// Stops the server with a fast shutdown if this process started it.
    pub fn stop(&mut self) {
        if !self.started_here {
            return;
        }
        self.started_here = false;
        match self.command("pg_ctl", |cmd| {
            cmd.args(["stop", "--wait", "--silent", "-m", "fast", "-D"])
                .arg(&self.pgdata);
        }) {
            Ok(out) if out.status.success() => tracing::info!("embedded PostgreSQL stopped"),
            Ok(out) => tracing::warn!("stopping PostgreSQL: {}", describe(&out)),
            Err(e) => tracing::warn!("stopping PostgreSQL: {e}"),
        }
    }

    /// A streaming replica of this running cluster in `pgdata` (made with `pg_basebackup -R`
    /// unless `pgdata` holds a cluster already), with the same settings; not started. For a
    /// local copy that reports may read (`REPORTS_DATABASE_URL`), and for the tests of it.
    pub fn replica(&self, pgdata: &Path) -> Result<EmbeddedPostgres> {
        let mut replica = EmbeddedPostgres::new(self.bindir.clone(), pgdata)?;
        replica.settings = self.settings.clone();
        if replica.pgdata.join("PG_VERSION").is_file() {
            return Ok(replica);
        }
        let io = |what, source| EmbeddedError::Io {
            what,
            path: replica.pgdata.clone(),
            source,
        };
        fs::create_dir_all(&replica.pgdata).map_err(|e| io("creating the replica's folder", e))?;
        fs::set_permissions(&replica.pgdata, fs::Permissions::from_mode(0o700))
            .map_err(|e| io("restricting the replica's folder", e))?;
        if let Some(run_as) = self.run_as {
            chown(&replica.pgdata, Some(run_as.uid), Some(run_as.gid))
                .map_err(|e| io("handing the replica's folder to the postgres user", e))?;
        }
        self.drop_replica_slot()
            .map_err(|detail| EmbeddedError::Command {
                step: "dropping the replication slot of an earlier replica".into(),
                detail,
            })?;
        let out = self.command("pg_basebackup", |cmd| {
            cmd.arg("-D")
                .arg(&replica.pgdata)
                .args(["-R", "-X", "stream", "-C", "-S", REPLICA_SLOT, "-c", "fast"])
                .args(["-U", "postgres", "-h"])
                .arg(&self.pgdata);
        })?;
        if !out.status.success() {
            let _ = fs::remove_dir_all(&replica.pgdata);
            return Err(EmbeddedError::Command {
                step: "pg_basebackup".into(),
                detail: describe(&out),
            });
        }
        // The copy brings the primary's socket lock file (its socket lives in its folder) and its
        // log: neither is the replica's.
        for stale in [".s.PGSQL.5432.lock", "server.log"] {
            let _ = fs::remove_file(replica.pgdata.join(stale));
        }
        Ok(replica)
    }

    /// Drops the replication slot `REPLICA_SLOT` unless a replica streams from it (a replica
    /// made before and removed since: its slot would keep the primary's WAL for ever).
    fn drop_replica_slot(&self) -> std::result::Result<(), String> {
        use diesel::{Connection, RunQueryDsl, pg::PgConnection};
        let mut conn = PgConnection::establish(&self.url("postgres")).map_err(|e| e.to_string())?;
        diesel::sql_query(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots \
             WHERE slot_name = $1 AND NOT active",
        )
        .bind::<diesel::sql_types::Text, _>(REPLICA_SLOT)
        .execute(&mut conn)
        .map(|_| ())
        .map_err(|e| e.to_string())
    }

    /// Creates database `name` unless it exists.
    pub fn create_database(&self, name: &str) -> Result<()> {
        use diesel::{Connection, RunQueryDsl, pg::PgConnection};
        let fail = |e: &dyn std::fmt::Display| EmbeddedError::Command {
            step: format!("creating database {name}"),
            detail: e.to_string(),
        };
        let mut conn = PgConnection::establish(&self.url("postgres")).map_err(|e| fail(&e))?;
        let exists = diesel::sql_query("SELECT 1 AS one FROM pg_database WHERE datname = $1")
            .bind::<diesel::sql_types::Text, _>(name)
            .execute(&mut conn)
            .map_err(|e| fail(&e))?;
        if exists == 0 {
            diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .map_err(|e| fail(&e))?;
        }
        Ok(())
    }

    fn initdb(&self) -> Result<()> {
        let io = |what, source| EmbeddedError::Io {
            what,
            path: self.pgdata.clone(),
            source,
        };
        fs::create_dir_all(&self.pgdata).map_err(|e| io("creating the data folder", e))?;
        fs::set_permissions(&self.pgdata, fs::Permissions::from_mode(0o700))
            .map_err(|e| io("restricting the data folder", e))?;
        if let Some(run_as) = self.run_as {
            chown(&self.pgdata, Some(run_as.uid), Some(run_as.gid))
                .map_err(|e| io("handing the data folder to the postgres user", e))?;
        }
        tracing::info!(pgdata = %self.pgdata.display(), "creating the embedded PostgreSQL cluster");
        let out = self.command("initdb", |cmd| {
            cmd.arg("-D")
                .arg(&self.pgdata)
                .args(["-U", "postgres", "--auth=trust", "--encoding=UTF8"])
                .args(["--locale=C.UTF-8", "--no-instructions"]);
        })?;
        if !out.status.success() {
            let mut detail = describe(&out);
            if self.run_as.is_some() {
                detail.push_str(
                    "\nThe postgres user must be able to reach this folder; \
                     set PATRON_DATA_DIR to one it can reach, or use DATABASE_URL.",
                );
            }
            // A half-made cluster would make the next run think it exists.
            let _ = fs::remove_dir_all(&self.pgdata);
            return Err(EmbeddedError::Command {
                step: "initdb".into(),
                detail,
            });
        }
        let conf = self.pgdata.join("postgresql.conf");
        let mut file = fs::OpenOptions::new()
            .append(true)
            .open(&conf)
            .map_err(|e| io("opening postgresql.conf", e))?;
        writeln!(file, "\ninclude_if_exists = 'patron.conf'")
            .map_err(|e| io("writing postgresql.conf", e))?;
        Ok(())
    }

    /// Settings rewritten at every start, so that a moved folder still gets its socket right.
    fn write_settings(&self) -> Result<()> {
        let mut text = String::from("# Written by Patron at every start.\nlisten_addresses = ''\n");
        text.push_str(&format!(
            "unix_socket_directories = '{}'\n",
            self.pgdata.to_string_lossy().replace('\'', "''")
        ));
        for (name, value) in &self.settings {
            text.push_str(&format!("{name} = '{}'\n", value.replace('\'', "''")));
        }
        let path = self.pgdata.join("patron.conf");
        fs::write(&path, text).map_err(|source| EmbeddedError::Io {
            what: "writing patron.conf",
            path: path.clone(),
            source,
        })?;
        if let Some(run_as) = self.run_as {
            chown(&path, Some(run_as.uid), Some(run_as.gid)).map_err(|source| {
                EmbeddedError::Io {
                    what: "handing patron.conf to the postgres user",
                    path,
                    source,
                }
            })?;
        }
        Ok(())
    }

    /// A run that was killed leaves postmaster.pid behind. PostgreSQL ignores it when its pid is
    /// gone, but not when that pid now belongs to another process: remove it in that case.
    fn remove_stale_pid_file(&self) -> Result<()> {
        let pid_file = self.pgdata.join("postmaster.pid");
        let Ok(text) = fs::read_to_string(&pid_file) else {
            return Ok(());
        };
        let pid = text.lines().next().unwrap_or("").trim();
        let comm = fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() != "postgres" {
            tracing::info!(pid, "removing a stale postmaster.pid left by a killed run");
            fs::remove_file(&pid_file).map_err(|source| EmbeddedError::Io {
                what: "removing a stale postmaster.pid",
                path: pid_file,
                source,
            })?;
        }
        Ok(())
    }

    fn command(&self, program: &str, build: impl FnOnce(&mut Command)) -> Result<Output> {
        let mut cmd = Command::new(self.bindir.join(program));
        build(&mut cmd);
        cmd.current_dir(self.pgdata.parent().unwrap_or(Path::new("/")))
            .env_remove("PGDATA")
            .env("LC_ALL", "C.UTF-8")
            // Ctrl-C in a terminal reaches the whole process group; keep the server out of it so
            // that Patron shuts it down in order.
            .process_group(0);
        if let Some(run_as) = self.run_as {
            cmd.uid(run_as.uid)
                .gid(run_as.gid)
                .current_dir(&self.pgdata);
        }
        cmd.output().map_err(|e| EmbeddedError::Command {
            step: format!("running {}", self.bindir.join(program).display()),
            detail: e.to_string(),
        })
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        self.stop();
    }
}

fn describe(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    format!("{} {}{}", out.status, stderr.trim(), stdout.trim())
}

fn tail(path: &Path, lines: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Percent-encodes a value for a URL query, keeping path characters readable.
fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_folder_is_encoded_into_the_url() {
        assert_eq!(percent_encode("/srv/my data/pg"), "/srv/my%20data/pg");
    }

    #[test]
    fn missing_binaries_name_the_package_and_the_alternative() {
        let err = find_bindir(Some(Path::new("/nonexistent/bin"))).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("apt-get install postgresql"), "{message}");
        assert!(message.contains("DATABASE_URL"), "{message}");
        assert!(message.contains("/nonexistent/bin"), "{message}");
    }
}
