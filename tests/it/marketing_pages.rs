//! Every page a marketer uses, at a laptop's width (1366 px) and a phone's (390 px), in a real
//! headless Chromium: none is wider than the screen, and no label, figure or heading runs out
//! of its box (a figure's right edge stays inside its card). Each page leaves a screenshot under
//! `target/screenshots/marketing-pages-*`.

use fantoccini::Client;
use patron_rules::users::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::browser::{Driver, open_browser, open_page, sign_in};
use crate::common::shop::shop;
use crate::common::{TestApp, coupons, gift_cards, offers, referrals};
use crate::stories::screenshots;

/// What runs out of its box on the page, as "what: text" lines: text wider than its element
/// (where the element does not scroll), and a figure or label whose right edge passes the right
/// edge of its card.
const OVERFLOWS: &str = r#"
const bad = [];
if (document.documentElement.scrollWidth > window.innerWidth) {
  bad.push('the page is ' + document.documentElement.scrollWidth + ' px wide');
}
const say = (el, why) => bad.push(why + ' ' + el.tagName.toLowerCase()
    + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).replace(/ /g, '.') : '')
    + ': ' + el.textContent.trim().replace(/\s+/g, ' ').slice(0, 60));
const scrolls = (el) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(el).overflowX);
for (const el of document.querySelectorAll('main h1, main h2, main dt, main dd, main label, main .value, main .label, main .tabs a, main p, main .badge')) {
  if (el.offsetParent === null || scrolls(el)) continue;
  if (el.scrollWidth > el.clientWidth + 1) say(el, 'wider than its box');
  const card = el.parentElement && el.parentElement.closest('.card, .figure, dl, .totals');
  if (card && !el.closest('.table-wrap') && !scrolls(card)) {
    const [inner, outer] = [el.getBoundingClientRect(), card.getBoundingClientRect()];
    if (inner.width > 0 && inner.right > outer.right + 1) say(el, 'past its card');
  }
}
for (const [a, b] of [...document.querySelectorAll('main dl')].flatMap(dl =>
    [...dl.querySelectorAll(':scope > dt')].map(dt => [dt, dt.nextElementSibling]))) {
  if (!b || a.offsetParent === null) continue;
  const [r, s] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
  const overlap = r.right > s.left + 1 && s.right > r.left + 1 && r.bottom > s.top + 1 && s.bottom > r.top + 1;
  if (overlap) say(a, 'overlaps its value');
}
return bad;
"#;

/// The screenshot of page `name`, and what runs out of its box there.
async fn check(browser: &Client, width: u32, name: &str) -> Vec<String> {
    let png = browser
        .screenshot()
        .await
        .unwrap_or_else(|e| panic!("the screenshot of {name} at {width} px: {e:?}"));
    std::fs::write(
        screenshots().join(format!("marketing-pages-{width}-{name}.png")),
        png,
    )
    .unwrap();
    let found = browser.execute(OVERFLOWS, vec![]).await.unwrap();
    let found: Vec<String> = serde_json::from_value(found).unwrap();
    found
        .into_iter()
        .map(|f| format!("{name} at {width} px: {f}"))
        .collect()
}

/// A shop with something on every marketing page: offers in a campaign, a coupon and a batch,
/// a gift card, a referral code and sales that used them. The pages to look at, by name.
async fn promotions(app: &TestApp, till: &crate::common::ApiClient) -> Vec<(String, String)> {
    let company = offers::company(app, "NORTH");
    app.sql(&format!(
        "INSERT INTO campaigns (company_id, name, start_date, budget) \
         VALUES ({company}, 'Black Friday weekend', '2026-01-01', 120000)"
    ));
    let campaign = app.count("SELECT max(id) AS n FROM campaigns");
    let tees = offers::percent_off(app, "Tees 10%", "TEE-BLK-M", 10);
    app.sql(&format!(
        "UPDATE offer_versions SET campaign_id = {campaign} WHERE offer_id = {tees}"
    ));
    let welcome = referrals::offers(app);
    let coupon_offer = welcome.welcome;
    let coupon = coupons::make(app, coupon_offer, "FLYER", 0);
    for n in 1..=3 {
        let uuid = format!("{n:08}-0000-4000-8000-0a9e00000000");
        let body = coupons::sale(till, &uuid, 2, None, &["FLYER"]).await;
        assert_eq!(
            till.post("/api/v1/invoices", &body).await.status,
            StatusCode::CREATED
        );
    }
    let sale = json!({
        "id": "0a9e0000-0000-4000-8000-000000000009", "number": "S1-9",
        "posted_at": "2026-11-20T14:03:00Z", "customer_code": "CUST-00002",
        "lines": [{"item_code": "TEE-BLK-M", "qty": "2", "price_list_rate": "19.99", "discount_amount": "4.00", "offer": "Tees 10%"}],
        "payments": [{"mode": "cash", "amount": "35.98"}],
        "totals": {"net_total": "35.98", "discount_amount": "4.00", "grand_total": "35.98"}
    });
    assert_eq!(
        till.post("/api/v1/invoices", &sale).await.status,
        StatusCode::CREATED
    );
    app.sql("UPDATE campaigns SET discount_given = 120108.32");
    let card = gift_cards::issue(
        app,
        "CARD2345ABCDEFGH",
        "120108.32",
        Some("CUST-00002"),
        None,
    );
    // Issued in November, so that the liability as of its last day has figures to show.
    app.sql(&format!(
        "UPDATE gift_cards SET issued_at = '2026-11-15T15:00:00Z' WHERE id = {card}"
    ));
    app.sql(&format!(
        "UPDATE gift_card_entries SET created_at = '2026-11-15T15:00:00Z' WHERE card_id = {card}"
    ));
    let alice = referrals::alice(app);
    let code = referrals::code(app, alice, "ALICE-FRIENDS", &welcome);
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let batch = {
        let offer = coupon_offer.to_string();
        let made = marketing
            .post_form(
                "/coupons/batches",
                &[
                    ("name", "Spring flyer with a rather long name"),
                    ("count", "20"),
                    ("prefix", "spring-"),
                    ("offer_id", &offer),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let batch = app.count("SELECT max(id) AS n FROM coupon_batches");
        app.sql(&format!("SELECT pg_advisory_lock(7304, {batch}::int)"));
        batch
    };
    let made = marketing
        .post_form(
            "/segments",
            &[("name", "Bought tees lately"), ("recent_days", "60")],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let segment = app.count("SELECT max(id) AS n FROM segments");
    let days = "from=2026-11-01&to=2026-12-31";
    [
        ("home", "/".to_owned()),
        ("offers", "/offers".to_owned()),
        ("offer", format!("/offers/{tees}")),
        ("campaigns", "/campaigns".to_owned()),
        ("campaign", format!("/campaigns/{campaign}")),
        ("simulator", "/offers/simulator?invoice=S1-9".to_owned()),
        ("coupons", "/coupons".to_owned()),
        ("coupon", format!("/coupons/{coupon}")),
        ("batches", "/coupons/batches".to_owned()),
        ("batch", format!("/coupons/batches/{batch}")),
        ("gift-cards", "/gift-cards".to_owned()),
        ("gift-card", format!("/gift-cards/{card}")),
        ("referral-codes", "/referrals".to_owned()),
        ("referral-code", format!("/referrals/{code}")),
        ("funnel", format!("/reports/referrals?{days}")),
        ("reports", "/reports".to_owned()),
        ("sales-by-customer", format!("/reports/customers?{days}")),
        ("new-and-returning", format!("/reports/cohorts?{days}")),
        ("lapsed", "/reports/lapsed".to_owned()),
        ("sales-by-store", format!("/reports/stores?{days}")),
        ("delivery", format!("/reports/delivery?{days}")),
        ("offer-effectiveness", format!("/reports/offers?{days}")),
        ("coupon-uses", format!("/reports/coupons?{days}")),
        ("gift-card-liability", "/reports/gift-cards".to_owned()),
        (
            "gift-card-liability-november",
            "/reports/gift-cards?as_of=2026-11-30".to_owned(),
        ),
        ("loyalty-reports", "/loyalty/reports".to_owned()),
        ("segments", "/segments".to_owned()),
        ("segment", format!("/segments/{segment}")),
        ("segment-form", format!("/segments/{segment}/edit")),
    ]
    .into_iter()
    .map(|(name, path)| (name.to_owned(), path))
    .collect()
}

#[actix_web::test]
async fn every_marketing_page_fits_the_screen_and_keeps_its_figures_in_their_boxes() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (app, till) = shop().await;
    let pages = promotions(&app, &till).await;
    let user = app.user(Role::Marketing);
    let (browser, profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;
    let mut found = Vec::new();
    for width in [1366, 390] {
        browser.set_window_size(width, 900).await.unwrap();
        for (name, path) in &pages {
            open_page(&browser, &format!("{}{path}", app.base)).await;
            found.extend(check(&browser, width, name).await);
        }
    }
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
    assert!(found.is_empty(), "\n  {}", found.join("\n  "));
}
