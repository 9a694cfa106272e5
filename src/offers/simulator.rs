//! The offer simulator (offers.manage or reports.view): a cart built in a GET form (lines with
//! the item picker and the item's price as Rate, a store, a posting date, a customer, coupon
//! codes) or loaded from a past invoice ("Try on invoice"), priced by the till API's own pricing
//! (`pricing`), and shown with each line's discount and its offer, free lines, the Grand Total
//! offer, bonus points, totals, and why every other offer did not apply. Nothing is written.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;
use diesel::PgConnection;
use patron_rules::catalog::rate_text;
use patron_rules::users::Permission;
use serde::Deserialize;

use super::access::READERS;
use super::pricing::{self, CouponCheck, CouponCodes, WantedLine};
use super::simulator_lookup::{self as lookup, Candidate, Found, StoreChoice};
use super::simulator_model::{self as model, Action, LineInput, Outcome, SimForm, line_field};
use super::simulator_names as names;
use crate::state::AppState;
use crate::web::{AppError, CurrentUser, FieldErrors, PageCtx, render, render_status};

/// Mounts the routes (before `/offers/{id}`, which would take "simulator" for an id).
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/offers/simulator", web::get().to(page))
        .route("/offers/simulator/rate", web::get().to(rate))
        .route("/offers/simulator/line", web::get().to(line));
}

/// Whether htmx asked for a fragment (not a boosted page or a history restore).
fn wants_fragment(req: &HttpRequest) -> bool {
    let has = |name: &str| req.headers().contains_key(name);
    has("HX-Request") && !has("HX-Boosted") && !has("HX-History-Restore-Request")
}

/// One cart line of the form, with its messages.
struct LineRow {
    /// Unique on the page: the inputs' ids end with it.
    key: String,
    /// Where the line is (from 0): what its Remove button sends without JavaScript.
    index: usize,
    /// "line 2" (a line htmx added: "new line"), for what screen readers read out.
    label: String,
    /// What was typed.
    line: LineInput,
    item_error: Option<String>,
    qty_error: Option<String>,
    rate_error: Option<String>,
}

impl LineRow {
    /// A line "Add line" brings in.
    fn added(key: String) -> LineRow {
        LineRow {
            key,
            index: 0,
            label: "new line".into(),
            line: LineInput::default(),
            item_error: None,
            qty_error: None,
            rate_error: None,
        }
    }
}

/// A priced cart with what it was priced for.
struct Priced {
    outcome: Outcome,
    /// "Store North (NORTH) · Ana Lima (CUST-00002) · 6 Dec 2026".
    context: String,
    /// Bonus points the customer would not get, and why.
    bonus_note: Option<String>,
    /// Coupon codes that made their offer eligible.
    coupons_used: Vec<String>,
}

#[derive(Template)]
#[template(path = "offers/simulator.html", blocks = ["sim"])]
struct SimPage {
    ctx: PageCtx,
    form: SimForm,
    rows: Vec<LineRow>,
    stores: Vec<StoreChoice>,
    errors: FieldErrors,
    /// Coupon codes refused, each with its reason.
    refused: Vec<(String, String)>,
    candidates: Vec<Candidate>,
    /// "Invoice S1-9 of ...": the invoice just loaded, and the link that prices it today.
    loaded: Option<(String, Option<String>)>,
    priced: Option<Priced>,
    /// Whether the customer picker may suggest (it needs customers.view).
    customer_picker: bool,
}

impl SimPage {
    fn store_chosen(&self, code: &str) -> bool {
        self.form.store == code
    }
}

/// Everything a rendering needs from the database, and the status to answer with.
struct Built {
    form: SimForm,
    rows: Vec<LineRow>,
    stores: Vec<StoreChoice>,
    errors: FieldErrors,
    refused: Vec<(String, String)>,
    candidates: Vec<Candidate>,
    loaded: Option<(String, Option<String>)>,
    priced: Option<Priced>,
}

async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    coupons: web::Data<pricing::Coupons>,
    user: CurrentUser,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let (mut form, action, asked) = SimForm::from_pairs(&query);
    form.apply(action);
    let (check, home_store) = (coupons.0, user.store_id);
    let show_people = user.can(Permission::CustomersView);
    let built = state
        .db
        .run(move |conn| build(conn, form, action, asked, (home_store, show_people), check))
        .await?;
    let status = if built.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = SimPage {
        ctx: user.page(),
        form: built.form,
        rows: built.rows,
        stores: built.stores,
        errors: built.errors,
        refused: built.refused,
        candidates: built.candidates,
        loaded: built.loaded,
        priced: built.priced,
        customer_picker: show_people,
    };
    if wants_fragment(&req) {
        render_status(status, &page.as_sim())
    } else {
        render_status(status, &page)
    }
}

/// Reads the form against the database and prices it when it holds a cart without mistakes.
/// The pair is the person's own store and whether they may read other customers' names.
fn build(
    conn: &mut PgConnection,
    mut form: SimForm,
    mut action: Action,
    asked: bool,
    (home_store, show_people): (Option<i64>, bool),
    check: CouponCheck,
) -> Result<Built, AppError> {
    let stores = lookup::stores(conn)?;
    let mut errors = FieldErrors::new();
    let mut candidates = Vec::new();
    let mut loaded = None;
    // Any request prices what the form holds (a line removed or added without JavaScript too);
    // only "Price the cart" insists on a line.
    let mut wanted = asked;
    if !form.invoice.trim().is_empty() {
        match lookup::invoice(conn, &form.invoice)? {
            Found::One(tried) => {
                form = tried.form;
                action = Action::Price;
                wanted = true;
                loaded = Some(tried.said);
            }
            Found::Not(message, found) => {
                errors.add("invoice", message);
                candidates = found;
                // Only the invoice was asked for: the empty cart needs no message of its own.
                wanted = false;
            }
        }
    }
    let typed_store = form.store.trim().to_uppercase();
    let store = match typed_store.as_str() {
        "" => stores
            .iter()
            .find(|s| Some(s.id) == home_store)
            .or_else(|| stores.first()),
        code => stores.iter().find(|s| s.code.eq_ignore_ascii_case(code)),
    }
    .cloned();
    let Some(store) = store else {
        let message = if stores.is_empty() {
            "No store has a POS profile yet: set up a store first."
        } else {
            "Choose a store from the list."
        };
        errors.add("store", message);
        return Ok(finish(form, action, stores, errors, candidates, None, None));
    };
    form.store = store.code.clone();
    let clock = store.clock();
    let now = Utc::now();
    let today = clock.date(now);
    if form.date.trim().is_empty() {
        form.date = today.format("%Y-%m-%d").to_string();
    }
    let loaded = loaded.map(|said| {
        let mut today_form = form.clone();
        today_form.date = today.format("%Y-%m-%d").to_string();
        let link = (today_form.date != form.date)
            .then(|| format!("/offers/simulator?{}", today_form.query()));
        (said, link)
    });
    let (mut draft, found) = model::read(&form, wanted && action == Action::Price);
    if !wanted {
        return Ok(finish(
            form, action, stores, errors, candidates, loaded, None,
        ));
    }
    for (field, message) in found.iter() {
        errors.add(field, message);
    }
    let codes: Vec<String> = draft.lines.iter().map(|l| l.item_code.clone()).collect();
    let mut known = lookup::items(conn, &codes)?;
    // What is no Item Code may be an item's name (typed whole rather than picked).
    for line in &mut draft.lines {
        if known.contains_key(&line.item_code) {
            continue;
        }
        let typed = form.lines.get(line.row).map_or("", |l| picked(&l.item));
        match names::item(conn, typed)? {
            Ok(found) => {
                known.extend(lookup::items(conn, std::slice::from_ref(&found.item_code))?);
                if let Some(typed) = form.lines.get_mut(line.row) {
                    typed.item.clone_from(&found.item_code);
                }
                line.item_code = found.item_code;
            }
            Err(message) => errors.add(&line_field("item", line.row), message),
        }
    }
    let customer = match &draft.customer {
        Some(code) => match lookup::customer_by_code(conn, code)? {
            Some((id, _)) => Some(id),
            None => match names::customer(conn, picked(&form.customer), show_people)? {
                Ok(found) => {
                    form.customer = found.code;
                    Some(found.id)
                }
                Err(message) => {
                    errors.add("customer", message);
                    None
                }
            },
        },
        None => None,
    };
    let scope = pricing::store_scope(conn, store.id)?;
    let sale_known = !errors.has("customer") && !errors.has("date") && !errors.has("coupons");
    let customer = customer.or(scope.default_customer_id);
    let day = draft.day.unwrap_or(today);
    let at = model::instant(day, clock, now);
    // The coupon codes are checked whatever else is wrong with the cart, so that a mistyped
    // code is named at once (for whom and on which day the cart is, once those are known).
    let checked = if sale_known {
        lookup::coupons(conn, &scope, customer, at, &draft.coupons, check)?
    } else {
        Vec::new()
    };
    let mut refused: Vec<(String, String)> = checked
        .iter()
        .filter_map(|(code, said)| said.as_ref().err().map(|why| (code.clone(), why.clone())))
        .collect();
    let accepted: Vec<(String, i64)> = checked
        .into_iter()
        .filter_map(|(code, said)| said.ok().map(|offer| (code, offer)))
        .collect();
    if !errors.is_empty() || draft.lines.is_empty() {
        let mut built = finish(form, action, stores, errors, candidates, loaded, None);
        built.refused = refused;
        return Ok(built);
    }
    let mut wanted_lines = Vec::with_capacity(draft.lines.len());
    for line in &draft.lines {
        let rate = match (line.rate, known.get(&line.item_code)) {
            (Some(rate), _) => rate,
            (None, Some(item)) => item.standard_rate,
            (None, None) => rust_decimal::Decimal::ZERO,
        };
        // A Rate left blank shows the price it was priced at.
        if let Some(typed) = form.lines.get_mut(line.row)
            && typed.rate.trim().is_empty()
        {
            typed.rate = rate_text(rate);
        }
        wanted_lines.push(WantedLine {
            item_code: line.item_code.clone(),
            qty: line.qty,
            price_list_rate: rate,
            manual_discount: rust_decimal::Decimal::ZERO,
        });
    }
    let accepted_codes: Vec<String> = accepted.iter().map(|(code, _)| code.clone()).collect();
    let coupon_codes = CouponCodes {
        codes: &accepted_codes,
        check,
    };
    let priced =
        pricing::price_without_refused(conn, &scope, customer, at, &wanted_lines, coupon_codes);
    let (cart, refused_by_place) = match priced {
        Ok(priced) => priced,
        Err(AppError::Validation(found)) => {
            // The form was checked as the pricing checks it; should it still refuse a line,
            // the message goes to that line.
            for (field, message) in found.iter() {
                errors.add(&line_message_field(field, &draft.lines), message);
            }
            return Ok(finish(
                form, action, stores, errors, candidates, loaded, None,
            ));
        }
        Err(other) => return Err(other),
    };
    // A code checked a moment ago may be refused now (its last use just taken at a till).
    for (i, code) in accepted_codes.iter().enumerate() {
        if let Some(why) = refused_by_place.get(&format!("coupon_codes[{i}]")) {
            refused.push((code.clone(), why.to_owned()));
        }
    }
    let coupons_used: Vec<(String, i64)> = accepted
        .into_iter()
        .filter(|(code, _)| !refused.iter().any(|(r, _)| r == code))
        .collect();
    let missing: Vec<String> = cart
        .lines
        .iter()
        .map(|l| l.item_code.clone())
        .filter(|c| !known.contains_key(c))
        .collect();
    if !missing.is_empty() {
        known.extend(lookup::items(conn, &missing)?);
    }
    let names: HashMap<String, String> = known
        .into_iter()
        .map(|(code, item)| (code, item.name))
        .collect();
    let who = match customer {
        Some(id) => {
            let (code, name) = lookup::customer(conn, id)?;
            let default = if draft.customer.is_none() {
                ", the store's Default Customer"
            } else {
                ""
            };
            format!("{name} ({code}{default})")
        }
        None => "No customer (the store has no Default Customer)".to_owned(),
    };
    let bonus_note = if cart.bonus_points.is_empty() {
        None
    } else {
        pricing::bonus_not_credited(conn, customer, store.company_id, day)?
            .map(|why| format!("Not credited: {why}."))
    };
    let priced = Priced {
        outcome: model::outcome(&cart, &names, &coupons_used),
        context: format!(
            "{} · {who} · {}",
            store.label(),
            crate::web::format::day(day)
        ),
        bonus_note,
        coupons_used: coupons_used.into_iter().map(|(code, _)| code).collect(),
    };
    let mut built = finish(
        form,
        action,
        stores,
        errors,
        candidates,
        loaded,
        Some(priced),
    );
    built.refused = refused;
    Ok(built)
}

/// What a field holds once a picker's "CODE · Name" is cut to its code.
fn picked(typed: &str) -> &str {
    typed.split(" · ").next().unwrap_or_default().trim()
}

/// `lines[2].qty` as the form's field of that line (`qty_5`).
fn line_message_field(field: &str, lines: &[model::DraftLine]) -> String {
    let parsed = field
        .strip_prefix("lines[")
        .and_then(|rest| rest.split_once("]."))
        .and_then(|(i, name)| Some((i.parse::<usize>().ok()?, name)));
    match parsed {
        Some((i, name)) => {
            let row = lines.get(i).map_or(0, |l| l.row);
            let name = match name {
                "item_code" => "item",
                "price_list_rate" => "rate",
                other => other,
            };
            line_field(name, row)
        }
        None => "lines".to_owned(),
    }
}

/// The page's parts, with the lines shown as rows carrying their messages.
fn finish(
    form: SimForm,
    action: Action,
    stores: Vec<StoreChoice>,
    errors: FieldErrors,
    candidates: Vec<Candidate>,
    loaded: Option<(String, Option<String>)>,
    priced: Option<Priced>,
) -> Built {
    let message = |name: &str, i: usize| errors.get(&line_field(name, i)).map(str::to_owned);
    let rows = form
        .lines_shown(action)
        .into_iter()
        .enumerate()
        .map(|(index, line)| LineRow {
            key: index.to_string(),
            index,
            label: format!("line {}", index + 1),
            item_error: message("item", index),
            qty_error: message("qty", index),
            rate_error: message("rate", index),
            line,
        })
        .collect();
    Built {
        form,
        rows,
        stores,
        errors,
        refused: Vec::new(),
        candidates,
        loaded,
        priced,
    }
}

/// A row's key as sent back by the page: letters, digits, `-` and `_` only.
fn row_key(raw: &str) -> String {
    let key: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(24)
        .collect();
    if key.is_empty() { "x".into() } else { key }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RateQuery {
    item: String,
    row: String,
}

#[derive(Template)]
#[template(path = "offers/simulator_rate.html")]
struct RateInput {
    key: String,
    value: String,
}

/// The Rate input of line `row`, filled with the price of `item`, a code or an item's whole name
/// (empty for an unknown item).
async fn rate(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<RateQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let typed = picked(&query.item).to_owned();
    let found = if typed.is_empty() {
        HashMap::new()
    } else {
        state
            .db
            .run(move |conn| {
                let by_code = lookup::items(conn, &[typed.to_uppercase()])?;
                if !by_code.is_empty() {
                    return Ok(by_code);
                }
                Ok(match names::item(conn, &typed)? {
                    Ok(named) => lookup::items(conn, &[named.item_code])?,
                    Err(_) => HashMap::new(),
                })
            })
            .await?
    };
    let value = found
        .into_values()
        .next()
        .map(|item| rate_text(item.standard_rate))
        .unwrap_or_default();
    render(&RateInput {
        key: row_key(&query.row),
        value,
    })
}

#[derive(Template)]
#[template(path = "offers/simulator_line.html")]
struct NewLine {
    row: LineRow,
}

/// A blank cart line for "Add line", keyed so that it cannot clash with the page's own.
async fn line(user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let key = format!("n{:08x}", rand::random::<u32>());
    render(&NewLine {
        row: LineRow::added(key),
    })
}
