//! Data Patron needs before anyone signs in: the first administrator, and
//! the demo data (`patron seed --demo`, loaded automatically into an empty embedded database).

use diesel::prelude::*;
use patron_rules::users::{Role, check_password};
use rand::Rng;
use rand::distr::Alphanumeric;

use crate::customers::synthetic;
use crate::kernel::Actor;
use crate::kernel::passwords::hash_blocking;
use crate::stores::model as stores;
use crate::trees::model::groups;
use crate::users::forms::EmailAddress;
use crate::users::model::{self as users, NewUser};

/// A sign-in made by seeding, to print once.
#[derive(Debug, Clone)]
pub struct Credential {
    /// Email.
    pub email: String,
    /// Password in clear (printed once, stored only hashed).
    pub password: String,
    /// Role label.
    pub role: &'static str,
}

/// A random password people can type: 16 letters and digits.
pub fn random_password() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

/// Creates a user (from the command line or seeding), audited as `actor`.
pub fn add_user(
    conn: &mut PgConnection,
    actor: &Actor,
    email: &str,
    name: &str,
    role: Role,
    store_code: Option<&str>,
    password: &str,
) -> anyhow::Result<users::User> {
    let email = EmailAddress::parse(email).map_err(anyhow::Error::msg)?;
    check_password(password).map_err(anyhow::Error::msg)?;
    let store_id = match store_code {
        Some(code) => Some(
            stores::find_by_code(conn, code)?
                .ok_or_else(|| anyhow::anyhow!("no store has the code {code}"))?
                .id,
        ),
        None if role.needs_store() => anyhow::bail!("a store supervisor needs --store CODE"),
        None => None,
    };
    let hash = hash_blocking(password).map_err(|e| anyhow::anyhow!("{e}"))?;
    conn.transaction(|conn| {
        let user = users::create(
            conn,
            &NewUser {
                email: email.as_str(),
                name,
                password_hash: &hash,
                role: role.as_str(),
                store_id,
            },
            actor,
        )?;
        Ok(user)
    })
}

/// Creates the first administrator when there is no user at all. The password comes from
/// settings, or is made up and returned for printing.
pub fn first_admin(
    conn: &mut PgConnection,
    email: Option<&str>,
    password: Option<&str>,
) -> anyhow::Result<Option<Credential>> {
    if users::count_all(conn)? > 0 {
        return Ok(None);
    }
    let email = email.unwrap_or("admin@example.com");
    let password = password.map_or_else(random_password, str::to_owned);
    add_user(
        conn,
        &Actor::System("first run"),
        email,
        "Administrator",
        Role::Admin,
        None,
        &password,
    )?;
    Ok(Some(Credential {
        email: email.to_owned(),
        password,
        role: Role::Admin.label(),
    }))
}

/// Demo customer groups under "All Customers".
const DEMO_GROUPS: [(&str, u32); 4] = [
    ("Individual", 0),
    ("Corporate", 5),
    ("VIP", 10),
    ("Wholesale", 15),
];

/// Demo territories: (name, parent).
const DEMO_TERRITORIES: [(&str, &str); 8] = [
    ("North America", groups::ROOT_TERRITORY),
    ("United States", "North America"),
    ("Canada", "North America"),
    ("Europe", groups::ROOT_TERRITORY),
    ("United Kingdom", "Europe"),
    ("Germany", "Europe"),
    ("Spain", "Europe"),
    ("Asia Pacific", groups::ROOT_TERRITORY),
];

/// Invoices the demo data holds (two years of sales, with returns and cancellations).
pub const DEMO_INVOICES: i64 = 50_000;

/// Customers the demo data holds.
pub const DEMO_CUSTOMERS: i64 = 2_000;

/// Demo groups and territories (unless present); returns the ids customers are spread over.
pub fn demo_trees(conn: &mut PgConnection) -> anyhow::Result<(Vec<i64>, Vec<i64>)> {
    let root_group = groups::root_group_id(conn)?;
    let mut group_ids = Vec::new();
    for (name, discount) in DEMO_GROUPS {
        let group = match groups::group_by_name(conn, name)? {
            Some(group) => group,
            None => groups::insert_group(
                conn,
                &groups::GroupFields {
                    name: name.to_owned(),
                    parent_id: Some(root_group),
                    default_discount: rust_decimal::Decimal::from(discount),
                    notes: String::new(),
                },
            )?,
        };
        group_ids.push(group.id);
    }
    let mut territory_ids = Vec::new();
    for (name, parent) in DEMO_TERRITORIES {
        let parent_id = groups::territory_by_name(conn, parent)?.map(|t| t.id);
        let territory = match groups::territory_by_name(conn, name)? {
            Some(territory) => territory,
            None => groups::insert_territory(
                conn,
                &groups::TerritoryFields {
                    name: name.to_owned(),
                    parent_id,
                },
            )?,
        };
        territory_ids.push(territory.id);
    }
    Ok((group_ids, territory_ids))
}

/// The stores customers are spread over: HQ (`None`) and every active store.
pub fn customer_origins(conn: &mut PgConnection) -> anyhow::Result<Vec<Option<i64>>> {
    let mut origins = vec![None];
    origins.extend(stores::list_active(conn)?.into_iter().map(|s| Some(s.id)));
    Ok(origins)
}

/// Adds `count` synthetic customers over the demo groups and territories, reporting progress.
pub fn customers(
    conn: &mut PgConnection,
    count: i64,
    progress: impl FnMut(i64),
) -> anyhow::Result<()> {
    let (group_ids, territory_ids) = demo_trees(conn)?;
    let origins = customer_origins(conn)?;
    synthetic::add_customers(conn, count, &group_ids, &territory_ids, &origins, progress)?;
    Ok(())
}

/// What the demo data made that must be shown once.
#[derive(Debug, Default)]
pub struct Demo {
    /// Users made, with their passwords.
    pub credentials: Vec<Credential>,
    /// Terminal tokens made, as (store code, token).
    pub tokens: Vec<(String, String)>,
}

/// Demo data: a company with five stores and their POS profiles, one user per role, customer
/// groups, territories, 2,000 customers, 400 items, 50,000 invoices, sales persons and a
/// terminal token per store.
/// Existing rows are left alone, so running it twice adds nothing.
pub fn demo(conn: &mut PgConnection) -> anyhow::Result<Demo> {
    crate::stores::demo::stores(conn)?;
    crate::loyalty::program_demo::seed(conn)?;
    if crate::customers::model::count_active(conn)? == 0 {
        customers(conn, DEMO_CUSTOMERS, |_| {})?;
    }
    crate::stores::demo::customer_defaults(conn)?;
    crate::catalog::demo::seed(conn)?;
    crate::coupons::demo::seed(conn)?;
    if crate::sales::model::count(conn)? == 0 {
        crate::sales::synthetic::add_invoices(
            &mut [conn],
            DEMO_INVOICES,
            crate::sales::synthetic::BATCH,
            |_| {},
        )?;
        crate::reports::rebuild::rebuild(conn, None, |_, _| {})?;
    }
    let walk_in = crate::customers::demo::walk_in_customer(conn)?;
    let tokens = crate::stores::demo::profiles(conn, walk_in)?;
    crate::loyalty::program_demo::members(conn)?;
    let people = [
        ("hq@example.com", "Hannah Quinn", Role::HqManager, None),
        (
            "supervisor@example.com",
            "Sam Ortiz",
            Role::StoreSupervisor,
            Some("DOWNTOWN"),
        ),
        ("marketing@example.com", "Mia Keller", Role::Marketing, None),
    ];
    let mut made = Vec::new();
    for (email, name, role, store) in people {
        if users::find_by_email(conn, email)?.is_some() {
            continue;
        }
        let password = random_password();
        add_user(
            conn,
            &Actor::System("demo data"),
            email,
            name,
            role,
            store,
            &password,
        )?;
        made.push(Credential {
            email: email.to_owned(),
            password,
            role: role.label(),
        });
    }
    Ok(Demo {
        credentials: made,
        tokens,
    })
}

/// The demo terminal tokens, for trying the API.
pub fn print_tokens(base_url: &str, tokens: &[(String, String)]) {
    if tokens.is_empty() {
        return;
    }
    println!("Terminal tokens for trying the API (shown once), e.g.");
    println!("  curl -H 'Authorization: Bearer TOKEN' {base_url}/api/v1/terminal/profile");
    for (store, token) in tokens {
        println!("  {store:<10} {token}");
    }
    println!();
}

/// The credentials as a table for the console.
pub fn print_credentials(base_url: &str, credentials: &[Credential]) {
    if credentials.is_empty() {
        return;
    }
    println!(
        "\nSign in at {base_url}/login with (shown once; `patron user passwd EMAIL` resets one):"
    );
    for c in credentials {
        println!("  {:<26} {:<18} {}", c.email, c.role, c.password);
    }
    println!();
}
