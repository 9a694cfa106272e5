//! Every mounted page route for every role: allowed or 403; signed out: sent to sign in.

use patron_rules::users::{Permission, Role};
use reqwest::StatusCode;

use crate::common::TestApp;

/// Each route with the permission it needs (`None`: any signed-in user). `{id}` is a user,
/// `{c}` a customer of the supervisors' store, `{g}` a customer group, `{t}` a territory,
/// `{i}` an item, `{ig}` an item group, `{b}` a brand, `{s}` the supervisors' store, `{dc}` one
/// of its delivery charges, `{k}` one of its terminal tokens, `{sp}` a sales person, `{co}` a
/// company, `{inv}` the uuid of an invoice of the supervisors' store, `{lp}` a loyalty program,
/// `{gc}` a gift card.
const ROUTES: [(&str, &str, Option<Permission>); 119] = [
    ("GET", "/", None),
    ("GET", "/account/password", None),
    ("POST", "/account/password", None),
    ("GET", "/users", Some(Permission::UsersManage)),
    ("GET", "/users/new", Some(Permission::UsersManage)),
    ("POST", "/users", Some(Permission::UsersManage)),
    ("GET", "/users/{id}", Some(Permission::UsersManage)),
    ("POST", "/users/{id}", Some(Permission::UsersManage)),
    (
        "POST",
        "/users/{id}/password",
        Some(Permission::UsersManage),
    ),
    (
        "POST",
        "/users/{id}/deactivate",
        Some(Permission::UsersManage),
    ),
    (
        "POST",
        "/users/{id}/reactivate",
        Some(Permission::UsersManage),
    ),
    ("GET", "/audit", Some(Permission::AuditView)),
    ("GET", "/api-docs", Some(Permission::StoresManage)),
    ("GET", "/customers", Some(Permission::CustomersView)),
    (
        "GET",
        "/customers/export.csv",
        Some(Permission::CustomersExport),
    ),
    ("GET", "/customers/merge", Some(Permission::CustomersEdit)),
    (
        "GET",
        "/customers/import",
        Some(Permission::CustomersCreate),
    ),
    (
        "POST",
        "/customers/import",
        Some(Permission::CustomersCreate),
    ),
    (
        "GET",
        "/customers/import/template.csv",
        Some(Permission::CustomersCreate),
    ),
    ("POST", "/customers/merge", Some(Permission::CustomersEdit)),
    ("GET", "/customers/new", Some(Permission::CustomersCreate)),
    ("POST", "/customers", Some(Permission::CustomersCreate)),
    ("GET", "/customers/{c}", Some(Permission::CustomersView)),
    (
        "GET",
        "/customers/{c}/edit",
        Some(Permission::CustomersEdit),
    ),
    ("POST", "/customers/{c}", Some(Permission::CustomersEdit)),
    (
        "POST",
        "/customers/{c}/deactivate",
        Some(Permission::CustomersDeactivate),
    ),
    (
        "POST",
        "/customers/{c}/reactivate",
        Some(Permission::CustomersDeactivate),
    ),
    ("GET", "/customer-groups", Some(Permission::StoresManage)),
    (
        "GET",
        "/customer-groups/import",
        Some(Permission::StoresManage),
    ),
    (
        "POST",
        "/customer-groups/import",
        Some(Permission::StoresManage),
    ),
    (
        "GET",
        "/customer-groups/new",
        Some(Permission::StoresManage),
    ),
    ("POST", "/customer-groups", Some(Permission::StoresManage)),
    (
        "GET",
        "/customer-groups/{g}",
        Some(Permission::StoresManage),
    ),
    (
        "POST",
        "/customer-groups/{g}",
        Some(Permission::StoresManage),
    ),
    (
        "POST",
        "/territories/{t}/delete",
        Some(Permission::StoresManage),
    ),
    ("GET", "/territories", Some(Permission::StoresManage)),
    ("GET", "/territories/new", Some(Permission::StoresManage)),
    ("POST", "/territories", Some(Permission::StoresManage)),
    ("GET", "/territories/{t}", Some(Permission::StoresManage)),
    ("POST", "/territories/{t}", Some(Permission::StoresManage)),
    ("GET", "/items/new", Some(Permission::StoresManage)),
    ("POST", "/items", Some(Permission::StoresManage)),
    ("GET", "/items/{i}", Some(Permission::StoresManage)),
    ("POST", "/items/{i}", Some(Permission::StoresManage)),
    (
        "POST",
        "/items/{i}/deactivate",
        Some(Permission::StoresManage),
    ),
    (
        "POST",
        "/items/{i}/reactivate",
        Some(Permission::StoresManage),
    ),
    ("GET", "/items/import", Some(Permission::StoresManage)),
    ("POST", "/items/import", Some(Permission::StoresManage)),
    (
        "GET",
        "/items/import/template.csv",
        Some(Permission::StoresManage),
    ),
    ("GET", "/item-groups", Some(Permission::StoresManage)),
    ("GET", "/item-groups/new", Some(Permission::StoresManage)),
    ("POST", "/item-groups", Some(Permission::StoresManage)),
    ("GET", "/item-groups/{ig}", Some(Permission::StoresManage)),
    ("POST", "/item-groups/{ig}", Some(Permission::StoresManage)),
    (
        "POST",
        "/item-groups/{ig}/delete",
        Some(Permission::StoresManage),
    ),
    ("POST", "/brands", Some(Permission::StoresManage)),
    ("GET", "/brands/{b}", Some(Permission::StoresManage)),
    ("POST", "/brands/{b}", Some(Permission::StoresManage)),
    (
        "POST",
        "/brands/{b}/deactivate",
        Some(Permission::StoresManage),
    ),
    (
        "POST",
        "/brands/{b}/reactivate",
        Some(Permission::StoresManage),
    ),
    ("GET", "/stores", Some(Permission::StoresManage)),
    ("GET", "/stores/new", Some(Permission::StoresManage)),
    ("POST", "/stores", Some(Permission::StoresManage)),
    ("GET", "/stores/{s}", Some(Permission::StoresManage)),
    ("POST", "/stores/{s}", Some(Permission::StoresManage)),
    (
        "POST",
        "/stores/{s}/deactivate",
        Some(Permission::StoresManage),
    ),
    (
        "POST",
        "/stores/{s}/reactivate",
        Some(Permission::StoresManage),
    ),
    ("GET", "/stores/{s}/profile", Some(Permission::StoresManage)),
    (
        "POST",
        "/stores/{s}/profile",
        Some(Permission::StoresManage),
    ),
    (
        "POST",
        "/stores/{s}/delivery-charges",
        Some(Permission::StoresManage),
    ),
    (
        "POST",
        "/stores/{s}/delivery-charges/{dc}",
        Some(Permission::StoresManage),
    ),
    (
        "POST",
        "/stores/{s}/delivery-charges/{dc}/remove",
        Some(Permission::StoresManage),
    ),
    ("GET", "/stores/{s}/tokens", Some(Permission::StoresManage)),
    ("POST", "/stores/{s}/tokens", Some(Permission::StoresManage)),
    (
        "POST",
        "/stores/{s}/tokens/{k}/revoke",
        Some(Permission::StoresManage),
    ),
    ("GET", "/customers/options", Some(Permission::CustomersView)),
    ("GET", "/companies", Some(Permission::StoresManage)),
    ("GET", "/companies/new", Some(Permission::StoresManage)),
    ("POST", "/companies", Some(Permission::StoresManage)),
    ("GET", "/companies/{co}", Some(Permission::StoresManage)),
    ("POST", "/companies/{co}", Some(Permission::StoresManage)),
    ("GET", "/sales-persons", Some(Permission::StoresManage)),
    ("GET", "/sales-persons/new", Some(Permission::StoresManage)),
    ("POST", "/sales-persons", Some(Permission::StoresManage)),
    ("GET", "/sales-persons/{sp}", Some(Permission::StoresManage)),
    (
        "POST",
        "/sales-persons/{sp}",
        Some(Permission::StoresManage),
    ),
    (
        "POST",
        "/sales-persons/{sp}/deactivate",
        Some(Permission::StoresManage),
    ),
    (
        "POST",
        "/sales-persons/{sp}/reactivate",
        Some(Permission::StoresManage),
    ),
    (
        "GET",
        "/customers/{c}/payments/new",
        Some(Permission::CustomersEdit),
    ),
    (
        "POST",
        "/customers/{c}/payments",
        Some(Permission::CustomersEdit),
    ),
    ("GET", "/invoices", Some(Permission::ReportsView)),
    ("GET", "/gift-cards", Some(Permission::GiftCardsManage)),
    ("GET", "/gift-cards/new", Some(Permission::GiftCardsManage)),
    ("POST", "/gift-cards", Some(Permission::GiftCardsManage)),
    ("GET", "/gift-cards/{gc}", Some(Permission::GiftCardsManage)),
    (
        "POST",
        "/gift-cards/{gc}/top-up",
        Some(Permission::GiftCardsManage),
    ),
    (
        "POST",
        "/gift-cards/{gc}/adjust",
        Some(Permission::GiftCardsManage),
    ),
    (
        "POST",
        "/gift-cards/{gc}/disable",
        Some(Permission::GiftCardsManage),
    ),
    (
        "POST",
        "/gift-cards/{gc}/enable",
        Some(Permission::GiftCardsManage),
    ),
    ("GET", "/reports/gift-cards", Some(Permission::ReportsView)),
    (
        "GET",
        "/reports/gift-cards/months.csv",
        Some(Permission::ReportsView),
    ),
    ("GET", "/invoices/export.csv", Some(Permission::ReportsView)),
    (
        "GET",
        "/customers/{c}/loyalty",
        Some(Permission::CustomersView),
    ),
    (
        "POST",
        "/customers/{c}/loyalty/adjust",
        Some(Permission::LoyaltyManage),
    ),
    ("GET", "/loyalty/programs", Some(Permission::LoyaltyManage)),
    ("POST", "/loyalty/programs", Some(Permission::LoyaltyManage)),
    (
        "GET",
        "/loyalty/programs/new",
        Some(Permission::LoyaltyManage),
    ),
    (
        "GET",
        "/loyalty/programs/tier-row",
        Some(Permission::LoyaltyManage),
    ),
    (
        "GET",
        "/loyalty/programs/{lp}",
        Some(Permission::LoyaltyManage),
    ),
    (
        "POST",
        "/loyalty/programs/{lp}",
        Some(Permission::LoyaltyManage),
    ),
    (
        "POST",
        "/loyalty/programs/{lp}/deactivate",
        Some(Permission::LoyaltyManage),
    ),
    (
        "POST",
        "/loyalty/programs/{lp}/reactivate",
        Some(Permission::LoyaltyManage),
    ),
    ("GET", "/loyalty/reports", Some(Permission::ReportsView)),
    (
        "GET",
        "/loyalty/reports/liability.csv",
        Some(Permission::ReportsView),
    ),
    (
        "GET",
        "/loyalty/reports/expiring.csv",
        Some(Permission::ReportsView),
    ),
    (
        "GET",
        "/loyalty/reports/tiers.csv",
        Some(Permission::ReportsView),
    ),
    ("GET", "/loyalty/import", Some(Permission::LoyaltyManage)),
    ("POST", "/loyalty/import", Some(Permission::LoyaltyManage)),
    (
        "GET",
        "/loyalty/import/template.csv",
        Some(Permission::LoyaltyManage),
    ),
];

/// Routes that any one of several permissions opens: the catalogue's lists and pickers, which
/// offers and reports read too.
const ANY_OF: [Permission; 3] = [
    Permission::StoresManage,
    Permission::OffersManage,
    Permission::ReportsView,
];
/// Who may open an invoice or a customer's points ledger: those who read customers' history or
/// reports.
const INVOICE_READERS: [Permission; 2] = [Permission::CustomersView, Permission::ReportsView];
const SHARED_ROUTES: [(&str, &str, &[Permission]); 11] = [
    (
        "POST",
        "/customers/{c}/loyalty/enrol",
        &patron::loyalty::panel::ENROLLERS,
    ),
    (
        "POST",
        "/customers/{c}/loyalty/unenrol",
        &patron::loyalty::panel::ENROLLERS,
    ),
    ("GET", "/items", &ANY_OF),
    ("GET", "/items/export.csv", &ANY_OF),
    ("GET", "/brands", &ANY_OF),
    ("GET", "/pickers/items", &ANY_OF),
    ("GET", "/pickers/item-groups", &ANY_OF),
    ("GET", "/pickers/brands", &ANY_OF),
    ("GET", "/invoices/{inv}", &INVOICE_READERS),
    ("GET", "/customers/{c}/loyalty/ledger", &INVOICE_READERS),
    ("GET", "/customers/{c}/loyalty/ledger.csv", &INVOICE_READERS),
];

/// Every route with the permissions that open it (any one of them; none: any signed-in user).
fn all_routes() -> impl Iterator<Item = (&'static str, &'static str, &'static [Permission])> {
    let routes: &'static [(&str, &str, Option<Permission>)] = &ROUTES;
    let shared: &'static [(&str, &str, &[Permission])] = &SHARED_ROUTES;
    routes
        .iter()
        .map(|(method, path, needs)| (*method, *path, needs.as_slice()))
        .chain(shared.iter().copied())
}

/// The targets the route patterns name, made in `app`.
fn fill(app: &TestApp, pattern: &str, user: i64) -> String {
    use patron::customers::model;
    use patron::trees::model::groups;
    let mut conn = app.conn();
    let group = groups::root_group_id(&mut conn).unwrap();
    let territory = groups::root_territory_id(&mut conn).unwrap();
    let customer: i64 = {
        use diesel::prelude::*;
        use patron::db::schema::customers;
        match customers::table
            .select(customers::id)
            .first::<i64>(&mut conn)
            .optional()
            .unwrap()
        {
            Some(id) => id,
            None => {
                let fields = model::CustomerFields {
                    first_name: "Matrix".into(),
                    last_name: String::new(),
                    customer_group_id: group,
                    territory_id: territory,
                    tax_id: String::new(),
                    mobile: String::new(),
                    email: String::new(),
                    website: String::new(),
                    address_line1: String::new(),
                    address_line2: String::new(),
                    city: String::new(),
                    postcode: String::new(),
                    country_code: None,
                    birthday: None,
                    gender: String::new(),
                    notes: String::new(),
                    credit_limit: rust_decimal::Decimal::ZERO,
                };
                let new = model::NewCustomer {
                    uuid: uuid::Uuid::new_v4(),
                    origin_store_id: Some(app.store("TEST")),
                    fields,
                };
                model::insert(&mut conn, &new).unwrap().id
            }
        }
    };
    let (item, item_group, brand) = catalog_targets(app);
    let (store, charge, token) = store_targets(app);
    let sales_person = {
        use patron::stores::model::sales_persons;
        match sales_persons::find_by_code(&mut conn, "EMP-MATRIX").unwrap() {
            Some(person) => person.id,
            None => {
                let fields = sales_persons::SalesPersonFields {
                    employee_code: "EMP-MATRIX".into(),
                    name: "Matrix Seller".into(),
                    commission_rate: rust_decimal::Decimal::ZERO,
                };
                sales_persons::create(&mut conn, &fields, &patron::kernel::Actor::System("test"))
                    .unwrap()
                    .id
            }
        }
    };
    let company = patron::stores::model::first_company(&mut conn).unwrap();
    let invoice = invoice_target(app, store, customer);
    let program = loyalty_target(app);
    let gift_card = gift_card_target(app);
    pattern
        .replace("{gc}", &gift_card.to_string())
        .replace("{lp}", &program.to_string())
        .replace("{inv}", &invoice)
        .replace("{co}", &company.to_string())
        .replace("{sp}", &sales_person.to_string())
        .replace("{dc}", &charge.to_string())
        .replace("{s}", &store.to_string())
        .replace("{k}", &token.to_string())
        .replace("{id}", &user.to_string())
        .replace("{ig}", &item_group.to_string())
        .replace("{i}", &item.to_string())
        .replace("{b}", &brand.to_string())
        .replace("{c}", &customer.to_string())
        .replace("{g}", &group.to_string())
        .replace("{t}", &territory.to_string())
}

/// A gift card of the first company, made on first use.
fn gift_card_target(app: &TestApp) -> i64 {
    match app.count("SELECT coalesce(min(id), 0) AS n FROM gift_cards") {
        0 => crate::common::gift_cards::issue(app, "MATR2X3456789ABC", "10", None, None),
        id => id,
    }
}

/// A loyalty program of the first company, made on first use.
fn loyalty_target(app: &TestApp) -> i64 {
    use patron::loyalty::model::programs;
    use patron_rules::loyalty::TierRule;
    let mut conn = app.conn();
    let company_id = patron::stores::model::first_company(&mut conn).unwrap();
    match app.count("SELECT coalesce(min(id), 0) AS n FROM loyalty_programs") {
        0 => {
            let fields = programs::ProgramFields {
                name: "Matrix Points".into(),
                company_id,
                multiple_tier: false,
                conversion_factor: rust_decimal::Decimal::ONE,
                expiry_days: 0,
                valid_from: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                valid_upto: None,
                customer_group_id: None,
                territory_id: None,
                auto_opt_in: false,
                forfeit_on_unenrol: false,
            };
            let tier = TierRule {
                name: "Member".into(),
                min_spent: rust_decimal::Decimal::ZERO,
                collection_factor: rust_decimal::Decimal::ONE,
            };
            programs::insert(&mut conn, &fields, &[tier]).unwrap()
        }
        id => id,
    }
}

/// The uuid of an invoice of store `store` for `customer`, made on first use.
fn invoice_target(app: &TestApp, store: i64, customer: i64) -> String {
    app.text(&format!(
        "WITH made AS (INSERT INTO invoices (uuid, number, store_id, company_id, customer_id, \
         posted_at, currency_code, net_total, discount_amount, grand_total, request_hash, response) \
         SELECT gen_random_uuid(), 'MATRIX-1', s.id, s.company_id, {customer}, now(), 'USD', 0, 0, 0, \
         '\\x00', '{{}}' FROM stores s \
         WHERE s.id = {store} AND NOT EXISTS (SELECT 1 FROM invoices WHERE number = 'MATRIX-1') \
         RETURNING uuid) \
         SELECT coalesce((SELECT uuid FROM made), \
                         (SELECT uuid FROM invoices WHERE number = 'MATRIX-1'))::text AS t"
    ))
}

/// The supervisors' store, one of its delivery charges and one of its tokens, made on first use.
fn store_targets(app: &TestApp) -> (i64, i64, i64) {
    let store = app.store("TEST");
    let charge = app.count(&format!(
        "WITH p AS (SELECT id FROM pos_profiles WHERE store_id = {store}), \
         made AS (INSERT INTO delivery_charges (pos_profile_id, label, default_rate, rate) \
                  SELECT id, 'Matrix', 1, 1 FROM p \
                  WHERE NOT EXISTS (SELECT 1 FROM delivery_charges WHERE pos_profile_id = p.id) \
                  RETURNING id) \
         SELECT coalesce((SELECT id FROM made), \
                         (SELECT min(id) FROM delivery_charges WHERE pos_profile_id = (SELECT id FROM p))) AS n"
    ));
    let token = match app.count(&format!(
        "SELECT coalesce(min(id), 0) AS n FROM terminal_tokens WHERE store_id = {store}"
    )) {
        0 => {
            app.terminal_token("TEST");
            app.count("SELECT min(id) AS n FROM terminal_tokens")
        }
        id => id,
    };
    (store, charge, token)
}

/// An item, the root item group and a brand, made on first use.
fn catalog_targets(app: &TestApp) -> (i64, i64, i64) {
    use patron::catalog::model;
    let mut conn = app.conn();
    let group = model::root_item_group_id(&mut conn).unwrap();
    let brand = match model::brands(&mut conn, true).unwrap().first() {
        Some(b) => b.id,
        None => model::insert_brand(&mut conn, "Matrix").unwrap().id,
    };
    let item = match model::existing_codes(&mut conn, &["MATRIX-1".to_owned()])
        .unwrap()
        .first()
    {
        Some(_) => app.count("SELECT id AS n FROM items WHERE item_code = 'MATRIX-1'"),
        None => {
            let fields = model::ItemFields {
                item_code: "MATRIX-1".into(),
                name: "Matrix".into(),
                item_group_id: group,
                brand_id: Some(brand),
                standard_rate: rust_decimal::Decimal::ONE,
                unit: "Nos".into(),
            };
            model::insert(&mut conn, &fields).unwrap().id
        }
    };
    (item, group, brand)
}

#[actix_web::test]
async fn every_role_gets_exactly_the_routes_its_permissions_allow() {
    let app = TestApp::spawn().await;
    let target = app.user(Role::Marketing);
    for role in Role::ALL {
        let (client, _) = app.signed_in(role).await;
        for (method, pattern, needs) in all_routes() {
            let path = fill(&app, pattern, target.id);
            let page = match method {
                "GET" => client.get(&path).await,
                _ => client.post_form(&path, &[]).await,
            };
            let allowed = needs.is_empty() || needs.iter().any(|p| role.can(*p));
            if allowed {
                assert_ne!(
                    page.status,
                    StatusCode::FORBIDDEN,
                    "{} {method} {path}",
                    role.as_str()
                );
                assert!(
                    page.status.as_u16() < 500,
                    "{} {method} {path}: {}",
                    role.as_str(),
                    page.status
                );
            } else {
                assert_eq!(
                    page.status,
                    StatusCode::FORBIDDEN,
                    "{} {method} {path}",
                    role.as_str()
                );
                page.assert_contains("Your role does not include this.");
            }
        }
    }
}

#[actix_web::test]
async fn signed_out_visitors_are_sent_to_sign_in_from_every_route() {
    let app = TestApp::spawn().await;
    let target = app.user(Role::Marketing);
    let client = app.client();
    client.get("/login").await;
    for (method, pattern, _) in all_routes() {
        let path = fill(&app, pattern, target.id);
        let page = match method {
            "GET" => client.get(&path).await,
            _ => client.post_form(&path, &[]).await,
        };
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{method} {path}");
        assert!(
            page.location().unwrap().starts_with("/login"),
            "{method} {path}"
        );
    }
}

#[actix_web::test]
async fn navigation_shows_only_what_the_role_may_open() {
    let app = TestApp::spawn().await;
    let (supervisor, _) = app.signed_in(Role::StoreSupervisor).await;
    let page = supervisor.get("/").await;
    page.assert_lacks(r#"href="/users""#);
    page.assert_lacks(r#"href="/audit""#);
    page.assert_lacks(r#"href="/customer-groups""#);
    page.assert_lacks(r#"href="/stores""#);
    page.assert_lacks(r#"href="/sales-persons""#);
    page.assert_lacks(r#"href="/companies""#);
    page.assert_contains(r#"<a href="/customers">Customers</a>"#);

    let (admin, _) = app.signed_in(Role::Admin).await;
    let page = admin.get("/").await;
    page.assert_contains(r#"<a href="/users">Users</a>"#);
    page.assert_contains(r#"<a href="/audit">Audit</a>"#);
    page.assert_contains(r#"<a href="/stores">Stores</a>"#);
    page.assert_contains(r#"<a href="/companies">Companies</a>"#);
    page.assert_contains(r#"<a href="/sales-persons">Sales Persons</a>"#);
}

#[actix_web::test]
async fn the_users_page_shows_the_role_table() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let page = admin.get("/users").await;
    page.assert_contains("What each role may do");
    for p in Permission::ALL {
        page.assert_contains(&format!("<code>{}</code>", p.name()));
    }
    // Store supervisors may not deactivate customers: the fourth role column of that row.
    let row_start = page.body.find("<code>customers.deactivate</code>").unwrap();
    let row = &page.body[row_start..row_start + page.body[row_start..].find("</tr>").unwrap()];
    let marks: Vec<bool> = row.match_indices("class=\"yes\"").map(|_| true).collect();
    assert_eq!(marks.len(), 2, "admin and HQ manager only: {row}");
}
