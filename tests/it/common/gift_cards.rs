//! Gift cards for tests: a card issued as HQ would (straight through the model), sales paying
//! with cards, and what a card's row and ledger hold.

use chrono::NaiveDate;
use patron::gift_cards::model::{self, NewCard};
use patron::kernel::Actor;
use patron_rules::gift_cards::CardNumber;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::TestApp;
use super::offers::company;

/// Issues card `number` holding `value` for store NORTH's company, to customer `customer` (a
/// code) if given, valid through `valid_upto` if given; returns its id.
pub fn issue(
    app: &TestApp,
    number: &str,
    value: &str,
    customer: Option<&str>,
    valid_upto: Option<&str>,
) -> i64 {
    let mut conn = app.conn();
    let customer_id = customer.map(|code| {
        patron::customers::model::find_by_code(&mut conn, code)
            .unwrap()
            .unwrap()
            .id
    });
    let new = NewCard {
        number: CardNumber::parse(number).unwrap(),
        company_id: company(app, "NORTH"),
        currency_code: "USD".into(),
        initial_value: value.parse::<Decimal>().unwrap(),
        customer_id,
        valid_upto: valid_upto.map(|d| d.parse::<NaiveDate>().unwrap()),
        store_id: None,
    };
    model::issue(&mut conn, &new, None, &Actor::System("test"))
        .unwrap()
        .unwrap()
        .id
}

/// The balance stored on card `number` and what its ledger adds up to, as text ("20.0000").
pub fn balance_and_ledger(app: &TestApp, number: &str) -> (String, String) {
    let balance = app.text(&format!(
        "SELECT balance::text AS t FROM gift_cards WHERE number = '{number}'"
    ));
    let sum = app.text(&format!(
        "SELECT coalesce(sum(e.amount), 0)::text AS t FROM gift_card_entries e \
         JOIN gift_cards g ON g.id = e.card_id WHERE g.number = '{number}'"
    ));
    (balance, sum)
}

/// A sale of one black tee at `total` to the Walk-in customer, paid with `payments`; `n` makes
/// its uuid and number.
pub fn sale(n: u32, total: &str, payments: Value) -> Value {
    json!({
        "id": uuid(n), "number": format!("G-{n}"), "posted_at": "2026-11-20T14:03:00Z",
        "lines": [{"item_code": "TEE-BLK-M", "qty": "1", "price_list_rate": total}],
        "payments": payments,
        "totals": {"net_total": total, "grand_total": total}
    })
}

/// The uuid of sale `n`.
pub fn uuid(n: u32) -> String {
    format!("0b6f3a52-0000-4000-8000-{n:012}")
}
