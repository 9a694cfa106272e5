//! The resolve step: reads what the body names — the store's context (once), the returned
//! invoice, the customer, the sales person, the items with their groups and brand, the delivery
//! charge — and refuses, field by field, whatever does not exist or is out of range.

use chrono::{Duration, Utc};
use diesel::PgConnection;
use patron_rules::sales::{self as rules, InvoiceStatus, LineFigures, Settlement, Totals};
use patron_rules::{CustomerId, ItemId};
use rust_decimal::Decimal;

use super::sale::{Delivery, Line, Sale, SaleCustomer, SoldItem, StoreContext};
use crate::customers::model as customers;
use crate::kernel::Till;
use crate::sales::body::InvoiceBody;
use crate::sales::model::{self, InvoiceRow};
use crate::stores::model::{self as stores, delivery, sales_persons};
use crate::web::{AppError, FieldErrors};

/// The sale `body` describes, every name resolved; 422 with every field that is wrong. A sale
/// may be dated up to `ahead` past the server's clock.
pub fn sale<'a>(
    conn: &mut PgConnection,
    till: &'a Till,
    body: &'a InvoiceBody,
    ahead: Duration,
) -> Result<Sale<'a>, AppError> {
    let mut errors = FieldErrors::new();
    check_header(till, body, ahead, &mut errors);
    let store = store_context(conn, till)?;
    let original = returned_invoice(conn, till, body, &mut errors)?;
    let customer = customer(conn, &store, body, original.as_ref(), &mut errors)?;
    let sales_person = sales_person(conn, &store, body, &mut errors)?;
    let lines = lines(conn, body, original.as_ref(), &mut errors)?;
    let delivery = delivery_charge(conn, &store, body, &mut errors)?;
    let customer = match customer {
        Some(customer) if errors.is_empty() => customer,
        _ => return Err(AppError::Validation(errors)),
    };
    Ok(Sale {
        till,
        body,
        store,
        customer,
        sales_person_id: sales_person.as_ref().map(|(id, _)| *id),
        sales_person_code: sales_person.map(|(_, code)| code),
        lines,
        delivery,
        original,
        totals: Totals::default(),
        settlement: Settlement::default(),
        coupon_offers: Vec::new(),
        offers_used: false,
        loaded_offers: Default::default(),
    })
}

fn store_context(conn: &mut PgConnection, till: &Till) -> Result<StoreContext, AppError> {
    let (warehouse, currency, profile_id, settings) =
        stores::sale_context(conn, till.store_id.get())?;
    Ok(StoreContext {
        store_id: till.store_id,
        company_id: till.company_id,
        clock: till.clock,
        warehouse,
        currency,
        profile_id,
        settings,
    })
}

fn check_header(till: &Till, body: &InvoiceBody, ahead: Duration, errors: &mut FieldErrors) {
    let number = body.number.trim();
    if number.is_empty() || number.chars().count() > 40 {
        errors.add(
            "number",
            "Send the till's invoice number (1 to 40 characters).",
        );
    }
    if let Err(message) = rules::check_posted_at(
        body.posted_at,
        Utc::now(),
        ahead,
        till.clock,
        till.company_since,
    ) {
        errors.add("posted_at", message);
    }
    if body.lines.is_empty() {
        errors.add("lines", "An invoice needs at least one line.");
    }
    if body.lines.len() > 1000 {
        errors.add("lines", "At most 1,000 lines per invoice.");
    }
}

/// For a return: the original invoice, locked (returns against one invoice queue up here).
fn returned_invoice(
    conn: &mut PgConnection,
    till: &Till,
    body: &InvoiceBody,
    errors: &mut FieldErrors,
) -> Result<Option<InvoiceRow>, AppError> {
    let Some(uuid) = body.return_against else {
        return Ok(None);
    };
    let original = match model::lock_by_uuid(conn, uuid) {
        Ok(row) if row.facts.company_id == till.company_id.get() => row,
        Ok(_) | Err(diesel::result::Error::NotFound) => {
            errors.add("return_against", "No invoice of this company has this id.");
            return Ok(None);
        }
        Err(other) => return Err(other.into()),
    };
    if original.state() != InvoiceStatus::Submitted {
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
fn customer(
    conn: &mut PgConnection,
    store: &StoreContext,
    body: &InvoiceBody,
    original: Option<&InvoiceRow>,
    errors: &mut FieldErrors,
) -> Result<Option<SaleCustomer>, AppError> {
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
        let id = store.settings.default_customer_id;
        if id.is_none() {
            errors.add(
                "customer_code",
                "Name the customer: this store's POS profile has no Default Customer.",
            );
        }
        id
    };
    let Some(mut id) = found else {
        return Ok(None);
    };
    let mut customer = customers::find(conn, id)?;
    while let Some(kept) = customer.merged_into_id {
        id = kept;
        customer = customers::find(conn, id)?;
    }
    let name =
        crate::sales::views::customer_name(&customer.fields.first_name, &customer.fields.last_name);
    Ok(Some(SaleCustomer {
        id: CustomerId(id),
        credit_limit: customer.fields.credit_limit,
        named: (customer.uuid, customer.code, name),
    }))
}

fn sales_person(
    conn: &mut PgConnection,
    store: &StoreContext,
    body: &InvoiceBody,
    errors: &mut FieldErrors,
) -> Result<Option<(i64, String)>, AppError> {
    let Some(code) = body
        .sales_person
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    else {
        return Ok(None);
    };
    let person = sales_persons::allowed_by_code(conn, store.profile_id, code)?;
    if person.is_none() {
        errors.add(
            "sales_person",
            format!("{code} is not a sales person this store allows."),
        );
    }
    Ok(person.map(|p| (p.id, p.employee_code)))
}

fn lines(
    conn: &mut PgConnection,
    body: &InvoiceBody,
    original: Option<&InvoiceRow>,
    errors: &mut FieldErrors,
) -> Result<Vec<Line>, AppError> {
    let codes: Vec<String> = body
        .lines
        .iter()
        .map(|l| l.item_code.trim().to_uppercase())
        .collect();
    let known = model::items::items_by_code(conn, &codes)?;
    let is_return = body.return_against.is_some();
    let mut lines = Vec::new();
    for (index, (line, code)) in body.lines.iter().zip(&codes).enumerate() {
        let figures = LineFigures {
            qty: line.qty,
            price_list_rate: line.price_list_rate,
            discount_amount: line.discount_amount,
        };
        let Some(item) = known.iter().find(|item| &item.item_code == code) else {
            errors.add(
                &format!("lines[{index}].item_code"),
                format!("No item has the code {code}."),
            );
            continue;
        };
        if let Err((field, message)) = rules::line_in_range(line.qty, line.price_list_rate) {
            errors.add(&format!("lines[{index}].{field}"), message);
            continue;
        }
        if let Err((field, message)) = rules::check_line(&figures, is_return) {
            errors.add(&format!("lines[{index}].{field}"), message);
            continue;
        }
        lines.push(Line {
            item: SoldItem {
                id: ItemId(item.id),
                code: item.item_code.clone(),
                name: item.name.clone(),
                item_groups: item.item_groups.clone(),
                brand_id: item.brand_id,
            },
            figures,
            is_offer: line.is_offer,
            offer: line.offer.clone(),
        });
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
    lines: &[Line],
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    let returnable = model::returns::returnable(conn, original.id)?;
    for (index, line) in lines.iter().enumerate() {
        let item = line.item.id.get();
        let code = &line.item.code;
        let asked: Decimal = lines
            .iter()
            .filter(|l| l.item.id == line.item.id)
            .map(|l| -l.figures.qty)
            .sum();
        match returnable.iter().find(|(i, ..)| *i == item) {
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
    }
    Ok(())
}

fn delivery_charge(
    conn: &mut PgConnection,
    store: &StoreContext,
    body: &InvoiceBody,
    errors: &mut FieldErrors,
) -> Result<Option<Delivery>, AppError> {
    let Some(label) = body
        .delivery_charge
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    else {
        return Ok(None);
    };
    let charge = delivery::list(conn, store.profile_id)?
        .into_iter()
        .find(|c| c.label.eq_ignore_ascii_case(label));
    match charge {
        Some(charge) => Ok(Some(Delivery {
            label: charge.label,
            rate: charge.rate,
        })),
        None => {
            errors.add(
                "delivery_charge",
                format!("This store has no delivery charge called {label}."),
            );
            Ok(None)
        }
    }
}
