//! Gift cards' step of the invoice pipeline, in the Payment phase: a `gift_card` payment names
//! its card (and no other mode may). A sale's plan checks each card (this company's, active on
//! the posting date, its balance covering what the sale's payments take from it, several
//! payments on one card summed); once the invoice has its id, each card's amount is taken with
//! one conditional UPDATE, and a card another till emptied meanwhile refuses the whole sale. A
//! return's refund paid `gift_card` goes back onto the named card. A cancel gives back (or, for
//! a return, takes back) exactly what the invoice moved, however the card was used since.

use chrono::NaiveDate;
use diesel::PgConnection;
use patron_rules::gift_cards::{CardNumber, EntryKind, Status, grouped};
use patron_rules::sales::PayMode;
use patron_rules::{Currency, InvoiceId};
use rust_decimal::Decimal;

use super::model;
use super::model::ledger::{self, Move};
use crate::kernel::Till;
use crate::sales::model::InvoiceRow;
use crate::sales::submit::{InvoiceStep, Phase, Posting, Sale};
use crate::web::{AppError, FieldErrors};

/// Gift cards' step.
pub struct GiftCardsStep;

impl InvoiceStep for GiftCardsStep {
    fn phase(&self) -> Phase {
        Phase::Payment
    }

    fn plan(
        &self,
        conn: &mut PgConnection,
        sale: &mut Sale,
        errors: &mut FieldErrors,
    ) -> Result<Option<Box<dyn Posting>>, AppError> {
        plan(conn, sale, errors, false)
    }

    fn on_return(
        &self,
        conn: &mut PgConnection,
        sale: &mut Sale,
        errors: &mut FieldErrors,
    ) -> Result<Option<Box<dyn Posting>>, AppError> {
        plan(conn, sale, errors, true)
    }

    fn reverse(
        &self,
        conn: &mut PgConnection,
        invoice: &InvoiceRow,
        _today: NaiveDate,
        till: &Till,
    ) -> Result<(), AppError> {
        let currency = crate::stores::model::currency(conn, &invoice.facts.currency_code)?
            .unwrap_or_else(Currency::usd);
        let by = till.label();
        let note = format!("Invoice {} cancelled", invoice.facts.number);
        for entry in ledger::open_entries_of_invoice(conn, invoice.id)? {
            let movement = Move {
                kind: EntryKind::Reversal,
                amount: -entry.amount,
                invoice_id: Some(invoice.id),
                reverses_id: Some(entry.id),
                note: &note,
                by: &by,
            };
            if ledger::post(conn, entry.card_id, &movement, None)?.is_none() {
                // Only a return's refund can fail to come back: the customer spent it.
                let balance = ledger::balance(conn, entry.card_id)?;
                return Err(AppError::field(
                    "id",
                    format!(
                        "The {} refunded to gift card {} is spent (its balance is {}): this return cannot be cancelled.",
                        currency.format(entry.amount),
                        grouped(&entry.number),
                        currency.format(balance)
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// What the sale does to one card.
#[derive(Debug)]
struct CardMove {
    /// The first payment naming it (`payments[1].card`): where a refusal is reported.
    field: String,
    card_id: i64,
    /// Signed: a sale's payments take (negative), a return's refunds give (positive).
    amount: Decimal,
}

/// Checks the sale's (or return's) gift card payments and plans what each card gives or takes.
fn plan(
    conn: &mut PgConnection,
    sale: &Sale,
    errors: &mut FieldErrors,
    is_return: bool,
) -> Result<Option<Box<dyn Posting>>, AppError> {
    // By card: the first payment's field, the number and the total the payments move.
    let mut wanted: Vec<(String, CardNumber, Decimal)> = Vec::new();
    for (index, payment) in sale.body.payments.iter().enumerate() {
        let field = format!("payments[{index}].card");
        let typed = payment.card.as_deref().filter(|c| !c.trim().is_empty());
        match (payment.mode == PayMode::GiftCard, typed) {
            (false, None) => {}
            (false, Some(_)) => errors.add(
                &field,
                format!(
                    "Only a gift_card payment names a card: leave card out of this {} payment.",
                    payment.mode.as_str()
                ),
            ),
            (true, None) => errors.add(&field, "Name the gift card that pays: its number."),
            (true, Some(typed)) => match CardNumber::parse(typed) {
                Err(message) => errors.add(&field, message),
                // The settlement refuses amounts of the wrong sign; they move no card.
                Ok(_) if payment.amount.is_sign_negative() != is_return => {}
                Ok(number) => match wanted.iter_mut().find(|(_, n, _)| *n == number) {
                    Some((_, _, total)) => *total += payment.amount,
                    None => wanted.push((field, number, payment.amount)),
                },
            },
        }
    }
    if wanted.is_empty() {
        return Ok(None);
    }
    let currency = sale.currency();
    let on = sale.posted_on();
    let mut moves = Vec::with_capacity(wanted.len());
    for (field, number, paid) in wanted {
        let Some(card) = model::find_by_number(conn, &number)?
            .filter(|card| card.company_id == sale.store.company_id.get())
        else {
            errors.add(&field, "No gift card of this company has this number.");
            continue;
        };
        match card.status(on) {
            Status::Active => {}
            Status::Disabled => {
                errors.add(
                    &field,
                    if is_return {
                        "This gift card is disabled: refund another way."
                    } else {
                        "This gift card is disabled: it pays nothing."
                    },
                );
                continue;
            }
            Status::Expired => {
                errors.add(
                    &field,
                    format!(
                        "This gift card expired on {}.",
                        card.valid_upto.unwrap_or(on).format("%-d %b %Y")
                    ),
                );
                continue;
            }
        }
        if !is_return && card.balance < paid {
            errors.add(
                &field,
                format!(
                    "The gift card's balance is {}, less than the {} it would pay.",
                    currency.format(card.balance),
                    currency.format(paid)
                ),
            );
            continue;
        }
        moves.push(CardMove {
            field,
            card_id: card.id,
            amount: -paid,
        });
    }
    // Cards are written in id order, so that two sales naming the same cards never deadlock.
    moves.sort_by_key(|m| m.card_id);
    Ok(Some(Box::new(CardMoves {
        moves,
        currency: currency.clone(),
        is_return,
    })))
}

/// What the sale does to its cards, written once the invoice exists.
struct CardMoves {
    moves: Vec<CardMove>,
    currency: Currency,
    is_return: bool,
}

impl Posting for CardMoves {
    fn post(
        self: Box<Self>,
        conn: &mut PgConnection,
        invoice: InvoiceId,
        till: &Till,
    ) -> Result<(), AppError> {
        let by = till.label();
        let kind = if self.is_return {
            EntryKind::Refund
        } else {
            EntryKind::Redeem
        };
        for card in self.moves {
            let movement = Move {
                kind,
                amount: card.amount,
                invoice_id: Some(invoice.get()),
                reverses_id: None,
                note: "",
                by: &by,
            };
            if ledger::post(conn, card.card_id, &movement, None)?.is_none() {
                // Another till's sale took the balance since this one was planned.
                let balance = ledger::balance(conn, card.card_id)?;
                return Err(AppError::field(
                    &card.field,
                    format!(
                        "The gift card's balance is {}, less than the {} it would pay.",
                        self.currency.format(balance),
                        self.currency.format(-card.amount)
                    ),
                ));
            }
        }
        Ok(())
    }
}
