//! Demo and benchmark data for the catalogue: an item group tree, brands, and items with
//! realistic names and prices (`seed` makes 400; `bulk` makes any number set-based, for the
//! search benchmark at 100,000).

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};
use rust_decimal::Decimal;

use super::model::{self, ItemFields, ItemGroupFields};

/// Items the demo data holds.
pub const DEMO_ITEMS: usize = 400;

/// Groups (name, parent) made under "All Item Groups", parents first.
const GROUPS: [(&str, Option<&str>); 9] = [
    ("Apparel", None),
    ("Tops", Some("Apparel")),
    ("Bottoms", Some("Apparel")),
    ("Footwear", None),
    ("Accessories", None),
    ("Home", None),
    ("Grocery", None),
    ("Beverages", Some("Grocery")),
    ("Snacks", Some("Grocery")),
];

/// Brands.
const BRANDS: [&str; 10] = [
    "Northwind",
    "Harbor & Pine",
    "Urban Trail",
    "Lumen",
    "Casa Verde",
    "Alpine Co.",
    "Maison Blanc",
    "Fieldstone",
    "Sunny Farms",
    "Copper Kettle",
];

/// Per leaf group: code prefix, products with a base price in cents, words that vary them,
/// brands (indexes into BRANDS) and unit.
type Line = (
    &'static str,
    &'static str,
    &'static [(&'static str, i64)],
    &'static [&'static str],
    &'static [usize],
    &'static str,
);

const LINES: [Line; 7] = [
    (
        "Tops",
        "TOP",
        &[
            ("T-Shirt", 1499),
            ("Polo Shirt", 2499),
            ("Oxford Shirt", 3999),
            ("Hoodie", 4499),
            ("Sweater", 4999),
            ("Tank Top", 1299),
        ],
        &[
            "Classic",
            "Slim Fit",
            "Organic Cotton",
            "Striped",
            "Heather Grey",
            "Navy",
            "Relaxed",
        ],
        &[0, 1, 2, 6],
        "Nos",
    ),
    (
        "Bottoms",
        "BTM",
        &[
            ("Chinos", 3999),
            ("Denim Jeans", 5499),
            ("Cargo Shorts", 2999),
            ("Joggers", 3499),
            ("Pleated Skirt", 3299),
        ],
        &[
            "Classic", "Slim Fit", "Stretch", "Black", "Indigo", "Khaki", "Relaxed",
        ],
        &[0, 1, 2],
        "Nos",
    ),
    (
        "Footwear",
        "FTW",
        &[
            ("Running Shoes", 7999),
            ("Leather Boots", 12999),
            ("Canvas Sneakers", 4999),
            ("Sandals", 2999),
            ("Loafers", 8999),
        ],
        &[
            "Trail",
            "Everyday",
            "Waterproof",
            "White",
            "Brown",
            "Lightweight",
        ],
        &[2, 5, 7],
        "Pair",
    ),
    (
        "Accessories",
        "ACC",
        &[
            ("Leather Belt", 2999),
            ("Wool Scarf", 2499),
            ("Baseball Cap", 1999),
            ("Backpack", 5999),
            ("Sunglasses", 3499),
            ("Wallet", 3999),
        ],
        &["Classic", "Travel", "Black", "Tan", "Recycled", "Compact"],
        &[0, 1, 5, 6],
        "Nos",
    ),
    (
        "Home",
        "HOM",
        &[
            ("Scented Candle", 1899),
            ("Throw Pillow", 2499),
            ("Ceramic Mug", 999),
            ("Cotton Towel", 1499),
            ("Table Lamp", 4999),
            ("Glass Vase", 2999),
        ],
        &[
            "Linen",
            "Sage",
            "Terracotta",
            "Minimal",
            "Vanilla",
            "Ocean",
            "Stoneware",
        ],
        &[3, 4, 6],
        "Nos",
    ),
    (
        "Beverages",
        "BEV",
        &[
            ("Ground Coffee 500g", 899),
            ("Green Tea 20 Bags", 399),
            ("Orange Juice 1L", 349),
            ("Sparkling Water 6x1L", 499),
            ("Cold Brew 250ml", 299),
        ],
        &["Organic", "Fair Trade", "Decaf", "Premium", "Morning"],
        &[8, 9],
        "Nos",
    ),
    (
        "Snacks",
        "SNK",
        &[
            ("Dark Chocolate 100g", 249),
            ("Trail Mix", 1299),
            ("Sea Salt Crisps", 199),
            ("Granola Bar", 129),
            ("Roasted Almonds", 1599),
        ],
        &["Organic", "Honey", "Spicy", "Classic", "Family Size"],
        &[8, 9],
        "Kg",
    ),
];

/// Makes the groups and brands that are missing; returns the group ids of `LINES` and the
/// brand ids of `BRANDS`, in order.
fn ensure_groups_and_brands(conn: &mut PgConnection) -> QueryResult<(Vec<i64>, Vec<i64>)> {
    let root = model::root_item_group_id(conn)?;
    for (name, parent) in GROUPS {
        let known = model::group_ids_by_name(conn)?;
        if known.iter().any(|(n, _)| *n == name.to_lowercase()) {
            continue;
        }
        let parent_id = match parent {
            Some(p) => known
                .iter()
                .find(|(n, _)| *n == p.to_lowercase())
                .map(|(_, id)| *id),
            None => Some(root),
        };
        model::insert_item_group(
            conn,
            &ItemGroupFields {
                name: name.into(),
                parent_id,
            },
        )?;
    }
    for brand in BRANDS {
        if !model::brand_ids_by_name(conn)?
            .iter()
            .any(|(n, _)| *n == brand.to_lowercase())
        {
            model::insert_brand(conn, brand)?;
        }
    }
    let groups = model::group_ids_by_name(conn)?;
    let brands = model::brand_ids_by_name(conn)?;
    let id_of = |list: &[(String, i64)], name: &str| {
        list.iter()
            .find(|(n, _)| *n == name.to_lowercase())
            .map(|(_, id)| *id)
            .unwrap_or(root)
    };
    Ok((
        LINES.iter().map(|l| id_of(&groups, l.0)).collect(),
        BRANDS.iter().map(|b| id_of(&brands, b)).collect(),
    ))
}

/// The `n`th synthetic item (deterministic): code, name, line index, brand index, price in cents.
fn nth(n: usize) -> (String, String, usize, usize, i64) {
    let line = &LINES[n % LINES.len()];
    let k = n / LINES.len();
    let (product, cents) = line.2[k % line.2.len()];
    let word = line.3[(k / line.2.len()) % line.3.len()];
    let brand = line.4[(k / (line.2.len() * line.3.len()) + k) % line.4.len()];
    let step = i64::try_from(k % 5).unwrap_or(0) * 100;
    (
        format!("{}-{:05}", line.1, k + 1),
        format!("{word} {product}"),
        n % LINES.len(),
        brand,
        cents + step,
    )
}

/// Adds the 400 demo items (and their groups and brands) unless items exist already.
pub fn seed(conn: &mut PgConnection) -> QueryResult<usize> {
    let (groups, brands) = ensure_groups_and_brands(conn)?;
    if !model::existing_codes(conn, &[nth(0).0])?.is_empty() {
        return Ok(0);
    }
    let rows: Vec<(ItemFields, bool)> = (0..DEMO_ITEMS)
        .map(|n| {
            let (item_code, name, line, brand, cents) = nth(n);
            let fields = ItemFields {
                item_code,
                name,
                item_group_id: groups[line],
                brand_id: Some(brands[brand]),
                standard_rate: Decimal::new(cents, 2),
                unit: LINES[line].5.to_owned(),
            };
            (fields, n % 50 != 49)
        })
        .collect();
    model::insert_many(conn, &rows)
}

/// Adds `count` synthetic items in set-based batches of 10,000 (codes BULK-0000001, ...),
/// reporting how many are made so far.
pub fn bulk(conn: &mut PgConnection, count: i64, mut progress: impl FnMut(i64)) -> QueryResult<()> {
    let (groups, brands) = ensure_groups_and_brands(conn)?;
    let words: Vec<String> = LINES
        .iter()
        .flat_map(|l| l.3.iter().map(|w| (*w).to_owned()))
        .collect();
    let products: Vec<String> = LINES
        .iter()
        .flat_map(|l| l.2.iter().map(|p| p.0.to_owned()))
        .collect();
    let start: i64 =
        diesel::sql_query("SELECT count(*) AS n FROM items WHERE item_code LIKE 'BULK-%'")
            .get_result::<Count>(conn)?
            .n;
    let mut made = 0;
    while made < count {
        let batch = (count - made).min(10_000);
        // Numbered at once rather than left to the sequencer: bulk data is made before tills
        // sync, and the rows would otherwise be written twice.
        diesel::sql_query(
            "INSERT INTO items (item_code, name, item_group_id, brand_id, standard_rate, unit, \
                                change_seq) \
             SELECT 'BULK-' || lpad(n::text, 7, '0'), \
                    $1[1 + (n * 7) % array_length($1, 1)] || ' ' || $2[1 + n % array_length($2, 1)] || ' ' || n, \
                    $3[1 + n % array_length($3, 1)], $4[1 + (n / 3) % array_length($4, 1)], \
                    round((199 + (n * 7919) % 20000) / 100.0, 2), 'Nos', \
                    nextval('sync_change_seq') \
             FROM generate_series($5 + 1, $5 + $6) AS n",
        )
        .bind::<Array<Text>, _>(&words)
        .bind::<Array<Text>, _>(&products)
        .bind::<Array<BigInt>, _>(&groups)
        .bind::<Array<BigInt>, _>(&brands)
        .bind::<BigInt, _>(start + made)
        .bind::<BigInt, _>(batch)
        .execute(conn)?;
        made += batch;
        progress(made);
    }
    diesel::sql_query("ANALYZE items").execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_items_have_unique_codes_and_plausible_names() {
        let items: Vec<_> = (0..DEMO_ITEMS).map(nth).collect();
        let codes: std::collections::HashSet<&String> = items.iter().map(|i| &i.0).collect();
        assert_eq!(codes.len(), DEMO_ITEMS);
        assert_eq!(items[0].1, "Classic T-Shirt");
        assert!(items.iter().all(|i| i.4 > 0));
    }
}
