//! Every down.sql undoes its up.sql: all downs, then all ups again, on a migrated database.

use diesel_migrations::MigrationHarness;

use crate::common::TestDb;

#[test]
fn all_migrations_revert_and_reapply() {
    let db = TestDb::create();
    let mut conn = db.conn();
    let reverted = conn
        .revert_all_migrations(patron::db::MIGRATIONS)
        .unwrap()
        .len();
    assert!(reverted > 0);
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel::RunQueryDsl;
    let left: N = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' AND tablename <> '__diesel_schema_migrations'",
    )
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(left.n, 0, "every table was dropped");
    let applied = patron::db::migrate(&mut conn).unwrap();
    assert_eq!(applied, reverted);
}
