//! Guessing, throttled: a till trying coupon or referral codes is refused past the limit (known
//! codes too, so the refusal tells nothing), and sign-in failures are counted per client address
//! so that someone guessing a password cannot keep the account's owner out.

use std::net::IpAddr;

use patron::users::signin::SIGN_IN_FAILED;
use patron_rules::users::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::shop::shop_with;
use crate::common::{PASSWORD, TestApp, coupons, referrals};

#[actix_web::test]
async fn a_till_trying_coupon_and_referral_codes_is_refused_each_kind_past_the_limit() {
    let (app, till) = shop_with(|config| config.till_lookup_limit = 3).await;
    let offers = referrals::offers(&app);
    coupons::make(&app, offers.welcome, "WELCOME10", 0);
    let alice = referrals::alice(&app);
    referrals::code(&app, alice, "ALICE2026", &offers);
    let validate = |code: &str| json!({"code": code, "posted_at": "2026-11-20T10:00:00Z"});

    for guess in ["WELCOME11", "WELCOME12", "WELCOME13"] {
        let answer = till
            .post("/api/v1/coupons/validate", &validate(guess))
            .await;
        assert_eq!(answer.json["error"]["code"], "unknown_code", "{guess}");
    }
    for code in ["WELCOME14", "WELCOME10"] {
        let refused = till.post("/api/v1/coupons/validate", &validate(code)).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{code}");
        assert!(
            refused.json["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("Too many coupon codes that match no coupon in 10 minutes"),
            "{:?}",
            refused.json
        );
    }

    // Referral codes are counted apart: the till may still check one.
    let known = till.get("/api/v1/referral-codes/alice2026").await;
    assert_eq!(known.status, StatusCode::OK, "{:?}", known.json);
    for guess in ["ALICE2027", "ALICE2028", "ALICE2029"] {
        let answer = till.get(&format!("/api/v1/referral-codes/{guess}")).await;
        assert_eq!(answer.json["error"]["code"], "unknown_code", "{guess}");
    }
    let refused = till.get("/api/v1/referral-codes/ALICE2026").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);

    // Another till has its own count; the misses leave the window after ten minutes.
    let other = app.terminal(&app.terminal_token("NORTH"));
    let ok = other
        .post("/api/v1/coupons/validate", &validate("WELCOME10"))
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.json);
    app.sql("UPDATE till_lookup_misses SET at = at - interval '11 minutes'");
    let again = till
        .post("/api/v1/coupons/validate", &validate("WELCOME10"))
        .await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.json);
}

fn address(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[actix_web::test]
async fn someone_guessing_a_password_locks_only_their_own_address_out() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::HqManager);
    let guesser = app.client_from(address("127.0.0.2"));
    for _ in 0..5 {
        let page = guesser.sign_in(&user.email, "guess-guess").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        page.assert_contains(SIGN_IN_FAILED);
    }
    let locked = guesser.sign_in(&user.email, PASSWORD).await;
    assert_eq!(
        locked.status,
        StatusCode::UNAUTHORIZED,
        "the right password is refused where the guessing came from"
    );
    locked.assert_contains(SIGN_IN_FAILED);

    // The owner, elsewhere, signs in while it lasts.
    let owner = app.client_from(address("127.0.0.3"));
    assert_eq!(
        owner.sign_in(&user.email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    // The guesser goes on after the lock: the owner still gets in, every time.
    app.sql("UPDATE sign_in_attempts SET at = at - interval '16 minutes'");
    for _ in 0..5 {
        guesser.sign_in(&user.email, "guess-again").await;
    }
    let owner = app.client_from(address("127.0.0.3"));
    assert_eq!(
        owner.sign_in(&user.email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // And at the guesser's address too, once its failures are fifteen minutes old.
    app.sql("UPDATE sign_in_attempts SET at = at - interval '16 minutes'");
    assert_eq!(
        guesser.sign_in(&user.email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn an_address_trying_many_emails_is_throttled_before_any_account_is_looked_at() {
    let app = TestApp::spawn().await;
    let user = app.user(Role::Marketing);
    let sprayer = app.client_from(address("127.0.0.4"));
    for n in 0..20 {
        let page = sprayer
            .sign_in(&format!("someone-{n}@example.com"), "Summer2026!")
            .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let throttled = sprayer.sign_in(&user.email, PASSWORD).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    throttled
        .assert_contains("Too many failed sign-ins from your address. Try again in 15 minute(s).");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM sign_in_attempts WHERE address = '127.0.0.4'"),
        20,
        "refusals do not count, so the throttle ends fifteen minutes after the failures"
    );
    // Nobody else is held up.
    let other = app.client_from(address("127.0.0.5"));
    assert_eq!(
        other.sign_in(&user.email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn what_a_sign_in_counts_is_indexed() {
    let app = TestApp::spawn().await;
    app.assert_indexed(&[
        (
            "SELECT count(*) FROM sign_in_attempts WHERE address = '127.0.0.2' AND at > now()",
            "sign_in_attempts_address_idx",
        ),
        (
            "SELECT count(*) FROM sign_in_attempts WHERE user_id = 1 AND at > now()",
            "sign_in_attempts_user_idx",
        ),
    ]);
}
