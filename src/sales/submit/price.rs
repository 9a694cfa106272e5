//! The totals and settlement steps: the server's own totals, which the till's must match to the
//! cent, and the payments that settle what is due within the customer's credit limit.

use diesel::PgConnection;
use patron_rules::sales::{self as rules, LineFigures};
use rust_decimal::Decimal;

use super::sale::Sale;
use crate::customers::model as customers;
use crate::sales::model;
use crate::web::{AppError, FieldErrors};

/// The server's totals; the till's must match them to the cent. A grand-total discount is at
/// most the net total (the Pricing steps have checked that its offer gives it).
pub fn totals(sale: &mut Sale) -> Result<(), AppError> {
    let figures: Vec<LineFigures> = sale.lines.iter().map(|line| line.figures).collect();
    let delivery = sale.delivery.as_ref().map_or(Decimal::ZERO, |d| d.rate);
    let claimed = sale.body.grand_total_offer.as_ref().map(|g| g.amount);
    sale.totals = rules::totals(
        sale.currency(),
        &figures,
        claimed.unwrap_or_default(),
        delivery,
    );
    let sent = &sale.body.totals;
    let mut errors = FieldErrors::new();
    if let Some(amount) = claimed {
        let net = sale.totals.net_total;
        if sale.original.is_some() {
            errors.add(
                "grand_total_offer",
                "A return takes no Grand Total offer: its lines carry what is refunded.",
            );
        } else if amount.is_sign_negative()
            || amount > net
            || amount.scale() > sale.currency().minor_unit
        {
            errors.add(
                "grand_total_offer.amount",
                format!(
                    "The discount is between 0 and the net total {net}, in {}.",
                    sale.currency().code
                ),
            );
        }
    }
    for (field, ours, theirs) in [
        ("totals.net_total", sale.totals.net_total, sent.net_total),
        (
            "totals.discount_amount",
            sale.totals.discount_amount,
            sent.discount_amount,
        ),
        (
            "totals.grand_total",
            sale.totals.grand_total,
            sent.grand_total,
        ),
    ] {
        if ours != theirs {
            errors.add(
                field,
                format!("The lines come to {ours} here, not {theirs}."),
            );
        }
    }
    errors.into_result(()).map_err(AppError::Validation)
}

/// Payments cover what is due, and what goes on account stays within the credit limit (the
/// customer's row is locked, so two tills cannot both use the last of it).
pub fn settle(conn: &mut PgConnection, sale: &mut Sale) -> Result<(), AppError> {
    let payments: Vec<_> = sale
        .body
        .payments
        .iter()
        .map(|p| (p.mode, p.amount))
        .collect();
    let due = sale.totals.grand_total - sale.body.loyalty_amount;
    let max_change = sale.store.settings.max_change;
    sale.settlement = rules::settle(sale.currency(), due, &payments, max_change)
        .map_err(|message| AppError::field("payments", message))?;
    if sale.settlement.on_account > Decimal::ZERO {
        let customer = sale.customer.id.get();
        customers::find_for_update(conn, customer)?;
        let owed = model::accounts::outstanding(conn, customer)?;
        if owed + sale.settlement.on_account > sale.customer.credit_limit {
            let currency = sale.currency();
            return Err(AppError::field(
                "payments",
                format!(
                    "On account would take the customer past their credit limit: they owe {}, the limit is {}.",
                    currency.format(owed),
                    currency.format(sale.customer.credit_limit)
                ),
            ));
        }
    }
    Ok(())
}
