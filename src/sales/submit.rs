//! Submitting an invoice, as explicit steps that run in one transaction: replay check, resolve
//! what the body names (customer, sales person, items, delivery charge, returned invoice),
//! recompute totals, settle payments within the credit limit, plan the loyalty points (redeem,
//! earn, a return's cut), write. Later issues add their steps (coupons) between `settle` and
//! `write`, on the same connection.

use chrono::{Duration, Utc};
use diesel::PgConnection;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::body::InvoiceBody;
use super::model::{self, InvoiceFacts, InvoiceRow, NewInvoice, NewLine};
use super::rules::{self, LineFigures, Settlement, Totals};
use crate::api::terminal::Terminal;
use crate::customers::model as customers;
use crate::loyalty::invoice as loyalty;
use crate::stores::rules::Currency;
use crate::stores::{delivery, model as stores, profile, sales_persons};
use crate::web::{AppError, FieldErrors};

/// What submitting answered: a new invoice (201) or the answer first given to this sale (200).
#[derive(Debug)]
pub enum Outcome {
    /// Written now.
    Created(serde_json::Value),
    /// A retry of a sale already written.
    Replayed(serde_json::Value),
}

/// Largest quantity on one line, and largest rate: beyond them a till has surely gone wrong (and
/// the columns' precision would be exceeded).
const MAX_QTY: i64 = 1_000_000;
const MAX_RATE: i64 = 10_000_000_000;

/// The sale being built, step by step.
struct Draft {
    currency: Currency,
    customer_id: i64,
    credit_limit: Decimal,
    sales_person_id: Option<i64>,
    lines: Vec<(i64, String, String, LineFigures)>,
    delivery: Option<(String, Decimal)>,
    original: Option<InvoiceRow>,
    totals: Totals,
    settlement: Settlement,
    loyalty: Option<loyalty::Plan>,
}

/// Submits `body` from `till`; `hash` is the SHA-256 of the request that makes retries safe.
pub fn submit(
    conn: &mut PgConnection,
    till: &Terminal,
    body: &InvoiceBody,
    hash: &[u8],
) -> Result<Outcome, AppError> {
    if let Some(done) = replay(conn, body.id, hash)? {
        return Ok(done);
    }
    let mut errors = FieldErrors::new();
    check_header(body, &mut errors);
    let original = resolve_return(conn, till, body, &mut errors)?;
    let (customer_id, credit_limit) =
        resolve_customer(conn, till, body, original.as_ref(), &mut errors)?;
    let sales_person_id = resolve_sales_person(conn, till, body, &mut errors)?;
    let lines = resolve_lines(conn, body, original.as_ref(), &mut errors)?;
    let delivery = resolve_delivery(conn, till, body, &mut errors)?;
    check_not_yet_supported(body, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut draft = Draft {
        currency: stores::company_currency(conn, till.company_id)?,
        customer_id,
        credit_limit,
        sales_person_id,
        lines,
        delivery,
        original,
        totals: Totals::default(),
        settlement: Settlement::default(),
        loyalty: None,
    };
    recompute(&mut draft, body)?;
    settle(conn, &mut draft, body)?;
    plan_loyalty(conn, till, body, &mut draft)?;
    write(conn, till, body, hash, draft)
}

/// A retry: the same uuid with the same request gets the first answer; with another, 409.
fn replay(conn: &mut PgConnection, uuid: Uuid, hash: &[u8]) -> Result<Option<Outcome>, AppError> {
    match model::stored_answer(conn, uuid)? {
        None => Ok(None),
        Some((stored, answer)) if stored == hash => Ok(Some(Outcome::Replayed(answer))),
        Some(_) => Err(AppError::Conflict(
            "An invoice with this id was already submitted with different contents.".into(),
        )),
    }
}

fn check_header(body: &InvoiceBody, errors: &mut FieldErrors) {
    let number = body.number.trim();
    if number.is_empty() || number.chars().count() > 40 {
        errors.add(
            "number",
            "Send the till's invoice number (1 to 40 characters).",
        );
    }
    if body.posted_at > Utc::now() + Duration::days(1) {
        errors.add(
            "posted_at",
            "The sale cannot be more than a day in the future.",
        );
    }
    if body.lines.is_empty() {
        errors.add("lines", "An invoice needs at least one line.");
    }
    if body.lines.len() > 1000 {
        errors.add("lines", "At most 1,000 lines per invoice.");
    }
}

/// For a return: the original invoice, locked (returns against one invoice queue up here).
fn resolve_return(
    conn: &mut PgConnection,
    till: &Terminal,
    body: &InvoiceBody,
    errors: &mut FieldErrors,
) -> Result<Option<InvoiceRow>, AppError> {
    let Some(uuid) = body.return_against else {
        return Ok(None);
    };
    let original = match model::lock_by_uuid(conn, uuid) {
        Ok(row) if row.facts.company_id == till.company_id => row,
        Ok(_) | Err(diesel::result::Error::NotFound) => {
            errors.add("return_against", "No invoice of this company has this id.");
            return Ok(None);
        }
        Err(other) => return Err(other.into()),
    };
    if original.status != "submitted" {
        errors.add(
            "return_against",
            "That invoice was cancelled: nothing to return.",
        );
    } else if original.facts.return_against_id.is_some() {
        errors.add("return_against", "That invoice is itself a return.");
    }
    Ok(Some(original))
}

/// The customer: a return's is the original's; else by uuid or code, else the store's Default
/// Customer. A merged customer is followed to the one they were merged into.
fn resolve_customer(
    conn: &mut PgConnection,
    till: &Terminal,
    body: &InvoiceBody,
    original: Option<&InvoiceRow>,
    errors: &mut FieldErrors,
) -> Result<(i64, Decimal), AppError> {
    let found = if let Some(original) = original {
        Some(original.facts.customer_id)
    } else if let Some(uuid) = body.customer_id {
        let id = crate::customers::sync::id_of(conn, uuid).ok();
        if id.is_none() {
            errors.add("customer_id", "No customer has this id.");
        }
        id
    } else if let Some(code) = body
        .customer_code
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    {
        let id = customers::find_by_code(conn, code)?.map(|c| c.id);
        if id.is_none() {
            errors.add("customer_code", format!("No customer has the code {code}."));
        }
        id
    } else {
        let id = profile::for_store(conn, till.store_id)?
            .settings
            .default_customer_id;
        if id.is_none() {
            errors.add(
                "customer_code",
                "Name the customer: this store's POS profile has no Default Customer.",
            );
        }
        id
    };
    let Some(mut id) = found else {
        return Ok((0, Decimal::ZERO));
    };
    let mut customer = customers::find(conn, id)?;
    while let Some(kept) = customer.merged_into_id {
        id = kept;
        customer = customers::find(conn, id)?;
    }
    Ok((id, customer.fields.credit_limit))
}

fn resolve_sales_person(
    conn: &mut PgConnection,
    till: &Terminal,
    body: &InvoiceBody,
    errors: &mut FieldErrors,
) -> Result<Option<i64>, AppError> {
    let Some(code) = body
        .sales_person
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    else {
        return Ok(None);
    };
    let allowed = profile::for_store(conn, till.store_id)?.allowed_sales_persons;
    let person = sales_persons::by_ids(conn, &allowed)?
        .into_iter()
        .find(|p| p.employee_code.eq_ignore_ascii_case(code) && p.active);
    if person.is_none() {
        errors.add(
            "sales_person",
            format!("{code} is not a sales person this store allows."),
        );
    }
    Ok(person.map(|p| p.id))
}

fn resolve_lines(
    conn: &mut PgConnection,
    body: &InvoiceBody,
    original: Option<&InvoiceRow>,
    errors: &mut FieldErrors,
) -> Result<Vec<(i64, String, String, LineFigures)>, AppError> {
    let codes: Vec<String> = body
        .lines
        .iter()
        .map(|l| l.item_code.trim().to_uppercase())
        .collect();
    let known = model::items_by_code(conn, &codes)?;
    let is_return = body.return_against.is_some();
    let mut lines = Vec::new();
    for (index, (line, code)) in body.lines.iter().zip(&codes).enumerate() {
        let figures = LineFigures {
            qty: line.qty,
            price_list_rate: line.price_list_rate,
            discount_amount: line.discount_amount,
        };
        let Some((item_id, item_code, name)) = known.iter().find(|(_, c, _)| c == code) else {
            errors.add(
                &format!("lines[{index}].item_code"),
                format!("No item has the code {code}."),
            );
            continue;
        };
        if line.qty.abs() > Decimal::from(MAX_QTY) || line.qty.scale() > 4 {
            errors.add(
                &format!("lines[{index}].qty"),
                "The quantity is out of range.",
            );
            continue;
        }
        if line.price_list_rate > Decimal::from(MAX_RATE) || line.price_list_rate.scale() > 4 {
            errors.add(
                &format!("lines[{index}].price_list_rate"),
                "The rate is out of range.",
            );
            continue;
        }
        if let Err((field, message)) = rules::check_line(&figures, is_return) {
            errors.add(&format!("lines[{index}].{field}"), message);
            continue;
        }
        lines.push((*item_id, item_code.clone(), name.clone(), figures));
    }
    if let Some(original) = original {
        check_returnable(conn, original, &lines, errors)?;
    }
    Ok(lines)
}

/// A return never takes back more of an item than was sold less what earlier returns took.
fn check_returnable(
    conn: &mut PgConnection,
    original: &InvoiceRow,
    lines: &[(i64, String, String, LineFigures)],
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    let returnable = model::returnable(conn, original.id)?;
    for (index, (item, code, _, figures)) in lines.iter().enumerate() {
        let asked: Decimal = lines
            .iter()
            .filter(|(i, ..)| i == item)
            .map(|(.., f)| -f.qty)
            .sum();
        match returnable.iter().find(|(i, ..)| i == item) {
            None => errors.add(
                &format!("lines[{index}].item_code"),
                format!("{code} was not sold on invoice {}.", original.facts.number),
            ),
            Some((_, sold, returned)) if asked > *sold + *returned => errors.add(
                &format!("lines[{index}].qty"),
                format!(
                    "Only {} of {code} can still be returned ({} sold, {} returned already).",
                    (*sold + *returned).normalize(),
                    sold.normalize(),
                    (-*returned).normalize()
                ),
            ),
            Some(_) => {}
        }
        let _ = figures;
    }
    Ok(())
}

fn resolve_delivery(
    conn: &mut PgConnection,
    till: &Terminal,
    body: &InvoiceBody,
    errors: &mut FieldErrors,
) -> Result<Option<(String, Decimal)>, AppError> {
    let Some(label) = body
        .delivery_charge
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    else {
        return Ok(None);
    };
    let profile_id = profile::for_store(conn, till.store_id)?.id;
    let charge = delivery::list(conn, profile_id)?
        .into_iter()
        .find(|c| c.label.eq_ignore_ascii_case(label));
    match charge {
        Some(charge) => Ok(Some((charge.label, charge.rate))),
        None => {
            errors.add(
                "delivery_charge",
                format!("This store has no delivery charge called {label}."),
            );
            Ok(None)
        }
    }
}

/// Coupons arrive with their own issue; until then a sale using them is refused rather than
/// half-applied.
fn check_not_yet_supported(body: &InvoiceBody, errors: &mut FieldErrors) {
    if !body.coupon_codes.is_empty() {
        errors.add("coupon_codes", "Coupons are not set up in Patron yet.");
    }
}

/// The server's totals; the till's must match them to the cent.
fn recompute(draft: &mut Draft, body: &InvoiceBody) -> Result<(), AppError> {
    let figures: Vec<LineFigures> = draft.lines.iter().map(|(.., f)| *f).collect();
    let delivery = draft
        .delivery
        .as_ref()
        .map_or(Decimal::ZERO, |(_, rate)| *rate);
    draft.totals = rules::totals(&draft.currency, &figures, delivery);
    let mut errors = FieldErrors::new();
    for (field, ours, theirs) in [
        (
            "totals.net_total",
            draft.totals.net_total,
            body.totals.net_total,
        ),
        (
            "totals.discount_amount",
            draft.totals.discount_amount,
            body.totals.discount_amount,
        ),
        (
            "totals.grand_total",
            draft.totals.grand_total,
            body.totals.grand_total,
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
fn settle(conn: &mut PgConnection, draft: &mut Draft, body: &InvoiceBody) -> Result<(), AppError> {
    let payments: Vec<_> = body.payments.iter().map(|p| (p.mode, p.amount)).collect();
    let due = draft.totals.grand_total - body.loyalty_amount;
    draft.settlement = rules::settle(&draft.currency, due, &payments)
        .map_err(|message| AppError::field("payments", message))?;
    if draft.settlement.on_account > Decimal::ZERO {
        customers::find_for_update(conn, draft.customer_id)?;
        let owed = model::outstanding(conn, draft.customer_id)?;
        if owed + draft.settlement.on_account > draft.credit_limit {
            return Err(AppError::field(
                "payments",
                format!(
                    "On account would take the customer past their credit limit: they owe {}, the limit is {}.",
                    draft.currency.format(owed),
                    draft.currency.format(draft.credit_limit)
                ),
            ));
        }
    }
    Ok(())
}

/// Loyalty: checks the points redeemed against the customer's balance (their membership locked)
/// and works out what the sale earns, or what a return takes back.
fn plan_loyalty(
    conn: &mut PgConnection,
    till: &Terminal,
    body: &InvoiceBody,
    draft: &mut Draft,
) -> Result<(), AppError> {
    let offer_lines = draft
        .lines
        .iter()
        .zip(&body.lines)
        .filter(|(_, sent)| sent.is_offer)
        .map(|((.., figures), _)| rules::line_amount(&draft.currency, figures))
        .sum();
    let sale = loyalty::Sale {
        company_id: till.company_id,
        customer_id: draft.customer_id,
        posted_on: body.posted_at.date_naive(),
        currency: &draft.currency,
        grand_total: draft.totals.grand_total,
        delivery: draft.totals.delivery_amount,
        offer_lines,
        points_redeemed: body.loyalty_points_redeemed,
        loyalty_amount: body.loyalty_amount,
        return_of: draft.original.as_ref().map(|o| o.id),
    };
    draft.loyalty = loyalty::plan(conn, &sale)?;
    Ok(())
}

/// Writes the invoice, its lines and payments and its points, and keeps the answer for retries.
fn write(
    conn: &mut PgConnection,
    till: &Terminal,
    body: &InvoiceBody,
    hash: &[u8],
    draft: Draft,
) -> Result<Outcome, AppError> {
    let facts = InvoiceFacts {
        uuid: body.id,
        number: body.number.trim().to_owned(),
        store_id: till.store_id,
        company_id: till.company_id,
        customer_id: draft.customer_id,
        sales_person_id: draft.sales_person_id,
        posted_at: body.posted_at,
        return_against_id: draft.original.as_ref().map(|o| o.id),
        currency_code: draft.currency.code.clone(),
        net_total: draft.totals.net_total,
        discount_amount: draft.totals.discount_amount,
        delivery_label: draft.delivery.as_ref().map(|(label, _)| label.clone()),
        delivery_amount: draft.totals.delivery_amount,
        grand_total: draft.totals.grand_total,
        loyalty_points_redeemed: body.loyalty_points_redeemed,
        loyalty_amount: body.loyalty_amount,
        coupon_codes: body.coupon_codes.clone(),
        request_hash: hash.to_vec(),
    };
    let new = NewInvoice {
        facts,
        response: serde_json::Value::Null,
    };
    let Some(id) = model::insert_invoice(conn, &new)? else {
        // The same sale, sent twice at once: the other submission wrote it.
        return replay(conn, body.id, hash)?.ok_or(AppError::Conflict(
            "This invoice is being submitted right now; retry in a moment.".into(),
        ));
    };
    let lines: Vec<NewLine> = draft
        .lines
        .iter()
        .enumerate()
        .map(|(index, (item_id, code, name, figures))| NewLine {
            invoice_id: id,
            line_no: i32::try_from(index + 1).unwrap_or(i32::MAX),
            item_id: *item_id,
            item_code: code.clone(),
            item_name: name.clone(),
            qty: figures.qty,
            price_list_rate: figures.price_list_rate,
            discount_amount: figures.discount_amount,
            amount: rules::line_amount(&draft.currency, figures),
            is_offer: body.lines[index].is_offer,
            offer: body.lines[index].offer.clone(),
        })
        .collect();
    let payments: Vec<_> = body
        .payments
        .iter()
        .map(|p| (id, p.mode.as_str(), p.amount))
        .collect();
    model::insert_details(conn, &lines, &payments)?;
    if let Some(plan) = draft.loyalty {
        let (_, by) = till.actor().parts();
        loyalty::post(conn, id, plan, &by)?;
    }
    let answer = serde_json::to_value(model::invoice_json(conn, id)?)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // The invoice row is the record of the sale: no audit entry doubles it.
    model::store_response(conn, id, &answer)?;
    Ok(Outcome::Created(answer))
}
