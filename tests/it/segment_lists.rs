//! The customer list and saved segments, on the known data set of tests/it/segments.rs: a reader
//! of segments sees which saved segments each listed customer is in (three named, then "+N
//! more") and may keep one segment's members (its last snapshot, said to be one), with a search
//! and in the CSV; a store supervisor sees neither, and a `segment=` typed by hand changes
//! nothing for them. In Chromium: the column is readable at 1366 px and nothing overflows at 390.

use fantoccini::Locator;
use patron_rules::users::Role;
use reqwest::StatusCode;

use crate::browser::{
    Driver, assert_fits, open_browser, open_page, save_screenshot, sign_in, text_of,
};
use crate::common::{Page, TestApp, TestClient};
use crate::segments::known;

/// Saves a segment of `fields` named `name` (saving writes its members down); returns its id.
async fn saved(app: &TestApp, marketing: &TestClient, name: &str, fields: &[(&str, &str)]) -> i64 {
    let mut form = vec![("name", name)];
    form.extend_from_slice(fields);
    let page = marketing.post_form("/segments", &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    app.count(&format!(
        "SELECT id AS n FROM segments WHERE name = '{name}'"
    ))
}

/// Segments of the known data set: Everyone (Ana, Ben, Cy, Dee), Lapsed (Ben, Cy), One sale at
/// most (Ben, Cy, Dee), Recent (Ana), Small spenders (Ben). Returns Lapsed's id.
async fn segments(app: &TestApp, marketing: &TestClient) -> i64 {
    saved(app, marketing, "Everyone", &[]).await;
    let lapsed = saved(app, marketing, "Lapsed", &[("lapsed_days", "90")]).await;
    saved(app, marketing, "One sale at most", &[("sales_max", "1")]).await;
    saved(app, marketing, "Recent", &[("recent_days", "30")]).await;
    saved(
        app,
        marketing,
        "Small spenders",
        &[("spent_min", "50"), ("spent_max", "100")],
    )
    .await;
    lapsed
}

/// The table row of the customer named `name` ("Ben Known").
fn row_of<'a>(page: &'a Page, name: &str) -> &'a str {
    let at = page
        .body
        .find(&format!("</span> {name}</a>"))
        .unwrap_or_else(|| panic!("no row for {name}: {}", page.body));
    let start = page.body[..at].rfind("<tr>").unwrap();
    let end = at + page.body[at..].find("</tr>").unwrap();
    &page.body[start..end]
}

/// The names of the customers listed, in order.
fn names_in(page: &Page) -> Vec<String> {
    page.body
        .split("class=\"row-link\" href=\"/customers/")
        .skip(1)
        .map(|p| {
            let from = p.find("</span> ").unwrap() + 8;
            p[from..from + p[from..].find("</a>").unwrap()].to_owned()
        })
        .collect()
}

/// The id of segment `name`.
fn id_of(app: &TestApp, name: &str) -> i64 {
    app.count(&format!(
        "SELECT id AS n FROM segments WHERE name = '{name}'"
    ))
}

#[actix_web::test]
async fn a_marketer_sees_the_segments_each_listed_customer_is_in() {
    let (app, _) = known().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    segments(&app, &marketing).await;
    let link = |name: &str| {
        format!(
            r#"<a href="/segments/{}" title="{name}">{name}</a>"#,
            id_of(&app, name)
        )
    };

    let page = marketing.get("/customers").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(r#"<th scope="col">Segments</th>"#);

    // Ben is in four: three named by name, then "+1 more", all four in the title.
    let ben = row_of(&page, "Ben Known");
    for name in ["Everyone", "Lapsed", "One sale at most"] {
        assert!(ben.contains(&link(name)), "{name}: {ben}");
    }
    assert!(!ben.contains(&link("Small spenders")), "{ben}");
    assert!(ben.contains("+1 more"), "{ben}");
    assert!(
        ben.contains(r#"title="Everyone, Lapsed, One sale at most, Small spenders""#),
        "{ben}"
    );
    assert!(!ben.contains("Recent"), "{ben}");

    // Ana is in two, named both, and in none of the others.
    let ana = row_of(&page, "Ana Lima");
    assert!(
        ana.contains(&format!("{}{}", link("Everyone"), link("Recent"))),
        "{ana}"
    );
    for name in ["Lapsed", "One sale at most", "Small spenders"] {
        assert!(!ana.contains(name), "{name}: {ana}");
    }
    assert!(!ana.contains("more"), "{ana}");
    // The Walk-in customer is in none: an empty cell.
    assert!(
        row_of(&page, "Walk-in Customer")
            .contains(r#"<td><span class="segment-links"></span></td>"#),
        "{}",
        row_of(&page, "Walk-in Customer")
    );

    // The page's segments are read with one query over its customers, by an index.
    app.assert_indexed(&[(
        "SELECT m.customer_id, s.id, s.name FROM segment_members m \
         JOIN segments s ON s.id = m.segment_id WHERE m.customer_id = ANY(ARRAY[1, 2, 3]::bigint[])",
        "segment_members_customer_idx",
    )]);
}

#[actix_web::test]
async fn the_segment_filter_keeps_the_snapshot_s_members_with_a_search_and_in_the_csv() {
    let (app, _) = known().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let lapsed = segments(&app, &marketing).await;

    let page = marketing.get("/customers").await;
    page.assert_contains(r#"<label for="f-segment">Segment</label>"#);
    page.assert_contains(r#"<option value="">Any segment</option>"#);
    page.assert_lacks("Members as of");

    let page = marketing.get(&format!("/customers?segment={lapsed}")).await;
    assert_eq!(names_in(&page), ["Ben Known", "Cy Known"]);
    page.assert_contains(&format!(
        r#"<option value="{lapsed}" selected>Lapsed</option>"#
    ));
    page.assert_contains(r#"<p class="hint" id="f-segment-as-of">Members as of "#);
    page.assert_contains("2 customers");

    // The snapshot, not the live filter: Ana's row written into Lapsed by hand is listed.
    app.sql(&format!(
        "INSERT INTO segment_members (segment_id, customer_id) \
         SELECT {lapsed}, id FROM customers WHERE first_name = 'Ana'"
    ));
    let page = marketing.get(&format!("/customers?segment={lapsed}")).await;
    assert_eq!(names_in(&page), ["Ana Lima", "Ben Known", "Cy Known"]);
    app.sql(&format!(
        "DELETE FROM segment_members WHERE segment_id = {lapsed} \
         AND customer_id = (SELECT id FROM customers WHERE first_name = 'Ana')"
    ));

    // With a search.
    let page = marketing
        .get(&format!("/customers?q=ben&segment={lapsed}"))
        .await;
    assert_eq!(names_in(&page), ["Ben Known"]);
    let page = marketing
        .get(&format!("/customers?q=ana&segment={lapsed}"))
        .await;
    assert_eq!(names_in(&page), Vec::<String>::new());
    page.assert_contains("No customer matches “ana” with the segment filter ‘Lapsed’ on.");
    page.assert_contains(r#"<a href="/customers?q=ana">Clear the segment filter</a>"#);

    // htmx asks for the rows: the "as of" beside the filter comes along.
    let page = marketing
        .get_fragment(&format!("/customers?segment={lapsed}"))
        .await;
    page.assert_lacks("<html");
    page.assert_contains(r#"id="f-segment-as-of" hx-swap-oob="true">Members as of "#);
    assert_eq!(names_in(&page), ["Ben Known", "Cy Known"]);

    // A segment that does not exist filters nothing.
    let page = marketing.get("/customers?segment=999999").await;
    assert_eq!(names_in(&page).len(), 5, "{:?}", names_in(&page));

    // HQ reads segments too: the CSV holds what the list shows.
    let (hq, _) = app.signed_in(Role::HqManager).await;
    let page = hq.get(&format!("/customers?segment={lapsed}")).await;
    page.assert_contains(&format!(
        "/customers/export.csv?q=&#38;group=&#38;territory=&#38;store=&#38;status=&#38;segment={lapsed}"
    ));
    let csv = hq
        .get(&format!("/customers/export.csv?segment={lapsed}"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.body.lines().count(), 3, "{}", csv.body);
    assert!(csv.body.contains("Ben"), "{}", csv.body);
    assert!(csv.body.contains("Cy"), "{}", csv.body);
}

#[actix_web::test]
async fn a_store_supervisor_sees_no_segments_on_the_list_even_asking_by_hand() {
    let (app, _) = known().await;
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    let lapsed = segments(&app, &marketing).await;
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;

    let everyone = supervisor.get("/customers").await;
    assert_eq!(everyone.status, StatusCode::OK);
    everyone.assert_lacks("Segments</th>");
    everyone.assert_lacks("f-segment");
    everyone.assert_lacks("/segments/");
    everyone.assert_lacks(">Lapsed<");
    let asked = supervisor
        .get(&format!("/customers?segment={lapsed}"))
        .await;
    assert_eq!(names_in(&asked), names_in(&everyone));
    asked.assert_lacks(">Lapsed<");
    asked.assert_lacks("Members as of");
    let fragment = supervisor
        .get_fragment(&format!("/customers?segment={lapsed}"))
        .await;
    fragment.assert_lacks("f-segment-as-of");
    fragment.assert_lacks("/segments/");
}

#[actix_web::test]
async fn the_segments_column_reads_at_1366_and_fits_at_390_px() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (app, _) = known().await;
    let user = app.user(Role::Marketing);
    let (marketing, _) = app.signed_in(Role::Marketing).await;
    segments(&app, &marketing).await;
    // The longest name a segment may have, to see it wrap.
    saved(
        &app,
        &marketing,
        &format!("Lapsed regulars of the downtown stores {}", "x".repeat(61)),
        &[("lapsed_days", "90")],
    )
    .await;
    let (browser, profile) = open_browser(&driver).await;
    sign_in(&app, &browser, &user.email).await;
    for width in [1366, 390] {
        browser.set_window_size(width, 900).await.unwrap();
        open_page(&browser, &format!("{}/customers", app.base)).await;
        let cell = text_of(
            &browser,
            Locator::XPath("//tr[.//a[contains(., 'Ben Known')]]//span[@class='segment-links']"),
        )
        .await;
        assert!(cell.contains("Everyone"), "{cell}");
        assert!(cell.contains("+2 more"), "{cell}");
        assert_fits(&browser, "the customer list").await;
        save_screenshot(&browser, &format!("customers-segments-{width}")).await;

        // Choosing a segment swaps the rows and says, by the filter, when its members were taken.
        browser
            .find(Locator::Id("f-segment"))
            .await
            .unwrap()
            .select_by_label("Small spenders")
            .await
            .unwrap();
        let as_of = text_of(
            &browser,
            Locator::XPath("//p[@id='f-segment-as-of'][starts-with(., 'Members as of ')]"),
        )
        .await;
        assert!(as_of.len() > "Members as of ".len(), "{as_of}");
        text_of(
            &browser,
            Locator::XPath("//p[contains(@class, 'result-count')][starts-with(normalize-space(.), '1 customer')]"),
        )
        .await;
        assert_fits(&browser, "the customer list of a segment").await;
        save_screenshot(&browser, &format!("customers-segment-filter-{width}")).await;
    }
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(profile);
}
