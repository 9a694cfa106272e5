//! What the engine needs to know about who buys: the customer's group with its ancestors (an
//! offer for a group includes its subgroups), that group's default discount, and the segments
//! they are in (read only when some offer is aimed at a segment).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Numeric};
use rust_decimal::Decimal;

/// The customer, as offers see them.
#[derive(Debug, Clone, Default)]
pub struct Shopper {
    /// Their group first, then its ancestors up to the root.
    pub groups: Vec<i64>,
    /// Their group's default discount percentage.
    pub default_discount: Decimal,
    /// The segments they are in as of each one's last snapshot (empty unless asked for).
    pub segments: Vec<i64>,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Numeric)]
    default_discount: Decimal,
}

/// Customer `customer_id` as offers see them.
pub fn of_customer(conn: &mut PgConnection, customer_id: i64) -> QueryResult<Shopper> {
    let rows: Vec<Row> = diesel::sql_query(
        "WITH RECURSIVE up (id, parent_id, default_discount, depth) AS ( \
             SELECT g.id, g.parent_id, g.default_discount, 0 FROM customers c \
             JOIN customer_groups g ON g.id = c.customer_group_id WHERE c.id = $1 \
           UNION ALL \
             SELECT g.id, g.parent_id, g.default_discount, up.depth + 1 \
             FROM customer_groups g JOIN up ON g.id = up.parent_id WHERE up.depth < 64) \
         SELECT id, default_discount FROM up ORDER BY depth",
    )
    .bind::<BigInt, _>(customer_id)
    .load(conn)?;
    Ok(Shopper {
        default_discount: rows.first().map_or(Decimal::ZERO, |r| r.default_discount),
        groups: rows.into_iter().map(|r| r.id).collect(),
        segments: Vec::new(),
    })
}

/// Customer `customer_id` as offers see them, with their segments when `segments` (some offer
/// in force is aimed at one): one more indexed lookup then, none otherwise.
pub fn of_customer_with(
    conn: &mut PgConnection,
    customer_id: i64,
    segments: bool,
) -> QueryResult<Shopper> {
    let mut shopper = of_customer(conn, customer_id)?;
    if segments {
        shopper.segments = super::model::segments::of_customer(conn, customer_id)?;
    }
    Ok(shopper)
}
