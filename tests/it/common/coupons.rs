//! Coupons for tests: a coupon-based offer on store NORTH's tees, and coupons for it written as
//! the editor stores them (upper-case codes), which a test then adjusts with SQL.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::offers;
use super::{ApiClient, TestApp};

/// A coupon-based Item Price offer "Tees 10% coupon" on TEE-BLK-M; returns its id.
pub fn offer(app: &TestApp) -> i64 {
    let mut terms = offers::terms("Tees 10% coupon", "item_price");
    terms.apply_on = "item_code".into();
    terms.apply_on_id = Some(offers::item(app, "TEE-BLK-M"));
    terms.discount_percentage = Decimal::from(10);
    terms.auto = false;
    offers::make(app, terms)
}

/// A promotional coupon `code` for `offer` with Maximum Use `maximum` (0: unlimited); returns its
/// id.
pub fn make(app: &TestApp, offer: i64, code: &str, maximum: i32) -> i64 {
    app.count(&format!(
        "INSERT INTO coupons (company_id, name, coupon_type, code, offer_id, maximum_use) \
         SELECT company_id, 'Coupon {code}', 'promotional', '{code}', id, {maximum} FROM offers \
         WHERE id = {offer} RETURNING id AS n"
    ))
}

/// Coupon `code`'s Used count.
pub fn used(app: &TestApp, code: &str) -> i64 {
    app.count(&format!(
        "SELECT used::bigint AS n FROM coupons WHERE code = '{code}'"
    ))
}

/// A sale of `qty` tees at 19.99 for `customer` (a customer uuid; none: the Walk-in) using
/// `codes`, priced by the server so that it claims exactly what the coupons give.
pub async fn sale(
    till: &ApiClient,
    id: &str,
    qty: u32,
    customer: Option<&str>,
    codes: &[&str],
) -> Value {
    let at = "2026-11-20T14:03:00Z";
    let priced = till
        .post(
            "/api/v1/carts/evaluate",
            &json!({"lines": [{"item_code": "TEE-BLK-M", "qty": qty.to_string(), "price_list_rate": "19.99"}],
                    "customer_id": customer, "posted_at": at, "coupon_codes": codes}),
        )
        .await;
    assert_eq!(priced.status.as_u16(), 200, "{:?}", priced.json);
    let priced = priced.json;
    json!({
        "id": id, "number": format!("C-{}", &id[..8]), "posted_at": at, "customer_id": customer,
        "lines": priced["lines"], "coupon_codes": codes,
        "payments": [{"mode": "cash", "amount": priced["totals"]["grand_total"]}],
        "totals": priced["totals"]
    })
}

/// The uuid of the customer whose first name is `first_name`.
pub fn uuid_of(app: &TestApp, first_name: &str) -> String {
    app.text(&format!(
        "SELECT uuid::text AS t FROM customers WHERE first_name = '{first_name}'"
    ))
}
