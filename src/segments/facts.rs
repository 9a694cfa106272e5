//! The facts segments count over (`customer_facts`, migration `customer_facts`): where a
//! company's stored year ends, and moving it to a new day. The fold keeps each customer's row
//! exact after their sales; the triggers keep their own columns.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer};

use super::query::Scope;
use crate::db::schema::{customer_fact_years, customer_facts};

/// What a segment of `company` on its day `today` is counted against.
pub fn scope(conn: &mut PgConnection, company: i64, today: NaiveDate) -> QueryResult<Scope> {
    let year_end = customer_fact_years::table
        .find(company)
        .select(customer_fact_years::last_day)
        .first(conn)
        .optional()?;
    Ok(Scope {
        company,
        today,
        year_end,
    })
}

/// The id from which on `company` has its `newest` newest customers (0 when it has fewer).
pub fn newest_from(conn: &mut PgConnection, company: i64, newest: i64) -> QueryResult<i64> {
    Ok(customer_facts::table
        .filter(customer_facts::company_id.eq(company))
        .order(customer_facts::customer_id.desc())
        .offset(newest - 1)
        .select(customer_facts::customer_id)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Folds the sales noted so far, then moves `company`'s stored year to end on `day` (what
/// entered and left it; under the fold's lock, held until the caller's transaction ends).
/// Returns how many customers' year changed.
pub fn shift(conn: &mut PgConnection, company: i64, day: NaiveDate) -> QueryResult<i32> {
    #[derive(QueryableByName)]
    struct Changed {
        #[diesel(sql_type = Integer)]
        n: i32,
    }
    crate::db::fold::fold(conn)?;
    Ok(
        diesel::sql_query("SELECT shift_customer_facts($1, $2) AS n")
            .bind::<BigInt, _>(company)
            .bind::<Date, _>(day)
            .get_result::<Changed>(conn)?
            .n,
    )
}
