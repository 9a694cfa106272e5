//! Paying with gift cards at the tills: part of a sale on a card, refusals that name the payment
//! and give the balance (nothing stored), cancels that give back exactly what the sale took,
//! refunds onto a card, and forty tills paying with one card at once.

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::gift_cards::{balance_and_ledger, issue, sale, uuid};
use crate::common::shop::{shop, shop_with};

const CARD: &str = "CARD2345ABCDEFGH";
const OTHER: &str = "CARD6789ABCDEFGH";

fn paid_by(card: &str, amount: &str) -> serde_json::Value {
    json!({"mode": "gift_card", "amount": amount, "card": card})
}

#[actix_web::test]
async fn a_card_pays_part_of_a_sale_and_keeps_the_rest() {
    let (app, till) = shop().await;
    issue(&app, CARD, "50.00", None, None);

    let body = sale(
        1,
        "45.00",
        json!([paid_by("card-2345-abcd-efgh", "30.00"), {"mode": "cash", "amount": "15.00"}]),
    );
    let made = till.post("/api/v1/invoices", &body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    assert_eq!(made.json["payments"][0]["mode"], "gift_card");
    assert_eq!(made.json["payments"][0]["amount"], "30.00");

    assert_eq!(
        balance_and_ledger(&app, CARD),
        ("20.0000".into(), "20.0000".into())
    );
    let card = till.get(&format!("/api/v1/gift-cards/{CARD}")).await;
    assert_eq!(card.json["balance"], "20.00");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM gift_card_entries e JOIN invoices i ON i.id = e.invoice_id \
             WHERE e.kind = 'redeem' AND e.amount = -30 AND i.uuid = '{}'",
            uuid(1)
        )),
        1
    );
    // A retry of the same sale takes nothing more.
    let again = till.post("/api/v1/invoices", &body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(balance_and_ledger(&app, CARD).0, "20.0000");
}

#[actix_web::test]
async fn a_card_that_cannot_pay_refuses_the_sale_by_payment_and_nothing_is_stored() {
    let (app, till) = shop().await;
    issue(&app, CARD, "20.00", None, None);
    issue(&app, OTHER, "80.00", None, Some("2026-11-19"));

    let short = till
        .post(
            "/api/v1/invoices",
            &sale(1, "30.00", json!([paid_by(CARD, "30.00")])),
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        short.json["error"]["fields"]["payments[0].card"],
        "The gift card's balance is $20.00, less than the $30.00 it would pay."
    );

    // Two payments on one card count together, reported on the first.
    let split = till
        .post(
            "/api/v1/invoices",
            &sale(
                2,
                "30.00",
                json!([{"mode": "cash", "amount": "5"}, paid_by(CARD, "15.00"), paid_by(CARD, "10.00")]),
            ),
        )
        .await;
    assert_eq!(
        split.json["error"]["fields"]["payments[1].card"],
        "The gift card's balance is $20.00, less than the $25.00 it would pay."
    );

    for (payments, field, message) in [
        (
            json!([{"mode": "gift_card", "amount": "10"}]),
            "payments[0].card",
            "Name the gift card that pays: its number.",
        ),
        (
            json!([{"mode": "cash", "amount": "10", "card": CARD}]),
            "payments[0].card",
            "Only a gift_card payment names a card: leave card out of this cash payment.",
        ),
        (
            json!([paid_by("CARD2345ABCDEFGJ", "10")]),
            "payments[0].card",
            "No gift card of this company has this number.",
        ),
        (
            json!([paid_by("CARD2345", "10")]),
            "payments[0].card",
            "A card number has 16 characters; this one has 8.",
        ),
        (
            json!([paid_by(OTHER, "10")]),
            "payments[0].card",
            "This gift card expired on 19 Nov 2026.",
        ),
    ] {
        let refused = till
            .post("/api/v1/invoices", &sale(3, "10.00", payments.clone()))
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{payments}"
        );
        assert_eq!(
            refused.json["error"]["fields"][field], message,
            "{payments}"
        );
    }

    app.sql(&format!(
        "UPDATE gift_cards SET disabled = true WHERE number = '{CARD}'"
    ));
    let disabled = till
        .post(
            "/api/v1/invoices",
            &sale(4, "10.00", json!([paid_by(CARD, "10")])),
        )
        .await;
    assert_eq!(
        disabled.json["error"]["fields"]["payments[0].card"],
        "This gift card is disabled: it pays nothing."
    );

    assert_eq!(app.count("SELECT count(*) AS n FROM invoices"), 0);
    assert_eq!(
        balance_and_ledger(&app, CARD),
        ("20.0000".into(), "20.0000".into())
    );
}

#[actix_web::test]
async fn a_card_pays_through_its_valid_upto_day() {
    let (app, till) = shop().await;
    issue(&app, CARD, "20.00", None, Some("2026-11-20"));
    let made = till
        .post(
            "/api/v1/invoices",
            &sale(1, "20.00", json!([paid_by(CARD, "20.00")])),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    assert_eq!(balance_and_ledger(&app, CARD).0, "0.0000");
}

#[actix_web::test]
async fn a_cancel_gives_back_exactly_what_its_sale_took_and_later_sales_stay_counted() {
    let (app, till) = shop().await;
    issue(&app, CARD, "100.00", None, None);
    for (n, total) in [(1, "30.00"), (2, "25.00")] {
        let made = till
            .post(
                "/api/v1/invoices",
                &sale(n, total, json!([paid_by(CARD, total)])),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    }
    assert_eq!(balance_and_ledger(&app, CARD).0, "45.0000");

    let cancel = format!("/api/v1/invoices/{}/cancel", uuid(1));
    let cancelled = till.post(&cancel, &json!({})).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    // 45 + the 30 the first sale took: not the 100 the card held before it.
    assert_eq!(
        balance_and_ledger(&app, CARD),
        ("75.0000".into(), "75.0000".into())
    );
    // A second cancel gives nothing more.
    assert_eq!(till.post(&cancel, &json!({})).await.status, StatusCode::OK);
    assert_eq!(balance_and_ledger(&app, CARD).0, "75.0000");
    assert_eq!(
        app.text(
            "SELECT string_agg(kind || ' ' || amount::numeric(10,2), ', ' ORDER BY id) AS t \
             FROM gift_card_entries"
        ),
        "issue 100.00, redeem -30.00, redeem -25.00, reversal 30.00"
    );
}

#[actix_web::test]
async fn a_return_refunds_onto_the_card_it_names_and_its_cancel_takes_the_refund_back() {
    let (app, till) = shop().await;
    issue(&app, CARD, "10.00", None, None);
    let mut sold = sale(1, "39.98", json!([{"mode": "cash", "amount": "39.98"}]));
    sold["lines"] = json!([{"item_code": "TEE-BLK-M", "qty": "2", "price_list_rate": "19.99"}]);
    assert_eq!(
        till.post("/api/v1/invoices", &sold).await.status,
        StatusCode::CREATED
    );
    let give_back = |n: u32| {
        json!({
            "id": uuid(n), "number": format!("R-{n}"), "posted_at": "2026-11-21T10:00:00Z",
            "return_against": uuid(1),
            "lines": [{"item_code": "TEE-BLK-M", "qty": "-1", "price_list_rate": "19.99"}],
            "payments": [paid_by(CARD, "-19.99")],
            "totals": {"net_total": "-19.99", "grand_total": "-19.99"}
        })
    };
    let returned = till.post("/api/v1/invoices", &give_back(2)).await;
    assert_eq!(returned.status, StatusCode::CREATED, "{:?}", returned.json);
    assert_eq!(
        balance_and_ledger(&app, CARD),
        ("29.9900".into(), "29.9900".into())
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM gift_card_entries e JOIN invoices i ON i.id = e.invoice_id \
             WHERE e.kind = 'refund' AND e.amount = 19.99 AND i.uuid = '{}'",
            uuid(2)
        )),
        1
    );
    // Cancelling the return takes the refund back off the card.
    let cancelled = till
        .post(&format!("/api/v1/invoices/{}/cancel", uuid(2)), &json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json);
    assert_eq!(balance_and_ledger(&app, CARD).0, "10.0000");

    // Once the refund is spent, the return cannot be cancelled any more.
    assert_eq!(
        till.post("/api/v1/invoices", &give_back(3)).await.status,
        StatusCode::CREATED
    );
    let spend = till
        .post(
            "/api/v1/invoices",
            &sale(4, "25.00", json!([paid_by(CARD, "25.00")])),
        )
        .await;
    assert_eq!(spend.status, StatusCode::CREATED, "{:?}", spend.json);
    let refused = till
        .post(&format!("/api/v1/invoices/{}/cancel", uuid(3)), &json!({}))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.json["error"]["fields"]["id"],
        "The $19.99 refunded to gift card CARD 2345 ABCD EFGH is spent (its balance is $4.99): this return cannot be cancelled."
    );
    assert_eq!(
        balance_and_ledger(&app, CARD),
        ("4.9900".into(), "4.9900".into())
    );
}

#[actix_web::test]
async fn forty_tills_paying_with_one_card_at_once_take_exactly_what_it_holds() {
    // Forty sales queue for four connections: give them time rather than a 503.
    let (app, till) = shop_with(|config| config.db_timeout_secs = 60).await;
    issue(&app, CARD, "200.00", None, None);

    let sales: Vec<_> = (1..=40)
        .map(|n| sale(n, "10.00", json!([paid_by(CARD, "10.00")])))
        .collect();
    let answers = join_all(sales.iter().map(|body| till.post("/api/v1/invoices", body))).await;

    let statuses: Vec<StatusCode> = answers.iter().map(|a| a.status).collect();
    let accepted = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused: Vec<_> = answers
        .iter()
        .filter(|a| a.status == StatusCode::UNPROCESSABLE_ENTITY)
        .collect();
    assert_eq!(accepted, 20, "{statuses:?}");
    assert_eq!(refused.len(), 20, "{statuses:?}");
    assert!(
        !statuses.iter().any(|s| s.is_server_error()),
        "{statuses:?}"
    );
    for answer in refused {
        let message = answer.json["error"]["fields"]["payments[0].card"]
            .as_str()
            .unwrap();
        assert!(
            message.starts_with("The gift card's balance is $")
                && message.ends_with("less than the $10.00 it would pay."),
            "{message}"
        );
    }
    assert_eq!(
        balance_and_ledger(&app, CARD),
        ("0.0000".into(), "0.0000".into())
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM invoices"), 20);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM gift_card_entries WHERE kind = 'redeem'"),
        20
    );
}
