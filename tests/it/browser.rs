//! End-to-end checks in a real headless Chromium: signing in and out, live search from the
//! keyboard, a delivery charge edited in place, the loyalty panel redrawn in place.
//! Chromium and ChromeDriver come from Debian (.ci/run installs them); without them the test
//! fails under CI and prints why it skipped elsewhere.

use std::path::Path;
use std::process::Stdio;

use fantoccini::{Client, ClientBuilder, Locator};
use patron_rules::users::Role;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::common::{PASSWORD, TestApp};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A running ChromeDriver, stopped on drop with every Chromium it started: they share its
/// process group. (Killing ChromeDriver alone left a test's Chromium running when the test
/// ended without closing its session, a few per test run, each taking CPU for as long as the
/// machine ran.)
pub struct Driver {
    url: String,
    child: tokio::process::Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        use nix::sys::signal::{Signal, killpg};
        use nix::unistd::Pid;
        if let Some(id) = self.child.id().and_then(|id| i32::try_from(id).ok()) {
            let _ = killpg(Pid::from_raw(id), Signal::SIGKILL);
        }
    }
}

impl Driver {
    pub async fn start() -> Option<Driver> {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            let why =
                "Chromium or ChromeDriver is missing (apt-get install chromium chromium-driver)";
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
            eprintln!("SKIPPED browser test: {why}");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = tokio::process::Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        // Ready when it says so: no polling, no sleeping.
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains("started successfully") {
                break;
            }
        }
        Some(Driver {
            url: format!("http://127.0.0.1:{port}"),
            child,
        })
    }
}

/// A headless Chromium driven through `driver`, with a profile folder of its own.
pub async fn open_browser(driver: &Driver) -> (Client, std::path::PathBuf) {
    let profile =
        std::env::temp_dir().join(format!("patron-chromium-{:08x}", rand::random::<u32>()));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,800",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap();
    (client, profile)
}

#[actix_web::test]
async fn a_person_mistypes_signs_in_and_signs_out_in_a_real_browser() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.user_named(Role::HqManager, "hannah@example.com", "Hannah Quinn");
    let (browser, profile) = open_browser(&driver).await;

    browser.goto(&format!("{}/", app.base)).await.unwrap();
    assert!(path_of(&browser).await.starts_with("/login"));

    type_into(&browser, "#email", "hannah@example.com").await;
    type_into(&browser, "#password", "not my password").await;
    click(&browser, Locator::Css("button[type=submit]")).await;
    let error = text_of(&browser, Locator::Id("signin-error")).await;
    assert!(error.starts_with("Wrong email or password."), "{error}");
    let email = browser.find(Locator::Css("#email")).await.unwrap();
    assert_eq!(
        email.prop("value").await.unwrap().as_deref(),
        Some("hannah@example.com")
    );

    type_into(&browser, "#password", PASSWORD).await;
    click(&browser, Locator::Css("button[type=submit]")).await;
    assert_eq!(
        text_of(&browser, Locator::Css(".who strong")).await,
        "Hannah Quinn"
    );

    click(
        &browser,
        Locator::XPath("//button[normalize-space()='Sign out']"),
    )
    .await;
    assert_eq!(
        text_of(&browser, Locator::Css(".alert-info")).await,
        "You have signed out."
    );
    browser.goto(&format!("{}/users", app.base)).await.unwrap();
    assert!(path_of(&browser).await.starts_with("/login"));

    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}

#[actix_web::test]
async fn a_supervisor_finds_a_customer_by_typing_and_opens_it_from_the_keyboard() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    patron::seed::customers(&mut app.conn(), 60, |_| {}).unwrap();
    app.sql(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id)
         SELECT 'Abigail', 'Zuñiga', min(g.id), min(t.id) FROM customer_groups g, territories t",
    );
    let user = app.user(Role::StoreSupervisor);
    let (browser, profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;

    browser
        .goto(&format!("{}/customers", app.base))
        .await
        .unwrap();
    // "/" jumps to the search box; typing narrows the list without loading a page.
    browser
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("/")
        .await
        .unwrap();
    let search = browser.active_element().await.unwrap();
    assert_eq!(search.attr("id").await.unwrap().as_deref(), Some("f-q"));
    search.send_keys("zuniga").await.unwrap();
    browser
        .wait()
        .for_element(Locator::XPath(
            "//p[contains(@class,'result-count') and contains(., '1 matching')]",
        ))
        .await
        .unwrap();
    let first = text_of(&browser, Locator::Css("#customer-results .row-link")).await;
    assert!(first.ends_with("Abigail Zuñiga"), "{first}");
    let url = browser.current_url().await.unwrap();
    assert!(
        url.query().unwrap_or("").contains("q=zuniga"),
        "the address keeps the search: {url}"
    );

    // Arrow down to the first result; Enter opens it.
    search.send_keys("\u{E015}").await.unwrap();
    let focused = browser.active_element().await.unwrap();
    assert_eq!(focused.text().await.unwrap(), first);
    focused.send_keys("\u{E007}").await.unwrap();
    let heading = text_of(&browser, Locator::Css(".customer-head h1")).await;
    assert!(heading.starts_with("Abigail Zuñiga"), "{heading}");
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}

#[actix_web::test]
async fn hq_edits_a_delivery_charge_in_place_and_escape_cancels() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let store = app.store("NORTH");
    app.sql(&format!(
        "INSERT INTO delivery_charges (pos_profile_id, label, default_rate, rate) \
         SELECT id, 'Express', 12, 12 FROM pos_profiles WHERE store_id = {store}"
    ));
    let user = app.user(Role::HqManager);
    let (browser, profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;
    let profile_url = format!("{}/stores/{store}/profile", app.base);
    browser.goto(&profile_url).await.unwrap();

    // Edit opens the row in place with the label focused; Escape puts the row back unchanged.
    click(&browser, Locator::Css("#delivery-charges a.btn")).await;
    browser
        .wait()
        .for_element(Locator::Css("[data-escape-cancels]"))
        .await
        .unwrap();
    let label = browser.active_element().await.unwrap();
    assert_eq!(label.attr("name").await.unwrap().as_deref(), Some("label"));
    label.send_keys(" Plus\u{E00C}").await.unwrap();
    text_of(
        &browser,
        Locator::XPath("//td[normalize-space()='Express']"),
    )
    .await;
    assert!(
        browser
            .find(Locator::Css("[data-escape-cancels]"))
            .await
            .is_err()
    );
    // Escape gives focus back to the row's Edit button (once htmx has settled the swap).
    let charge = app.count("SELECT min(id) AS n FROM delivery_charges");
    browser
        .wait()
        .for_element(Locator::Css(&format!(
            "[data-edit-key='charge-{charge}']:focus"
        )))
        .await
        .unwrap();

    // Edit again, change the rate, Enter saves without leaving the page.
    click(&browser, Locator::Css("#delivery-charges a.btn")).await;
    let rate = browser
        .wait()
        .for_element(Locator::Css("[data-escape-cancels] input[name=rate]"))
        .await
        .unwrap();
    rate.clear().await.unwrap();
    rate.send_keys("9.5\u{E007}").await.unwrap();
    text_of(&browser, Locator::XPath("//td[normalize-space()='$9.50']")).await;
    assert_eq!(path_of(&browser).await, format!("/stores/{store}/profile"));
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM delivery_charges WHERE rate = 9.5 AND label = 'Express'"
        ),
        1
    );
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}

/// Whether the page has finished loading (false while a navigation replaces it).
async fn loaded(browser: &Client) -> bool {
    browser
        .execute("return document.readyState === 'complete';", vec![])
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// Opens `url` and waits until the browser shows that page, loaded. A busy machine's
/// chromedriver may answer a navigation before the new document is in place; a screenshot taken
/// then fails with "aborted by navigation". What is waited on is the page itself: its address
/// and `document.readyState`, asked again every 50 ms for at most 10 s.
pub async fn open_page(browser: &Client, url: &str) {
    browser.goto(url).await.unwrap();
    for _ in 0..200 {
        let here = browser.current_url().await.ok();
        if loaded(browser).await && here.as_ref().is_some_and(|here| here.as_str() == url) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{url} did not finish loading in 10 s");
}

/// Signs `email` in with the harness password and waits for the signed-in page.
pub async fn sign_in(app: &TestApp, browser: &Client, email: &str) {
    browser.goto(&format!("{}/login", app.base)).await.unwrap();
    type_into(browser, "#email", email).await;
    type_into(browser, "#password", PASSWORD).await;
    click(browser, Locator::Css("button[type=submit]")).await;
    text_of(browser, Locator::Css(".who strong")).await;
}

pub async fn path_of(browser: &Client) -> String {
    browser.current_url().await.unwrap().path().to_owned()
}

pub async fn type_into(browser: &Client, css: &str, text: &str) {
    let field = browser.find(Locator::Css(css)).await.unwrap();
    field.send_keys(text).await.unwrap();
}

pub async fn click(browser: &Client, locator: Locator<'_>) {
    browser.find(locator).await.unwrap().click().await.unwrap();
}

/// Fails, naming `what`, when the page is wider than the window (it would scroll sideways).
pub async fn assert_fits(browser: &Client, what: &str) {
    let fits = browser
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    let width = browser
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap();
    assert!(fits, "{what} scrolls sideways at {width} px");
}

/// Saves what the browser shows as target/screenshots/`name`.png, to look at. A page still
/// being replaced by a navigation (chromedriver may answer `goto` before the new page is in
/// place: "aborted by navigation") is waited for until it has loaded, then taken.
pub async fn save_screenshot(browser: &Client, name: &str) {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    for _ in 0..200 {
        if loaded(browser).await {
            match browser.screenshot().await {
                Ok(png) => {
                    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
                    return;
                }
                Err(e) if e.to_string().contains("navigation") => {}
                Err(e) => panic!("screenshot {name}: {e}"),
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{name}: the page did not finish loading in 10 s");
}

/// Waits for the element to appear (the page may still be loading) and reads its text.
pub async fn text_of(browser: &Client, locator: Locator<'_>) -> String {
    let element = browser.wait().for_element(locator).await.unwrap();
    element.text().await.unwrap()
}

#[actix_web::test]
async fn marketing_enrols_a_customer_and_adjusts_points_in_the_panel_without_leaving_the_page() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.store("NORTH");
    app.sql(
        "INSERT INTO customers (first_name, last_name, customer_group_id, territory_id) \
         SELECT 'Ana', 'Lima', min(g.id), min(t.id) FROM customer_groups g, territories t",
    );
    app.sql(
        "INSERT INTO loyalty_programs (name, company_id, conversion_factor, valid_from) \
         SELECT 'Rewards', min(id), 0.01, '2020-01-01' FROM companies",
    );
    app.sql(
        "INSERT INTO loyalty_tiers (program_id, name, min_spent, collection_factor) \
         SELECT id, 'Member', 0, 1 FROM loyalty_programs",
    );
    let ana = app.count("SELECT id AS n FROM customers WHERE first_name = 'Ana'");
    let user = app.user(Role::Marketing);
    let (browser, profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;
    browser
        .goto(&format!("{}/customers/{ana}", app.base))
        .await
        .unwrap();
    text_of(
        &browser,
        Locator::XPath("//p[normalize-space()='Not enrolled in any loyalty program']"),
    )
    .await;

    // Enrol redraws the panel in place; Enter in the reason field adjusts.
    click(
        &browser,
        Locator::XPath("//button[normalize-space()='Enrol']"),
    )
    .await;
    let badge = text_of(&browser, Locator::Css("#loyalty-panel .badge-active")).await;
    assert_eq!(badge, "Rewards");
    type_into(&browser, "#adjust-points", "500").await;
    type_into(&browser, "#adjust-reason", "Customer Appreciation\u{E007}").await;
    text_of(
        &browser,
        Locator::XPath("//span[@id='points-balance' and normalize-space()='500']"),
    )
    .await;
    text_of(
        &browser,
        Locator::XPath("//span[normalize-space()='$5.00']"),
    )
    .await;
    assert_eq!(path_of(&browser).await, format!("/customers/{ana}"));
    assert_eq!(
        app.count("SELECT sum(points)::bigint AS n FROM loyalty_point_entries"),
        500
    );
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}
