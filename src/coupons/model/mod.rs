//! Coupons as stored: looking one up by code for the validation chain, counting a use with one
//! conditional UPDATE, and the redemptions that record who used it on which invoice.

pub mod batch;
pub mod for_customers;
pub mod queries;
pub mod store;

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use patron_rules::CustomerId;
use patron_rules::coupons::{Coupon, CouponType};

use crate::db::schema::{coupon_redemptions, coupons};

/// A coupon row as the chain and the invoice step need it.
#[derive(Debug, Clone)]
pub struct Found {
    /// Its id.
    pub id: i64,
    /// The offer it makes eligible.
    pub offer_id: i64,
    /// Coupon Name.
    pub name: String,
    /// What the chain reads.
    pub coupon: Coupon,
}

type FoundRow = (
    i64,
    i64,
    String,
    String,
    i64,
    String,
    Option<chrono::NaiveDate>,
    Option<chrono::NaiveDate>,
    i32,
    i32,
    bool,
    Option<i64>,
    bool,
);

/// The coupon with `code` (already normalised), preferring the one of `company` when two
/// companies use the same code; none when no company has it.
pub fn find(conn: &mut PgConnection, company: i64, code: &str) -> QueryResult<Option<Found>> {
    let rows: Vec<FoundRow> = coupons::table
        .filter(coupons::code.eq(code))
        .select((
            coupons::id,
            coupons::offer_id,
            coupons::name,
            coupons::code,
            coupons::company_id,
            coupons::coupon_type,
            coupons::valid_from,
            coupons::valid_upto,
            coupons::maximum_use,
            coupons::used,
            coupons::disabled,
            coupons::customer_id,
            coupons::one_use,
        ))
        .load(conn)?;
    let row = rows
        .iter()
        .find(|row| row.4 == company)
        .or(rows.first())
        .cloned();
    Ok(row.map(
        |(
            id,
            offer_id,
            name,
            code,
            company_id,
            coupon_type,
            valid_from,
            valid_upto,
            maximum_use,
            used,
            disabled,
            customer_id,
            one_use,
        )| Found {
            id,
            offer_id,
            name,
            coupon: Coupon {
                code,
                company_id,
                coupon_type: CouponType::from_stored(&coupon_type),
                valid_from,
                valid_upto,
                maximum_use,
                used,
                disabled,
                customer_id,
                one_use,
            },
        },
    ))
}

/// Whether `customer` holds a live (not cancelled) One Use redemption of `coupon`.
pub fn used_by(conn: &mut PgConnection, coupon: i64, customer: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        coupon_redemptions::table
            .filter(coupon_redemptions::coupon_id.eq(coupon))
            .filter(coupon_redemptions::customer_id.eq(customer))
            .filter(coupon_redemptions::one_use.eq(true))
            .filter(coupon_redemptions::released_at.is_null()),
    ))
    .get_result(conn)
}

/// What counting a use found.
#[derive(Debug, PartialEq, Eq)]
pub enum Counted {
    /// The use is counted and recorded.
    Done,
    /// Every use was taken by the time this sale arrived.
    UsedUp,
    /// One Use, and this customer holds a live redemption already.
    AlreadyUsed,
}

diesel::define_sql_function! {
    /// Migration `planned_once`: counts one use of a coupon, or none when it is used up.
    fn count_coupon_use(
        coupon: diesel::sql_types::BigInt,
        invoice: diesel::sql_types::BigInt,
        customer: diesel::sql_types::BigInt,
    ) -> diesel::sql_types::Integer;
}

/// Counts one use of `coupon` by `invoice` for `customer` in one statement: a conditional UPDATE
/// (so that sales arriving together can never take more uses than the coupon has: each waits
/// for the row and re-reads it) feeding the redemption row, whose unique indexes hold "once per
/// invoice" and One Use.
pub fn count_use(
    conn: &mut PgConnection,
    coupon: i64,
    invoice: i64,
    customer: i64,
) -> QueryResult<Counted> {
    // A function, so that its plan is made once per connection (migration `planned_once`),
    // called as one Diesel prepares once too.
    let counted =
        diesel::select(count_coupon_use(coupon, invoice, customer)).get_result::<i32>(conn);
    match counted {
        Ok(0) => Ok(Counted::UsedUp),
        Ok(_) => Ok(Counted::Done),
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info))
            if info.constraint_name() == Some("coupon_redemptions_one_use_key") =>
        {
            Ok(Counted::AlreadyUsed)
        }
        Err(err) => Err(err),
    }
}

/// Gives back the uses invoice `invoice` took (its cancel): the redemptions are released, not
/// deleted, and each coupon's count goes down by one. Returns how many.
pub fn release(conn: &mut PgConnection, invoice: i64) -> QueryResult<usize> {
    let released: Vec<i64> = diesel::update(coupon_redemptions::table)
        .filter(coupon_redemptions::invoice_id.eq(invoice))
        .filter(coupon_redemptions::released_at.is_null())
        .set(coupon_redemptions::released_at.eq(diesel::dsl::now))
        .returning(coupon_redemptions::coupon_id)
        .get_results(conn)?;
    for coupon in &released {
        diesel::update(coupons::table.find(coupon))
            .set(coupons::used.eq(coupons::used - 1))
            .execute(conn)?;
    }
    Ok(released.len())
}

/// Merging customers: their coupons and redemptions go to the kept customer. A One Use
/// redemption the kept customer also holds stays with the merged one (both stay in history).
pub fn move_customer(
    conn: &mut PgConnection,
    from: CustomerId,
    to: CustomerId,
) -> QueryResult<usize> {
    let (from, to) = (from.get(), to.get());
    let coupons_moved = diesel::update(coupons::table)
        .filter(coupons::customer_id.eq(from))
        .set(coupons::customer_id.eq(to))
        .execute(conn)?;
    let redemptions_moved = diesel::sql_query(
        "UPDATE coupon_redemptions r SET customer_id = $2 \
         WHERE r.customer_id = $1 AND NOT (r.one_use AND r.released_at IS NULL AND EXISTS ( \
             SELECT 1 FROM coupon_redemptions k WHERE k.coupon_id = r.coupon_id \
             AND k.customer_id = $2 AND k.one_use AND k.released_at IS NULL))",
    )
    .bind::<diesel::sql_types::BigInt, _>(from)
    .bind::<diesel::sql_types::BigInt, _>(to)
    .execute(conn)?;
    Ok(coupons_moved + redemptions_moved)
}

/// Coupon `id`'s Maximum Use.
pub fn maximum_use(conn: &mut PgConnection, id: i64) -> QueryResult<i32> {
    coupons::table
        .find(id)
        .select(coupons::maximum_use)
        .first(conn)
}
