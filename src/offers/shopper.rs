//! What the engine needs to know about who buys: the customer's group with its ancestors (an
//! offer for a group includes its subgroups) and that group's default discount.

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
    })
}
