//! What customers owe on account, and the payments towards it.

use diesel::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

use patron_rules::sales::InvoiceStatus;

use crate::audit;
use crate::db::schema::{account_payments, invoice_payments, invoices};
use crate::kernel::Actor;

/// What customer `customer_id` owes: on-account payments of live invoices less what they paid
/// towards their account. Computed from the rows every time; never a stored counter.
pub fn outstanding(conn: &mut PgConnection, customer_id: i64) -> QueryResult<Decimal> {
    let owed: Option<Decimal> = invoice_payments::table
        .inner_join(invoices::table)
        .filter(invoices::customer_id.eq(customer_id))
        .filter(invoices::status.eq(InvoiceStatus::Submitted.as_str()))
        .filter(invoice_payments::mode.eq("on_account"))
        .select(diesel::dsl::sum(invoice_payments::amount))
        .first(conn)?;
    let paid: Option<Decimal> = account_payments::table
        .filter(account_payments::customer_id.eq(customer_id))
        .select(diesel::dsl::sum(account_payments::amount))
        .first(conn)?;
    Ok(owed.unwrap_or_default() - paid.unwrap_or_default())
}

/// A payment towards a customer's account.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = account_payments)]
pub struct NewAccountPayment {
    /// Idempotency key.
    pub uuid: Uuid,
    /// Customer.
    pub customer_id: i64,
    /// Amount (> 0).
    pub amount: Decimal,
    /// cash, card, bank_transfer or cheque.
    pub mode: String,
    /// Store where it was paid, if at a till.
    pub store_id: Option<i64>,
    /// Receipt or transfer reference.
    pub reference: String,
    /// Who recorded it.
    pub created_by: String,
}

/// Modes a payment towards an account may take.
pub const ACCOUNT_MODES: [&str; 4] = ["cash", "card", "bank_transfer", "cheque"];

/// The largest payment towards an account.
pub const MAX_ACCOUNT_PAYMENT: i64 = 1_000_000_000;

/// Checks an account payment as typed or sent: (amount, mode, reference), or the field and why.
pub fn check_account_payment(
    amount: Decimal,
    mode: &str,
    reference: &str,
) -> Result<(Decimal, String, String), (&'static str, String)> {
    if amount <= Decimal::ZERO {
        return Err(("amount", "Enter an amount more than zero.".into()));
    }
    if amount > Decimal::from(MAX_ACCOUNT_PAYMENT) {
        return Err(("amount", "Enter an amount of at most 1,000,000,000.".into()));
    }
    if amount.normalize().scale() > 4 {
        return Err(("amount", "Use at most 4 decimal places.".into()));
    }
    let mode = mode.trim().to_lowercase();
    if !ACCOUNT_MODES.contains(&mode.as_str()) {
        return Err(("mode", "Use cash, card, bank_transfer or cheque.".into()));
    }
    let reference = reference.trim().to_owned();
    if reference.chars().count() > 120 {
        return Err(("reference", "Use at most 120 characters.".into()));
    }
    Ok((amount, mode, reference))
}

/// Records `payment` unless its uuid exists; returns whether it was written now.
pub fn insert_account_payment(
    conn: &mut PgConnection,
    payment: &NewAccountPayment,
) -> QueryResult<bool> {
    let made = diesel::insert_into(account_payments::table)
        .values(payment)
        .on_conflict(account_payments::uuid)
        .do_nothing()
        .execute(conn)?;
    Ok(made == 1)
}

/// Records `payment` taken by a person at HQ unless its uuid exists, audited on the customer;
/// returns whether it was written now.
pub fn take_account_payment(
    conn: &mut PgConnection,
    payment: &NewAccountPayment,
    actor: &Actor,
) -> QueryResult<bool> {
    let made = insert_account_payment(conn, payment)?;
    if made {
        audit::record(
            conn,
            actor,
            "customer",
            payment.customer_id,
            "account payment",
            None,
            Some(serde_json::json!({
                "amount": payment.amount,
                "mode": payment.mode,
                "reference": payment.reference,
            })),
        )?;
    }
    Ok(made)
}
