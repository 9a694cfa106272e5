//! Every CSV the product writes reaches a spreadsheet as text: a cell a till or a person typed
//! that a spreadsheet would run as a formula carries a leading quote (amounts, negative ones
//! included, stay numbers), and importing such a file gives the original text back.

use patron_rules::users::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::shop::shop;

const LINK: &str = "=HYPERLINK(\"http://evil.example\",\"x\")";

/// `csv`'s cells, each line split by the csv crate (quotes undone).
fn cells(csv: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn has_cell(csv: &str, cell: &str) -> bool {
    cells(csv).iter().flatten().any(|c| c == cell)
}

#[actix_web::test]
async fn typed_formulas_leave_the_customer_invoice_item_and_report_exports_as_text() {
    let (app, till) = shop().await;
    app.sql(&format!(
        "UPDATE customers SET first_name = '-cmd', last_name = '{}' WHERE code = 'CUST-00002'",
        LINK.replace('\'', "''")
    ));
    app.sql("UPDATE items SET name = '@SUM(A1)' WHERE item_code = 'TEE-BLK-M'");
    // A till's invoice number, and a refund amount that must stay a number.
    let priced = till
        .post(
            "/api/v1/carts/evaluate",
            &json!({"lines": [{"item_code": "TEE-BLK-M", "qty": "1", "price_list_rate": "19.99"}],
                    "customer_code": "CUST-00002", "posted_at": "2026-11-20T14:03:00Z"}),
        )
        .await;
    assert_eq!(priced.status, StatusCode::OK, "{:?}", priced.json);
    let sale = json!({
        "id": "5c000000-0000-4000-8000-000000000001", "number": "=1+1",
        "posted_at": "2026-11-20T14:03:00Z", "customer_code": "CUST-00002",
        "lines": priced.json["lines"], "totals": priced.json["totals"],
        "payments": [{"mode": "cash", "amount": priced.json["totals"]["grand_total"]}]
    });
    let made = till.post("/api/v1/invoices", &sale).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);

    let (hq, _) = app.signed_in(Role::Admin).await;
    let customers = hq.get("/customers/export.csv").await;
    assert!(
        has_cell(&customers.body, &format!("'{LINK}")),
        "{}",
        customers.body
    );
    assert!(has_cell(&customers.body, "'-cmd"), "{}", customers.body);
    assert!(!has_cell(&customers.body, LINK));

    let invoices = hq
        .get("/invoices/export.csv?from=2026-11-20&to=2026-11-20")
        .await;
    assert!(has_cell(&invoices.body, "'=1+1"), "{}", invoices.body);
    assert!(has_cell(&invoices.body, "19.99"), "{}", invoices.body);

    let items = hq.get("/items/export.csv?status=all").await;
    assert!(has_cell(&items.body, "'@SUM(A1)"), "{}", items.body);

    let report = hq
        .get("/reports/customers.csv?from=2026-11-20&to=2026-11-20")
        .await;
    assert!(
        has_cell(&report.body, &format!("'-cmd {LINK}")),
        "{}",
        report.body
    );
}
