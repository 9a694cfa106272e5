//! The names of the records a segment's filters point at, for its sentences: items with their
//! code, coupons by code, the rest by name. A record gone or unknown reads as its id.

use std::collections::HashMap;

use diesel::prelude::*;
use patron_rules::segments::Named;

use crate::db::schema::{
    brands, coupons, customer_groups, item_groups, items, loyalty_programs, loyalty_tiers, offers,
    stores, territories,
};

/// The name of each of `named`.
pub fn of(conn: &mut PgConnection, named: &[Named]) -> QueryResult<HashMap<Named, String>> {
    let mut out = HashMap::new();
    for n in named {
        let found: Option<String> = match *n {
            Named::CustomerGroup(id) => customer_groups::table
                .find(id)
                .select(customer_groups::name)
                .first(conn)
                .optional()?,
            Named::Territory(id) => territories::table
                .find(id)
                .select(territories::name)
                .first(conn)
                .optional()?,
            Named::Store(id) => stores::table
                .find(id)
                .select(stores::name)
                .first(conn)
                .optional()?,
            Named::Program(id) => loyalty_programs::table
                .find(id)
                .select(loyalty_programs::name)
                .first(conn)
                .optional()?,
            Named::Tier(id) => loyalty_tiers::table
                .inner_join(loyalty_programs::table)
                .filter(loyalty_tiers::id.eq(id))
                .select((loyalty_tiers::name, loyalty_programs::name))
                .first::<(String, String)>(conn)
                .optional()?
                .map(|(tier, program)| format!("{tier} ({program})")),
            Named::Item(id) => items::table
                .find(id)
                .select((items::name, items::item_code))
                .first::<(String, String)>(conn)
                .optional()?
                .map(|(name, code)| format!("{name} ({code})")),
            Named::ItemGroup(id) => item_groups::table
                .find(id)
                .select(item_groups::name)
                .first(conn)
                .optional()?,
            Named::Brand(id) => brands::table
                .find(id)
                .select(brands::name)
                .first(conn)
                .optional()?,
            Named::Offer(id) => offers::table
                .find(id)
                .select(offers::title)
                .first(conn)
                .optional()?,
            Named::Coupon(id) => coupons::table
                .find(id)
                .select(coupons::code)
                .first(conn)
                .optional()?,
        };
        out.insert(*n, found.unwrap_or_else(|| format!("#{}", id_of(*n))));
    }
    Ok(out)
}

fn id_of(n: Named) -> i64 {
    match n {
        Named::CustomerGroup(id)
        | Named::Territory(id)
        | Named::Store(id)
        | Named::Program(id)
        | Named::Tier(id)
        | Named::Item(id)
        | Named::ItemGroup(id)
        | Named::Brand(id)
        | Named::Offer(id)
        | Named::Coupon(id) => id,
    }
}
