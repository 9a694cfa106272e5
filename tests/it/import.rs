//! Customer CSV import: the check before anything is written, all-or-nothing, the background run,
//! and export -> import reproducing the same customers.

use diesel::RunQueryDsl;
use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::{TestApp, TestClient};

const HEADER: &str = "First Name,Last Name,Customer Group,Territory,Email,Mobile Number";

/// Uploads `csv`, returning the import's page path.
pub async fn upload(client: &TestClient, csv: &str) -> String {
    client.get("/customers/import").await;
    let page = client
        .upload(
            "/customers/import",
            "customers.csv",
            csv.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location().unwrap().to_owned()
}

/// Starts the import at `path` and waits for its run to end (its advisory lock); any kind of
/// import.
pub async fn run(
    app: &TestApp,
    client: &TestClient,
    path: &str,
    mode: &str,
) -> crate::common::Page {
    let started = client
        .post_form(&format!("{path}/run"), &[("mode", mode)])
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    // The wait blocks a thread of the blocking pool, not the test's runtime, so that the
    // client's connections stay looked after while the job runs.
    let pool = app.pool.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        for call in ["pg_advisory_lock", "pg_advisory_unlock"] {
            diesel::sql_query(format!(
                "SELECT {call}({}, {id})",
                patron::imports::job::LOCK_CLASS
            ))
            .execute(&mut conn)
            .unwrap();
        }
    })
    .await
    .unwrap();
    client.get(path).await
}

#[actix_web::test]
async fn the_check_lists_every_problem_by_line_and_column_before_anything_is_written() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::HqManager).await;
    let csv = format!(
        "\u{feff}{HEADER}\nAna,García,All Customers,All Territories,ana@example.com,+1 555 010 2030\n\
         Bo,,Gold Members,All Territories,bo@,\nCy,,All Customers,Atlantis,,call me\n"
    );
    let path = upload(&client, &csv).await;
    let page = client.get(&path).await;
    page.assert_contains("3 rows: <strong>1 ready to import</strong>");
    page.assert_contains("<strong class=\"error-text\">4 problem(s)</strong>");
    for (line, column, message) in [
        (
            3,
            "Customer Group",
            "No customer group is called “Gold Members”.",
        ),
        (3, "Email", "Enter an email address like name@example.com."),
        (4, "Territory", "No territory is called “Atlantis”."),
        (
            4,
            "Mobile Number",
            "Use digits, spaces, dashes, brackets and a leading +.",
        ),
    ] {
        page.assert_contains(&format!(
            "<tr><td class=\"num\">{line}</td><td>{column}</td><td>{message}</td></tr>"
        ));
    }
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customers"),
        0,
        "checking writes nothing"
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customer_groups WHERE name = 'Gold Members'"),
        0,
        "nor creates groups"
    );
}

#[actix_web::test]
async fn a_bad_header_or_a_file_over_20_mb_is_refused_with_the_reason() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::Admin).await;
    client.get("/customers/import").await;
    let page = client
        .upload(
            "/customers/import",
            "bad.csv",
            b"Frist Name,Customer Group,Territory\nAna,All Customers,All Territories\n".to_vec(),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Unknown column “Frist Name”");

    let page = client
        .upload(
            "/customers/import",
            "latin1.csv",
            b"First Name,Customer Group,Territory\nCaf\xE9,x,y\n".to_vec(),
        )
        .await;
    page.assert_contains("The file is not UTF-8 text.");

    let mut big = format!("{HEADER}\n").into_bytes();
    big.resize(20 * 1024 * 1024 + 1, b'a');
    let page = client.upload("/customers/import", "big.csv", big).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    page.assert_contains("The file is larger than 20 MB.");
    assert_eq!(app.count("SELECT count(*) AS n FROM imports"), 0);
}

#[actix_web::test]
async fn all_or_nothing_writes_nothing_when_one_row_is_bad_and_valid_rows_writes_the_rest() {
    let app = TestApp::spawn().await;
    let (client, user) = app.signed_in(Role::HqManager).await;
    let csv = format!(
        "{HEADER}\nAna,A,All Customers,All Territories,,\nBo,B,All Customers,All Territories,bo@,\nCy,C,All Customers,All Territories,,\n"
    );

    let path = upload(&client, &csv).await;
    let page = run(&app, &client, &path, "all").await;
    page.assert_contains("1 problem(s) found; nothing was imported.");
    assert_eq!(app.count("SELECT count(*) AS n FROM customers"), 0);

    let path = upload(&client, &csv).await;
    let page = run(&app, &client, &path, "valid_rows").await;
    page.assert_contains("Imported 2 customer(s); 1 rows with problems were skipped.");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM customers WHERE first_name IN ('Ana', 'Cy')"),
        2
    );
    assert_eq!(
        app.count(&format!("SELECT count(*) AS n FROM audit_log WHERE entity = 'customer_import' AND actor_id = {}", user.id)),
        1
    );
    // Starting the same import again does nothing.
    let again = run(&app, &client, &path, "valid_rows").await;
    again.assert_contains("Imported 2 customer(s)");
    assert_eq!(app.count("SELECT count(*) AS n FROM customers"), 2);
}

#[actix_web::test]
async fn a_large_import_runs_in_the_background_with_progress() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::Admin).await;
    let mut csv = format!("{HEADER}\n");
    for i in 0..3_000 {
        csv.push_str(&format!(
            "Person,Number {i},All Customers,All Territories,p{i}@example.com,+1 555 {i:07}\n"
        ));
    }
    let path = upload(&client, &csv).await;
    let started = client
        .post_form(&format!("{path}/run"), &[("mode", "all")])
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let status = client.get_fragment(&path).await;
    status.assert_lacks("<html");
    assert!(
        status.body.contains("<progress max=\"3000\"")
            || status.body.contains("Imported 3000 customer(s)"),
        "{}",
        status.body
    );
    let done = run(&app, &client, &path, "all").await;
    done.assert_contains("Imported 3000 customer(s)");
    assert_eq!(app.count("SELECT count(*) AS n FROM customers"), 3_000);
    assert_eq!(
        app.count("SELECT done_rows::bigint AS n FROM imports"),
        3_000
    );
}

#[actix_web::test]
async fn export_then_import_into_an_empty_database_reproduces_the_same_customers() {
    let source = TestApp::spawn().await;
    {
        let mut conn = source.conn();
        patron::seed::customers(&mut conn, 300, |_| {}).unwrap();
        diesel::sql_query("UPDATE customers SET active = false, birthday = '1980-02-29', gender = 'female', notes = 'Line one, \"quoted\"', tax_id = 'DE123', credit_limit = 1234.5678 WHERE id % 7 = 0")
            .execute(&mut conn)
            .unwrap();
        // Names a spreadsheet would run as formulas: exported as text, imported as typed.
        diesel::sql_query("UPDATE customers SET last_name = '=HYPERLINK(\"http://evil.example\")', notes = '+1 555 0100' WHERE id % 11 = 0")
            .execute(&mut conn)
            .unwrap();
    }
    let (exporter, _) = source.signed_in(Role::Admin).await;
    let exported = exporter.get("/customers/export.csv?status=all").await;
    assert_eq!(exported.status, StatusCode::OK);
    assert!(
        exported.body.contains(",\"'=HYPERLINK("),
        "{}",
        exported.body
    );

    let target = TestApp::spawn().await;
    patron::seed::demo_trees(&mut target.conn()).unwrap();
    let (importer, _) = target.signed_in(Role::Admin).await;
    let path = upload(&importer, &exported.body).await;
    let page = run(&target, &importer, &path, "all").await;
    page.assert_contains("Imported 300 customer(s)");

    let reexported = importer.get("/customers/export.csv?status=all").await;
    assert_eq!(
        reexported.body, exported.body,
        "the same customers, codes and uuids included"
    );

    let formulas = "SELECT count(*) AS n FROM customers \
         WHERE last_name = '=HYPERLINK(\"http://evil.example\")' AND notes = '+1 555 0100'";
    assert_eq!(target.count(formulas), source.count(formulas));
    assert!(target.count(formulas) > 0);

    // New customers continue after the imported codes.
    let next = target.count("SELECT substr(next_customer_code(), 6)::bigint AS n");
    assert_eq!(next, 301);
}

#[actix_web::test]
async fn an_import_whose_run_died_is_marked_failed_but_a_live_one_is_not() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in(Role::Admin).await;
    let path = upload(
        &client,
        &format!("{HEADER}\nAna,A,All Customers,All Territories,,\n"),
    )
    .await;
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    app.sql(&format!(
        "UPDATE imports SET status = 'running' WHERE id = {id}"
    ));

    // While a run holds its lock, the import is left alone.
    let mut holder = app.db.conn();
    diesel::sql_query(format!(
        "SELECT pg_advisory_lock({}, {id})",
        patron::imports::job::LOCK_CLASS
    ))
    .execute(&mut holder)
    .unwrap();
    assert_eq!(
        patron::imports::job::fail_abandoned(&mut app.conn()).unwrap(),
        0
    );
    // Released explicitly: a dropped connection frees its locks only once its backend has
    // exited, which may be after the next statement.
    diesel::sql_query(format!(
        "SELECT pg_advisory_unlock({}, {id})",
        patron::imports::job::LOCK_CLASS
    ))
    .execute(&mut holder)
    .unwrap();
    drop(holder);

    assert_eq!(
        patron::imports::job::fail_abandoned(&mut app.conn()).unwrap(),
        1
    );
    client
        .get(&path)
        .await
        .assert_contains("Patron stopped during this import; nothing was written.");
}

#[actix_web::test]
async fn imported_customers_join_the_one_auto_opt_in_program_that_matches_them() {
    let app = TestApp::spawn().await;
    app.store("NORTH");
    // One auto-opt-in program for the whole customer tree (its root, subtree included), and
    // one for a territory nobody in the file lives in.
    for statement in [
        "INSERT INTO territories (name, parent_id) SELECT 'Elsewhere', min(id) FROM territories",
        "INSERT INTO loyalty_programs (name, company_id, conversion_factor, valid_from, auto_opt_in, customer_group_id) \
         SELECT 'Everyone', min(id), 0.01, '2020-01-01', true, (SELECT min(id) FROM customer_groups) FROM companies",
        "INSERT INTO loyalty_programs (name, company_id, conversion_factor, valid_from, auto_opt_in, territory_id) \
         SELECT 'Elsewhere Club', min(id), 0.01, '2020-01-01', true, (SELECT id FROM territories WHERE name = 'Elsewhere') FROM companies",
    ] {
        app.sql(statement);
    }
    let (client, _) = app.signed_in(Role::HqManager).await;
    let csv = format!(
        "{HEADER}\nAna,A,All Customers,All Territories,,\nBo,B,All Customers,All Territories,,\n"
    );
    let path = upload(&client, &csv).await;
    run(&app, &client, &path, "all").await;
    assert_eq!(
        app.text(
            "SELECT string_agg(c.first_name || ':' || p.name, ',' ORDER BY c.first_name) AS t \
             FROM loyalty_members m JOIN customers c ON c.id = m.customer_id \
             JOIN loyalty_programs p ON p.id = m.program_id"
        ),
        "Ana:Everyone,Bo:Everyone"
    );
}

#[actix_web::test]
async fn a_store_supervisor_imports_only_their_store_s_customers_row_by_row() {
    let app = TestApp::spawn().await;
    app.store("HARBOR");
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    let csv = "First Name,Customer Group,Territory,Origin Store,Status\n\
               Ana,All Customers,All Territories,,\n\
               Bo,All Customers,All Territories,test,Active\n\
               Cy,All Customers,All Territories,HARBOR,\n\
               Di,All Customers,All Territories,,Deactivated\n";
    let path = upload(&supervisor, csv).await;
    let page = supervisor.get(&path).await;
    page.assert_contains("You add customers of TEST only: write TEST or leave it empty.");
    page.assert_contains("Head office deactivates customers: write Active or leave it empty.");
    let page = run(&app, &supervisor, &path, "valid_rows").await;
    page.assert_contains("Imported 2");
    assert_eq!(
        app.text(
            "SELECT string_agg(c.first_name || ' ' || s.code || ' ' || c.active, ', ' \
             ORDER BY c.first_name) AS t FROM customers c JOIN stores s ON s.id = c.origin_store_id"
        ),
        "Ana TEST true, Bo TEST true",
        "nothing in Harbor Point, nothing deactivated"
    );
}

#[actix_web::test]
async fn an_import_belongs_to_its_uploader_and_head_office() {
    let app = TestApp::spawn().await;
    let (uploader, _) = app.signed_in(Role::StoreSupervisor).await;
    let path = upload(
        &uploader,
        &format!("{HEADER}\nAna,García,All Customers,All Territories,,\n"),
    )
    .await;

    let (colleague, _) = app.signed_in(Role::StoreSupervisor).await;
    assert_eq!(colleague.get(&path).await.status, StatusCode::NOT_FOUND);
    let started = colleague
        .post_form(&format!("{path}/run"), &[("mode", "all")])
        .await;
    assert_eq!(started.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.text("SELECT status AS t FROM imports"),
        "checked",
        "another user's click starts nothing"
    );

    let (hq, _) = app.signed_in(Role::HqManager).await;
    hq.get(&path).await.assert_contains("1 ready to import");
    let page = run(&app, &uploader, &path, "all").await;
    page.assert_contains("Imported 1");
}
