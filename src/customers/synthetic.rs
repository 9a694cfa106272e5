//! Synthetic customers for demos and benchmarks, made set-based in SQL (one INSERT ... SELECT
//! per batch, never row by row) so that a million take a minute or two, not an afternoon.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable};

const FIRST_NAMES: &[&str] = &[
    "Ana", "José", "María", "Liam", "Olivia", "Noah", "Emma", "Zoë", "Lucas", "Mia", "Ethan",
    "Sofía", "Amelia", "Oliver", "Chloé", "Mateo", "Isabella", "Hannah", "Jürgen", "Aisha", "Wei",
    "Yuki", "Priya", "Omar", "Fatima", "Elena", "Luca", "Giulia", "Sven", "Ingrid", "Pierre",
    "Camille", "Tomás", "Inés", "Ryan", "Grace", "Daniel", "Léa", "Kwame", "Nia",
];
const LAST_NAMES: &[&str] = &[
    "García",
    "Smith",
    "Johnson",
    "Müller",
    "Núñez",
    "Brown",
    "Rossi",
    "Dubois",
    "Kowalski",
    "Nguyen",
    "Kim",
    "Patel",
    "Silva",
    "Jensen",
    "O'Brien",
    "Martínez",
    "Schmidt",
    "Lefèvre",
    "Andersson",
    "Tanaka",
    "Okafor",
    "Haddad",
    "Costa",
    "Novak",
    "Fischer",
    "López",
    "Walker",
    "Young",
    "Hernández",
    "Moreau",
    "Bianchi",
    "Yilmaz",
    "Cohen",
    "Ivanova",
    "Murphy",
    "Singh",
];
const CITIES: &[&str] = &[
    "Springfield",
    "Riverside",
    "Fairview",
    "Madison",
    "Georgetown",
    "Franklin",
    "Clinton",
    "Salem",
    "Greenville",
    "Bristol",
    "Ashland",
    "Oxford",
    "Milton",
    "Dover",
    "Hudson",
];
const STREETS: &[&str] = &[
    "Main Street",
    "Oak Avenue",
    "Maple Drive",
    "Cedar Lane",
    "Elm Street",
    "Park Road",
    "Lake View",
    "Hill Street",
    "Church Lane",
    "Station Road",
    "Mill Lane",
    "High Street",
];

fn sql_array(items: &[&str]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| format!("'{}'", s.replace('\'', "''")))
        .collect();
    format!("ARRAY[{}]", quoted.join(", "))
}

/// Adds `count` customers spread over `group_ids`, `territory_ids` and `store_ids` (a `None`
/// there means created at HQ), in batches, calling `progress` with the number made so far.
/// `start` numbers them so that later batches make new emails and phones.
pub fn add_customers(
    conn: &mut PgConnection,
    count: i64,
    group_ids: &[i64],
    territory_ids: &[i64],
    store_ids: &[Option<i64>],
    mut progress: impl FnMut(i64),
) -> QueryResult<()> {
    const BATCH: i64 = 20_000;
    let start: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
        "coalesce(max(id), 0) FROM customers",
    ))
    .get_result(conn)?;
    let sql = format!(
        "INSERT INTO customers (uuid, first_name, last_name, customer_group_id, territory_id, mobile,
             email, address_line1, city, postcode, country_code, credit_limit, origin_store_id, created_at)
         SELECT gen_random_uuid(), f.first, l.last,
             ($3::bigint[])[1 + (g / 13) % cardinality($3::bigint[])],
             ($4::bigint[])[1 + (g / 7) % cardinality($4::bigint[])],
             '+1 ' || lpad(((g * 7919) % 1000)::text, 3, '0') || ' 555 ' || lpad((g % 10000)::text, 4, '0'),
             lower(unaccent(f.first || '.' || replace(l.last, '''', ''))) || g || '@example.com',
             (1 + g % 240) || ' ' || ({streets})[1 + g % {n_streets}],
             ({cities})[1 + (g / 3) % {n_cities}],
             lpad((10000 + g % 89999)::text, 5, '0'),
             'US',
             ((g % 5) * 250)::numeric,
             ($5::bigint[])[1 + (g / 11) % cardinality($5::bigint[])],
             now() - ((g % 1000) || ' days')::interval
         FROM generate_series($1::bigint, $2::bigint) AS g,
             LATERAL (SELECT ({firsts})[1 + (g * 31) % {n_firsts}] AS first) f,
             LATERAL (SELECT ({lasts})[1 + (g * 17) % {n_lasts}] AS last) l",
        streets = sql_array(STREETS),
        n_streets = STREETS.len(),
        cities = sql_array(CITIES),
        n_cities = CITIES.len(),
        firsts = sql_array(FIRST_NAMES),
        n_firsts = FIRST_NAMES.len(),
        lasts = sql_array(LAST_NAMES),
        n_lasts = LAST_NAMES.len(),
    );
    let mut made = 0;
    while made < count {
        let size = BATCH.min(count - made);
        let from = start + made + 1;
        diesel::sql_query(&sql)
            .bind::<BigInt, _>(from)
            .bind::<BigInt, _>(from + size - 1)
            .bind::<Array<BigInt>, _>(group_ids)
            .bind::<Array<BigInt>, _>(territory_ids)
            .bind::<Array<Nullable<BigInt>>, _>(store_ids)
            .execute(conn)?;
        made += size;
        progress(made);
    }
    Ok(())
}
