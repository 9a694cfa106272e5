//! The command line: help for every subcommand, users made and reset from it, demo seeding,
//! terminal tokens made and revoked.

use std::process::Command;

use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::common::TestApp;

/// Runs the `patron` binary against `db_url`: (succeeded, stdout, stderr).
pub fn patron(db_url: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_patron"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env_remove("PATRON_ADMIN_PASSWORD")
        .env_remove("PATRON_ADMIN_EMAIL")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["seed", "--help"],
        vec!["user", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "passwd", "--help"],
        vec!["user", "list", "--help"],
        vec!["token", "--help"],
        vec!["token", "create", "--help"],
        vec!["token", "revoke", "--help"],
        vec!["loyalty", "expire", "--help"],
    ] {
        let (ok, stdout, _) = patron("postgres://unused", &args);
        assert!(ok, "{args:?}");
        assert!(stdout.contains("Usage: patron"), "{args:?}: {stdout}");
    }
}

#[actix_web::test]
async fn a_user_added_on_the_command_line_signs_in_and_a_reset_replaces_the_password() {
    let app = TestApp::spawn().await;
    let (ok, stdout, stderr) = patron(
        &app.db.url,
        &[
            "user",
            "add",
            "--email",
            "lee@example.com",
            "--name",
            "Lee Park",
            "--role",
            "marketing",
            "--password",
            "from the shell 1",
        ],
    );
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("Created lee@example.com (Marketing)."),
        "{stdout}"
    );
    assert_eq!(
        app.client()
            .sign_in("lee@example.com", "from the shell 1")
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let (ok, stdout, _) = patron(&app.db.url, &["user", "passwd", "lee@example.com"]);
    assert!(ok);
    let new_password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Password: "))
        .unwrap()
        .to_owned();
    assert_eq!(
        app.client()
            .sign_in("lee@example.com", "from the shell 1")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.client()
            .sign_in("lee@example.com", &new_password)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let (_, list, _) = patron(&app.db.url, &["user", "list"]);
    assert!(
        list.contains("lee@example.com") && list.contains("Lee Park"),
        "{list}"
    );

    let (ok, _, stderr) = patron(
        &app.db.url,
        &[
            "user",
            "add",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "wizard",
        ],
    );
    assert!(!ok);
    assert!(stderr.contains("unknown role wizard"), "{stderr}");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE actor_label = 'command line'"),
        2
    );
}

#[actix_web::test]
async fn seeding_demo_data_prints_working_credentials_for_every_role() {
    let app = TestApp::spawn().await;
    let (ok, stdout, stderr) = patron(&app.db.url, &["seed", "--demo"]);
    assert!(ok, "{stderr}");
    for role in Role::ALL {
        let line = stdout
            .lines()
            .find(|l| l.contains(role.label()))
            .unwrap_or_else(|| panic!("{stdout}"));
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (email, password) = (fields[0], fields[fields.len() - 1]);
        let client = app.client();
        assert_eq!(
            client.sign_in(email, password).await.status,
            StatusCode::SEE_OTHER,
            "{line}"
        );
        client.get("/").await.assert_contains(role.label());
    }
    // One token per store, each configuring its till with the Walk-in Customer as default.
    let tokens: Vec<(&str, &str)> = stdout
        .lines()
        .filter_map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            (fields.len() == 2 && fields[1].starts_with("ptt_")).then(|| (fields[0], fields[1]))
        })
        .collect();
    assert_eq!(tokens.len(), 5, "{stdout}");
    for (store, token) in tokens {
        let profile = app.terminal(token).get("/api/v1/terminal/profile").await;
        assert_eq!(profile.json["store"]["code"], store);
        assert_eq!(
            profile.json["profile"]["default_customer"]["name"],
            "Walk-in Customer"
        );
        assert_eq!(
            profile.json["delivery_charges"].as_array().unwrap().len(),
            3
        );
        assert_eq!(profile.json["store"]["company"]["currency"], "USD");
    }
    // Loyalty: most customers are members with the points their sales earned at their tier
    // (a return's cut is checked in `every_demo_member_with_sales_has_the_points_those_sales_earned`);
    // the Walk-in Customer is not.
    let members = app.count("SELECT count(*) AS n FROM loyalty_members");
    assert!(members > 1000, "{members} members");
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM loyalty_members m JOIN customers c ON c.id = m.customer_id              WHERE c.first_name = 'Walk-in'"
        ),
        0
    );
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM loyalty_point_entries              WHERE kind = 'earn' AND against_entry_id IS NULL \
             AND points <> trunc(purchase_amount / collection_factor)"
        ),
        0
    );
    assert!(app.count("SELECT count(*) AS n FROM loyalty_point_entries WHERE tier = 'Gold'") > 0);
    // The company reads New York time, and its new customers start in Individual / United States.
    assert_eq!(
        app.text(
            "SELECT concat_ws(',', c.time_zone, g.name, t.name) AS t FROM companies c \
             JOIN customer_groups g ON g.id = c.default_customer_group_id \
             JOIN territories t ON t.id = c.default_territory_id"
        ),
        "America/New_York,Individual,United States"
    );
    let (ok, stdout, _) = patron(&app.db.url, &["seed", "--demo"]);
    assert!(ok);
    assert!(
        stdout.contains("Nothing to add"),
        "running it twice adds nothing: {stdout}"
    );
}

/// The demo's members, each with their program, and each sale of theirs that earns: submitted,
/// in the program's company, on a business day the program runs (the columns the checks read).
const MEMBER_SALES: &str = "
    SELECT m.customer_id, m.program_id, i.id AS invoice_id, i.grand_total,
           EXISTS (SELECT 1 FROM invoices r WHERE r.return_against_id = i.id
                   AND r.status = 'submitted') AS returned
    FROM loyalty_members m
    JOIN loyalty_programs p ON p.id = m.program_id
    JOIN companies co ON co.id = m.company_id
    JOIN invoices i ON i.customer_id = m.customer_id AND i.company_id = m.company_id
    WHERE i.status = 'submitted' AND i.return_against_id IS NULL
      AND business_day(i.posted_at, co.time_zone) >= p.valid_from
      AND (p.valid_upto IS NULL OR business_day(i.posted_at, co.time_zone) <= p.valid_upto)";

#[actix_web::test]
async fn every_demo_member_with_sales_has_the_points_those_sales_earned() {
    let app = TestApp::spawn().await;
    let demo = patron::seed::demo(&mut app.conn()).unwrap();
    let members = app.count("SELECT count(*) AS n FROM loyalty_members");
    assert!(members > 1000, "{members} members");

    // No member with a sale that earns lacks point entries (about 60 did: the synthetic sales
    // cancelled or returned every sale of 1 customer in 33, as their ids shared a remainder).
    assert_eq!(
        app.count(&format!(
            "SELECT count(DISTINCT s.customer_id) AS n FROM ({MEMBER_SALES}) s \
             WHERE NOT EXISTS (SELECT 1 FROM loyalty_point_entries e \
                               WHERE e.customer_id = s.customer_id AND e.program_id = s.program_id)"
        )),
        0,
        "members with sales but no point entries"
    );
    // Each of those sales earned once, its whole total, at one of the program's tiers; nothing
    // else earned (no cancelled sale, nobody outside the program).
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM ({MEMBER_SALES}) s WHERE \
             (SELECT count(*) FROM loyalty_point_entries e \
              WHERE e.invoice_id = s.invoice_id AND e.kind = 'earn') <> 1"
        )),
        0,
        "member sales without exactly one earn entry"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM loyalty_point_entries e \
             LEFT JOIN ({MEMBER_SALES}) s ON s.invoice_id = e.invoice_id \
               AND s.customer_id = e.customer_id AND s.program_id = e.program_id \
             WHERE e.kind = 'earn' AND e.against_entry_id IS NULL AND (s.invoice_id IS NULL \
               OR e.purchase_amount <> s.grand_total \
               OR e.points <> trunc(s.grand_total / e.collection_factor) \
               OR e.collection_factor NOT IN (SELECT collection_factor FROM loyalty_tiers t \
                                              WHERE t.program_id = e.program_id))"
        )),
        0,
        "earn entries that are not a member's sale at a tier of their program"
    );
    assert!(
        app.count("SELECT count(*) AS n FROM loyalty_point_entries WHERE kind = 'earn'") > 40_000
    );
    // A sale with returns keeps what the goods kept earn: its credit and the returns' cuts come
    // to the points of its total less the returns (there are returns to check).
    assert!(
        app.count(&format!(
            "SELECT count(*) AS n FROM ({MEMBER_SALES}) s WHERE s.returned"
        )) > 50
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM ({MEMBER_SALES}) s \
             JOIN loyalty_point_entries e ON e.invoice_id = s.invoice_id AND e.kind = 'earn' \
             WHERE s.returned AND e.points \
               + (SELECT coalesce(sum(c.points), 0) FROM loyalty_point_entries c \
                  WHERE c.against_entry_id = e.id AND c.kind = 'earn') \
               <> trunc(greatest(s.grand_total + (SELECT sum(r.grand_total) FROM invoices r \
                        WHERE r.return_against_id = s.invoice_id AND r.status = 'submitted'), 0) \
                        / e.collection_factor)"
        )),
        0,
        "returned sales whose points are not what the goods kept earn"
    );

    // A till reads each member's balance as what their sales earned that has not expired yet
    // (the demo redeems nothing); a till asks for one member in twenty.
    let (_, token) = &demo.tokens[0];
    let till = app.terminal(token);
    let sampled = app.text(
        "SELECT string_agg(c.uuid::text || ':' || coalesce(earned.points, 0), ',') AS t \
         FROM loyalty_members m JOIN customers c ON c.id = m.customer_id \
         JOIN companies co ON co.id = m.company_id \
         LEFT JOIN LATERAL (SELECT sum(e.points) AS points FROM loyalty_point_entries e \
                            WHERE e.customer_id = m.customer_id AND e.program_id = m.program_id \
                              AND e.kind = 'earn' \
                              AND e.expiry_date >= business_day(now(), co.time_zone)) earned ON true \
         WHERE m.customer_id % 20 = 1",
    );
    let mut read = 0;
    for pair in sampled.split(',') {
        let (uuid, earned) = pair.split_once(':').unwrap();
        let answer = till.get(&format!("/api/v1/customers/{uuid}/loyalty")).await;
        assert_eq!(answer.status, StatusCode::OK, "{uuid}: {:?}", answer.json);
        assert_eq!(answer.json["enrolled"], true, "{uuid}");
        assert_eq!(answer.json["balance"].to_string(), earned, "{uuid}");
        read += 1;
    }
    assert!(read >= 90, "{read} balances read");
}

#[actix_web::test]
async fn a_token_made_on_the_command_line_is_shown_once_works_and_is_revoked() {
    let app = TestApp::spawn().await;
    app.store("NORTH");
    let (ok, stdout, stderr) = patron(
        &app.db.url,
        &["token", "create", "--store", "north", "--label", "Till 2"],
    );
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("for store NORTH (Till 2). It is shown only this once:"),
        "{stdout}"
    );
    let token = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Token: "))
        .unwrap()
        .to_owned();
    let id = app.count("SELECT max(id) AS n FROM terminal_tokens");
    assert!(
        stdout.contains(&format!("Created terminal token {id} ")),
        "{stdout}"
    );

    let till = app.terminal(&token);
    let reply = till.get("/api/v1/terminal/profile").await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);

    // Only the SHA-256 is kept: the secret appears nowhere in the table (nor in the audit log).
    let hash = app.text(&format!(
        "SELECT encode(token_hash, 'hex') AS t FROM terminal_tokens WHERE id = {id}"
    ));
    use sha2::Digest as _;
    assert_eq!(hash, hex::encode(sha2::Sha256::digest(token.as_bytes())));
    let stored = app.count(&format!(
        "SELECT count(*) AS n FROM terminal_tokens t WHERE t::text LIKE '%{token}%' \
         OR t::text LIKE '%{}%'",
        &token[4..]
    ));
    assert_eq!(stored, 0);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM audit_log a WHERE a::text LIKE '%{}%'",
            &token[4..]
        )),
        0
    );

    let (ok, stdout, _) = patron(&app.db.url, &["token", "revoke", &id.to_string()]);
    assert!(ok);
    assert!(
        stdout.contains(&format!("Revoked token {id} (Till 2, store NORTH)")),
        "{stdout}"
    );
    assert_eq!(
        till.get("/api/v1/terminal/profile").await.status,
        StatusCode::UNAUTHORIZED
    );
    let (ok, stdout, _) = patron(&app.db.url, &["token", "revoke", &id.to_string()]);
    assert!(ok, "revoking twice is fine");
    assert!(stdout.contains("was already revoked"), "{stdout}");
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM audit_log WHERE entity = 'terminal_token' \
             AND actor_label = 'command line'"
        ),
        2,
        "create and one revoke"
    );

    let (ok, _, stderr) = patron(
        &app.db.url,
        &["token", "create", "--store", "NOWHERE", "--label", "Till 1"],
    );
    assert!(!ok);
    assert!(stderr.contains("no store has the code NOWHERE"), "{stderr}");
    let (ok, _, stderr) = patron(&app.db.url, &["token", "revoke", "999999"]);
    assert!(!ok);
    assert!(
        stderr.contains("no terminal token has the id 999999"),
        "{stderr}"
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM terminal_tokens"), 1);
}
