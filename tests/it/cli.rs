//! The command line: help for every subcommand, users made and reset from it, demo seeding.

use std::process::Command;

use patron::users::rules::Role;
use reqwest::StatusCode;

use crate::common::TestApp;

fn patron(db_url: &str, args: &[&str]) -> (bool, String, String) {
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
    let (ok, stdout, _) = patron(&app.db.url, &["seed", "--demo"]);
    assert!(ok);
    assert!(
        stdout.contains("Nothing to add"),
        "running it twice adds nothing: {stdout}"
    );
}
