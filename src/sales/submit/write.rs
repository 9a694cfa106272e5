//! The replay check and the write step: a retry gets the first answer; a new sale is written
//! (invoice with the answer kept for retries, lines, payments), then each area posts what it
//! planned.

use diesel::PgConnection;
use patron_rules::InvoiceId;
use patron_rules::sales as rules;
use uuid::Uuid;

use super::Outcome;
use super::sale::Sale;
use super::step::Posting;
use crate::sales::model::{self, InvoiceFacts, NewInvoice, NewLine};
use crate::sales::views::{self, AnswerParts, InvoiceExtras, LineJson, PaymentJson};
use crate::web::AppError;

/// A retry: the same uuid with the same request gets the first answer; with another, 409.
pub fn replay(
    conn: &mut PgConnection,
    uuid: Uuid,
    hash: &[u8],
) -> Result<Option<Outcome>, AppError> {
    match model::stored_answer(conn, uuid)? {
        None => Ok(None),
        Some((stored, answer)) if stored == hash => Ok(Some(Outcome::Replayed(answer))),
        Some(_) => Err(AppError::Conflict(
            "An invoice with this id was already submitted with different contents.".into(),
        )),
    }
}

/// Writes the invoice (with its answer, kept for retries), its lines and payments and what each
/// area planned, and last posts the `closing` steps (see `Phase::Closing`). The answer is built
/// from what is written, not read back after it.
pub fn invoice(
    conn: &mut PgConnection,
    hash: &[u8],
    sale: Sale,
    postings: Vec<Box<dyn Posting>>,
    closing: Vec<Box<dyn Posting>>,
) -> Result<Outcome, AppError> {
    let body = sale.body;
    let facts = InvoiceFacts {
        uuid: body.id,
        number: body.number.trim().to_owned(),
        store_id: sale.store.store_id.get(),
        company_id: sale.store.company_id.get(),
        customer_id: sale.customer.id.get(),
        sales_person_id: sale.sales_person_id,
        posted_at: views::instant_as_stored(body.posted_at),
        return_against_id: sale.original.as_ref().map(|o| o.id),
        currency_code: sale.currency().code.clone(),
        net_total: sale.totals.net_total,
        discount_amount: sale.totals.discount_amount,
        delivery_label: sale.delivery.as_ref().map(|d| d.label.clone()),
        delivery_amount: sale.totals.delivery_amount,
        grand_total: sale.totals.grand_total,
        grand_total_discount: sale.totals.grand_total_discount,
        grand_total_offer: body.grand_total_offer.as_ref().map(|g| g.offer.clone()),
        loyalty_points_redeemed: body.loyalty_points_redeemed,
        loyalty_amount: body.loyalty_amount,
        coupon_codes: body.coupon_codes.clone(),
        request_hash: hash.to_vec(),
    };
    let lines: Vec<NewLine> = sale
        .lines
        .iter()
        .enumerate()
        .map(|(index, line)| NewLine {
            line_no: i32::try_from(index + 1).unwrap_or(i32::MAX),
            item_id: line.item.id.get(),
            item_code: line.item.code.clone(),
            item_name: line.item.name.clone(),
            qty: line.figures.qty,
            price_list_rate: line.figures.price_list_rate,
            discount_amount: line.figures.discount_amount,
            amount: rules::line_amount(sale.currency(), &line.figures),
            is_offer: line.is_offer,
            offer: line.offer.clone(),
        })
        .collect();
    let mut extras = InvoiceExtras::default();
    for posting in postings.iter().chain(&closing) {
        posting.add_to_answer(&mut extras);
    }
    let parts = AnswerParts {
        store: sale.till.store_code.clone(),
        customer: sale.customer.named.clone(),
        sales_person: sale.sales_person_code.clone(),
        lines: lines.iter().map(stored_line).collect(),
        payments: body
            .payments
            .iter()
            .map(|p| PaymentJson {
                mode: p.mode.as_str().to_owned(),
                amount: views::as_stored(p.amount),
            })
            .collect(),
        return_against: sale.original.as_ref().map(|o| o.facts.uuid),
        currency: sale.currency().clone(),
    };
    let answer = views::submitted_json(stored_facts(&facts), parts, &extras);
    let answer = serde_json::to_value(answer).map_err(|e| AppError::Internal(e.to_string()))?;
    // The invoice row is the record of the sale: no audit entry doubles it.
    let new = NewInvoice {
        facts,
        response: answer.clone(),
    };
    let Some(id) = model::insert_invoice(conn, &new)? else {
        // The same sale, sent twice at once: the other submission wrote it.
        return replay(conn, body.id, hash)?.ok_or(AppError::Conflict(
            "This invoice is being submitted right now; retry in a moment.".into(),
        ));
    };
    let payments: Vec<_> = body
        .payments
        .iter()
        .map(|p| (p.mode.as_str(), p.amount))
        .collect();
    model::insert_details(conn, id, &lines, &payments)?;
    for posting in postings.into_iter().chain(closing) {
        posting.post(conn, InvoiceId(id), sale.till)?;
    }
    Ok(Outcome::Created(answer))
}

/// A line as `invoice_lines` keeps it and the answer shows it.
fn stored_line(line: &NewLine) -> LineJson {
    LineJson {
        line_no: line.line_no,
        item_code: line.item_code.clone(),
        item_name: line.item_name.clone(),
        qty: views::as_stored(line.qty),
        price_list_rate: views::as_stored(line.price_list_rate),
        discount_amount: views::as_stored(line.discount_amount),
        amount: views::as_stored(line.amount),
        is_offer: line.is_offer,
        offer: line.offer.clone(),
    }
}

/// The invoice's amounts as `invoices` keeps them.
fn stored_facts(facts: &InvoiceFacts) -> InvoiceFacts {
    InvoiceFacts {
        net_total: views::as_stored(facts.net_total),
        discount_amount: views::as_stored(facts.discount_amount),
        delivery_amount: views::as_stored(facts.delivery_amount),
        grand_total: views::as_stored(facts.grand_total),
        grand_total_discount: views::as_stored(facts.grand_total_discount),
        loyalty_amount: views::as_stored(facts.loyalty_amount),
        ..facts.clone()
    }
}
