//! Names and pages of the records a page of audit entries mentions: one query per kind of
//! record for the whole page, never one per entry.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text};

/// A record as the log shows it: its name and, where it has one, its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// "Jane Doe", "Harbor Point".
    pub name: String,
    /// "/customers/42".
    pub href: Option<String>,
    /// Where a user works: their store's name, or "HQ".
    pub place: Option<String>,
}

/// The names read for one page, by (kind, id).
#[derive(Debug, Default)]
pub struct Names(HashMap<(&'static str, i64), Named>);

impl Names {
    /// Record `id` of `kind`, if it exists.
    pub fn get(&self, kind: &str, id: i64) -> Option<&Named> {
        let kind = QUERIES.iter().find(|(k, _)| *k == kind)?.0;
        self.0.get(&(kind, id))
    }
}

/// For each kind: the query answering `id, name, href, place` for the ids bound as `$1`.
const QUERIES: [(&str, &str); 23] = [
    (
        "customer",
        "SELECT id, coalesce(nullif(trim(first_name || ' ' || last_name), ''), code) AS name, \
         '/customers/' || id AS href, NULL AS place FROM customers WHERE id = ANY($1)",
    ),
    (
        "user",
        "SELECT u.id, u.name, '/users/' || u.id AS href, coalesce(s.name, 'HQ') AS place \
         FROM users u LEFT JOIN stores s ON s.id = u.store_id WHERE u.id = ANY($1)",
    ),
    (
        "store",
        "SELECT id, name, '/stores/' || id AS href, NULL AS place FROM stores WHERE id = ANY($1)",
    ),
    (
        "company",
        "SELECT id, name, '/companies/' || id AS href, NULL AS place FROM companies \
         WHERE id = ANY($1)",
    ),
    (
        "loyalty_program",
        "SELECT id, name, '/loyalty/programs/' || id AS href, NULL AS place \
         FROM loyalty_programs WHERE id = ANY($1)",
    ),
    (
        "item",
        "SELECT id, name || ' (' || item_code || ')' AS name, '/items/' || id AS href, \
         NULL AS place FROM items WHERE id = ANY($1)",
    ),
    (
        "sales_person",
        "SELECT id, name, '/sales-persons/' || id AS href, NULL AS place FROM sales_persons \
         WHERE id = ANY($1)",
    ),
    (
        "customer_group",
        "SELECT id, name, '/customer-groups/' || id AS href, NULL AS place FROM customer_groups \
         WHERE id = ANY($1)",
    ),
    (
        "territory",
        "SELECT id, name, '/territories/' || id AS href, NULL AS place FROM territories \
         WHERE id = ANY($1)",
    ),
    (
        "item_group",
        "SELECT id, name, '/item-groups/' || id AS href, NULL AS place FROM item_groups \
         WHERE id = ANY($1)",
    ),
    (
        "brand",
        "SELECT id, name, '/brands/' || id AS href, NULL AS place FROM brands WHERE id = ANY($1)",
    ),
    (
        "invoice",
        "SELECT id, number AS name, '/invoices/' || uuid AS href, NULL AS place FROM invoices \
         WHERE id = ANY($1)",
    ),
    (
        "gift_card",
        "SELECT id, 'Gift card ' || number AS name, '/gift-cards/' || id AS href, NULL AS place \
         FROM gift_cards WHERE id = ANY($1)",
    ),
    (
        "offer",
        "SELECT id, title AS name, '/offers/' || id AS href, NULL AS place FROM offers \
         WHERE id = ANY($1)",
    ),
    (
        "campaign",
        "SELECT id, name, '/campaigns/' || id AS href, NULL AS place FROM campaigns \
         WHERE id = ANY($1)",
    ),
    (
        "coupon",
        "SELECT id, code || ' (' || name || ')' AS name, '/coupons/' || id AS href, \
         NULL AS place FROM coupons WHERE id = ANY($1)",
    ),
    (
        "coupon_batch",
        "SELECT id, name || ' (' || requested || ' codes)' AS name, \
         '/coupons/batches/' || id AS href, NULL AS place FROM coupon_batches WHERE id = ANY($1)",
    ),
    (
        "pos_profile",
        "SELECT p.id, 'POS profile of ' || s.name AS name, '/stores/' || s.id || '/profile' AS href, \
         NULL AS place FROM pos_profiles p JOIN stores s ON s.id = p.store_id WHERE p.id = ANY($1)",
    ),
    (
        "terminal_token",
        "SELECT t.id, t.label || ' at ' || s.name AS name, '/stores/' || s.id || '/tokens' AS href, \
         NULL AS place FROM terminal_tokens t JOIN stores s ON s.id = t.store_id WHERE t.id = ANY($1)",
    ),
    (
        "delivery_charge",
        "SELECT d.id, d.label || ' at ' || s.name AS name, \
         '/stores/' || s.id || '/delivery-charges' AS href, NULL AS place \
         FROM delivery_charges d JOIN pos_profiles p ON p.id = d.pos_profile_id \
         JOIN stores s ON s.id = p.store_id WHERE d.id = ANY($1)",
    ),
    (
        "customer_import",
        "SELECT id, file_name AS name, '/customers/import/' || id AS href, NULL AS place \
         FROM imports WHERE id = ANY($1)",
    ),
    (
        "item_import",
        "SELECT id, file_name AS name, '/items/import/' || id AS href, NULL AS place \
         FROM imports WHERE id = ANY($1)",
    ),
    (
        "loyalty_opening_import",
        "SELECT id, file_name AS name, '/loyalty/import/' || id AS href, NULL AS place \
         FROM imports WHERE id = ANY($1)",
    ),
];

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    href: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    place: Option<String>,
}

/// Reads the names of `wanted` (kind, id), one query per kind; unknown kinds are skipped.
pub fn resolve(conn: &mut PgConnection, wanted: &BTreeSet<(&str, i64)>) -> QueryResult<Names> {
    let mut by_kind: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for (kind, id) in wanted {
        by_kind.entry(kind).or_default().push(*id);
    }
    let mut names = Names::default();
    for (kind, sql) in QUERIES {
        let Some(ids) = by_kind.remove(kind) else {
            continue;
        };
        let rows: Vec<Row> = diesel::sql_query(sql)
            .bind::<Array<BigInt>, _>(ids)
            .load(conn)?;
        for row in rows {
            names.0.insert(
                (kind, row.id),
                Named {
                    name: row.name,
                    href: row.href,
                    place: row.place,
                },
            );
        }
    }
    Ok(names)
}
