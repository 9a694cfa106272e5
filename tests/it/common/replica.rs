//! A streaming replica of the test cluster, for the tests of reports read from a replica
//! (`REPORTS_DATABASE_URL`): made once with pg_basebackup -R under target/ and started by the
//! harness; a replica left by an earlier run is reused while it runs, else made again.

use std::fs::File;
use std::sync::OnceLock;

use diesel::prelude::*;
use patron::db::embedded::EmbeddedPostgres;

use super::db::{embedded, primary, target_dir, with_database};

static REPLICA: OnceLock<Option<String>> = OnceLock::new();

/// The URL of database `db` on the replica (a URL of the primary, its name reused); None, with
/// the reason printed, when the tests run on a server of their own (TEST_DATABASE_URL).
pub fn replica_url(primary_url: &str) -> Option<String> {
    let base = REPLICA.get_or_init(|| {
        if !embedded() {
            eprintln!(
                "skipped: the replica test needs the embedded test cluster, not TEST_DATABASE_URL"
            );
            return None;
        }
        let lock = File::create(target_dir().join("patron-test-replica.lock")).unwrap();
        lock.lock().unwrap();
        let folder = target_dir().join("pg-replica");
        let mut probe =
            EmbeddedPostgres::new(patron::db::embedded::find_bindir(None).unwrap(), &folder)
                .unwrap();
        let running = probe.is_running();
        let healthy = running && streaming(primary_url);
        if running && !healthy {
            // It lost its primary's stream (or predates the slot): no use waiting for it.
            probe.stop_shared();
        }
        if !healthy {
            // A stopped replica may belong to a cluster made since: make it again.
            let _ = std::fs::remove_dir_all(&folder);
        }
        let mut replica = primary().replica(&folder).unwrap_or_else(|e| panic!("{e}"));
        replica.start().unwrap_or_else(|e| panic!("{e}"));
        // Shared with later runs, like the primary.
        replica.detach();
        let url = replica.url("postgres");
        lock.unlock().unwrap();
        Some(url)
    });
    let name = primary_url
        .split('?')
        .next()
        .and_then(|base| base.rsplit('/').next())
        .unwrap_or("postgres");
    base.as_ref().map(|url| with_database(url, name))
}

/// Whether a replica streams from the primary's replica slot.
fn streaming(primary_url: &str) -> bool {
    #[derive(QueryableByName)]
    struct Active {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        active: bool,
    }
    let mut primary = PgConnection::establish(&with_database(primary_url, "postgres")).unwrap();
    diesel::sql_query(
        "SELECT coalesce(bool_or(active), false) AS active FROM pg_replication_slots \
         WHERE slot_name = $1",
    )
    .bind::<diesel::sql_types::Text, _>(patron::db::embedded::REPLICA_SLOT)
    .get_result::<Active>(&mut primary)
    .unwrap()
    .active
}

/// Waits until the replica has replayed everything the primary wrote so far: the replica's
/// replay position reaching the end of the primary's WAL (polled, at most 60 s). The end is the
/// insert position: the test cluster commits without waiting for the flush, so the write
/// position can still lie before a commit that has returned.
pub fn wait_for_replica(primary_url: &str, replica_url: &str) {
    #[derive(QueryableByName)]
    struct Lsn {
        #[diesel(sql_type = diesel::sql_types::Text)]
        lsn: String,
    }
    #[derive(QueryableByName)]
    struct Caught {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        caught: bool,
    }
    let mut primary = PgConnection::establish(primary_url).unwrap();
    let target: Lsn = diesel::sql_query("SELECT pg_current_wal_insert_lsn()::text AS lsn")
        .get_result(&mut primary)
        .unwrap();
    // The replica's maintenance database: the test's own may not be there yet.
    let mut replica = PgConnection::establish(&with_database(replica_url, "postgres")).unwrap();
    let started = std::time::Instant::now();
    loop {
        let caught: Caught = diesel::sql_query(
            "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS caught",
        )
        .bind::<diesel::sql_types::Text, _>(&target.lsn)
        .get_result(&mut replica)
        .unwrap();
        if caught.caught {
            return;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the replica did not replay up to {} in 60 s",
            target.lsn
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
