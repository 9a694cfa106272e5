//! Paging both ways and sorting by column on the customer list, as a person clicks through it:
//! "Showing 51–100 of 120", Previous gives the same rows back, the last page has no Next; and
//! the queries Previous and the reversed sorts run use the indexes the forward ones do.

use patron_rules::users::Role;

use crate::common::{Page, TestApp};

fn ids_in(page: &Page) -> Vec<String> {
    page.body
        .split("class=\"row-link\" href=\"/customers/")
        .skip(1)
        .map(|p| p[..p.find('"').unwrap()].to_owned())
        .collect()
}

#[actix_web::test]
async fn the_customer_list_pages_forward_and_back_and_says_where_it_is() {
    let app = TestApp::spawn().await;
    patron::seed::customers(&mut app.conn(), 120, |_| {}).unwrap();
    let (client, _) = app.signed_in(Role::Marketing).await;

    let first = client.get("/customers").await;
    first.assert_contains("Showing 1–50 of 120");
    first.assert_lacks(">Previous</a>");
    let second = client.get(&first.pager_link("next").unwrap()).await;
    second.assert_contains("Showing 51–100 of 120");
    second.assert_contains(">Previous</a>");

    let back = client
        .get_fragment(&second.pager_link("prev").unwrap())
        .await;
    back.assert_lacks("<html");
    assert_eq!(
        ids_in(&back),
        ids_in(&first),
        "Previous gives page 1's rows"
    );
    back.assert_contains("Showing 1–50 of 120");
    back.assert_lacks(">Previous</a>");

    let last = client.get(&second.pager_link("next").unwrap()).await;
    assert_eq!(ids_in(&last).len(), 20);
    last.assert_contains("Showing 101–120 of 120");
    last.assert_lacks(">Next</a>");
    let middle = client.get(&last.pager_link("prev").unwrap()).await;
    assert_eq!(ids_in(&middle), ids_in(&second));
}

#[actix_web::test]
async fn a_sorted_list_pages_in_its_order_and_the_header_turns_it_round() {
    let app = TestApp::spawn().await;
    patron::seed::customers(&mut app.conn(), 75, |_| {}).unwrap();
    let (client, _) = app.signed_in(Role::HqManager).await;

    let by_name = client.get("/customers").await;
    by_name.assert_contains(
        r#"<th scope="col" aria-sort="ascending"><a class="sort-link" href="/customers?sort=name-desc">Name"#,
    );
    by_name.assert_contains(
        r#"<th scope="col"><a class="sort-link" href="/customers?sort=code">Code</a></th>"#,
    );

    for (sort, order) in [
        ("name-desc", "search_name DESC, id DESC"),
        ("code-desc", "id DESC"),
        ("code", "id"),
    ] {
        let expected = app.text(&format!(
            "SELECT string_agg(id::text, ',' ORDER BY {order}) AS t FROM customers WHERE active"
        ));
        let first = client.get(&format!("/customers?sort={sort}")).await;
        first.assert_contains(r#"aria-sort=""#);
        let second = client.get(&first.pager_link("next").unwrap()).await;
        second.assert_lacks(">Next</a>");
        let shown = [ids_in(&first), ids_in(&second)].concat().join(",");
        assert_eq!(shown, expected, "sorted by {sort}");
        let back = client.get(&second.pager_link("prev").unwrap()).await;
        assert_eq!(
            ids_in(&back),
            ids_in(&first),
            "Previous keeps the {sort} order"
        );
    }

    // The header keeps the filters and says which way the list is sorted.
    let filtered = client.get("/customers?status=all&sort=name-desc").await;
    filtered.assert_contains(
        r#"<th scope="col" aria-sort="descending"><a class="sort-link" href="/customers?status=all&#38;sort=name">Name"#,
    );
}

#[actix_web::test]
async fn pages_back_and_reversed_sorts_walk_the_same_indexes() {
    let app = TestApp::spawn().await;
    app.assert_indexed(&[
        (
            "SELECT id FROM customers WHERE active AND (search_name, id) < ('m', 5) \
             ORDER BY search_name DESC, id DESC LIMIT 51",
            "customers_name_sort_idx",
        ),
        (
            "SELECT id FROM customers WHERE active AND (created_at, id) > (now(), 5) \
             ORDER BY created_at ASC, id ASC LIMIT 51",
            "customers_created_sort_idx",
        ),
        (
            "SELECT id FROM items WHERE active AND (search_name, id) < ('m', 5) \
             ORDER BY search_name DESC, id DESC LIMIT 51",
            "items_name_sort_idx",
        ),
        (
            "SELECT id FROM invoices WHERE posted_at > now() OR (posted_at = now() AND id > 5) \
             ORDER BY posted_at ASC, id ASC LIMIT 51",
            "invoices_posted_idx",
        ),
        (
            "SELECT id FROM audit_log WHERE id > 5 ORDER BY id ASC LIMIT 51",
            "audit_log_pkey",
        ),
    ]);
}
