//! A gift card's page (gift_cards.manage): its balance, status, customer and the ledger newest
//! first with links to the invoices, and what people do to a card — Top up (active cards only),
//! Adjust (a signed amount with its reason, never below zero), Disable and Enable. Each is one
//! transaction with its ledger entry and its audit entry; bad input re-renders the page (422)
//! with the message next to the field.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::NaiveDate;
use diesel::PgConnection;
use patron_rules::gift_cards::{EntryKind, Status, grouped};
use patron_rules::keyset::Keyset;
use patron_rules::users::Permission;
use patron_rules::{Clock, Currency};
use serde::Deserialize;

use super::forms::MoveForm;
use super::model::ledger::{self, EntryRow, Move};
use super::model::queries::{self, CardFacts};
use super::model::{self, Card};
use crate::kernel::Actor;
use crate::state::AppState;
use crate::web::auth::StoreScope;
use crate::web::pager::{self, PageQuery, Pager};
use crate::web::request::is_fragment_request;
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Entries a page of the ledger holds.
const PAGE_SIZE: usize = 100;

/// Mounts the card's page and its actions.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/gift-cards/{id}", web::get().to(show))
        .route("/gift-cards/{id}/top-up", web::post().to(top_up))
        .route("/gift-cards/{id}/adjust", web::post().to(adjust))
        .route(
            "/gift-cards/{id}/{action:disable|enable}",
            web::post().to(switch),
        );
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LedgerQuery {
    #[serde(flatten)]
    page: PageQuery,
}

/// One entry as the ledger shows it.
struct EntryLine {
    date: String,
    kind: &'static str,
    amount: String,
    negative: bool,
    balance: String,
    /// The invoice's number, and its page when the viewer may open it.
    invoice: Option<(String, Option<String>)>,
    note: String,
    by: String,
}

fn entry_line(row: EntryRow, currency: &Currency, clock: Clock, scope: StoreScope) -> EntryLine {
    EntryLine {
        date: clock.at(row.created_at),
        kind: EntryKind::from_stored(&row.kind).map_or("Entry", EntryKind::label),
        negative: row.amount.is_sign_negative(),
        amount: if row.amount.is_sign_negative() {
            currency.format(row.amount)
        } else {
            format!("+{}", currency.format(row.amount))
        },
        balance: currency.format(row.balance_after),
        invoice: row.invoice.map(|(uuid, number, store)| {
            let href = scope
                .allows(Some(store))
                .then(|| format!("/invoices/{uuid}"));
            (number, href)
        }),
        note: row.note,
        by: row.created_by,
    }
}

#[derive(Template)]
#[template(path = "gift_cards/show.html", blocks = ["entries"])]
struct ShowPage {
    ctx: PageCtx,
    card: Card,
    number: String,
    status: Status,
    facts: CardFacts,
    balance: String,
    initial_value: String,
    valid_upto: String,
    issued: String,
    entries: Vec<EntryLine>,
    pager: Pager,
    /// What was typed in the form that failed, and its messages.
    top_up: MoveForm,
    top_up_errors: FieldErrors,
    adjust: MoveForm,
    adjust_errors: FieldErrors,
}

impl ShowPage {
    /// Why the card takes no top-up now, if it takes none.
    fn no_top_up(&self) -> Option<&'static str> {
        match self.status {
            Status::Active => None,
            Status::Disabled => Some("A disabled card takes no top-ups: enable it first."),
            Status::Expired => Some("An expired card takes no top-ups."),
        }
    }
}

/// Which form failed, with what was typed and why.
enum Failed {
    None,
    TopUp(MoveForm, FieldErrors),
    Adjust(MoveForm, FieldErrors),
}

/// The card's page: everything read in one go, on the ledger page `query` asks for.
async fn page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    query: &LedgerQuery,
    failed: Failed,
) -> Result<ShowPage, AppError> {
    let keyset: Keyset<i64> = query.page.keyset(|k| k.parse().ok());
    let (older, newer) = match keyset {
        Keyset::First => (None, None),
        Keyset::After(k) => (Some(k), None),
        Keyset::Before(k) => (None, Some(k)),
    };
    let (clock, scope) = (user.clock, user.store_scope());
    let (card, facts, currency, rows) = state
        .db
        .run(move |conn| {
            let card = model::find(conn, id)?;
            let facts = queries::facts(conn, card.customer_id, card.store_id, card.company_id)?;
            let currency = crate::stores::model::currency(conn, &card.currency_code)?
                .unwrap_or_else(Currency::usd);
            let rows = ledger::page(conn, id, older, newer, PAGE_SIZE as i64 + 1)?;
            Ok((card, facts, currency, rows))
        })
        .await?;
    let (rows, pager) = pager::paginate(
        &query.page,
        &keyset,
        rows,
        PAGE_SIZE,
        |row: &EntryRow| row.id.to_string(),
        &format!("/gift-cards/{id}"),
        "card-entries",
    );
    let (top_up, top_up_errors, adjust, adjust_errors) = match failed {
        Failed::None => Default::default(),
        Failed::TopUp(form, errors) => (form, errors, MoveForm::default(), FieldErrors::new()),
        Failed::Adjust(form, errors) => (MoveForm::default(), FieldErrors::new(), form, errors),
    };
    let today = user.clock.today();
    Ok(ShowPage {
        ctx: user.page(),
        number: grouped(&card.number),
        status: card.status(today),
        balance: currency.format(card.balance),
        initial_value: currency.format(card.initial_value),
        valid_upto: card
            .valid_upto
            .map(|d| d.format("%-d %b %Y").to_string())
            .unwrap_or_else(|| "No expiry".into()),
        issued: format!(
            "{} by {} {}",
            clock.at(card.issued_at),
            card.issued_by,
            facts
                .store
                .as_ref()
                .map_or_else(|| "at HQ".to_owned(), |store| format!("at {store}"))
        ),
        entries: rows
            .into_iter()
            .map(|row| entry_line(row, &currency, clock, scope))
            .collect(),
        pager,
        card,
        facts,
        top_up,
        top_up_errors,
        adjust,
        adjust_errors,
    })
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<LedgerQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::GiftCardsManage)?;
    let page = page(&state, &user, id.into_inner(), &query, Failed::None).await?;
    if is_fragment_request(&req) {
        render(&page.as_entries())
    } else {
        render(&page)
    }
}

/// A card action's outcome: done (with the flash to show), or the form back with messages.
type Outcome = Result<String, FieldErrors>;

/// Runs `act` on card `id` in one transaction (the card's currency at hand), then sends the
/// person back to the card's page, or shows it again with `failed`'s form and its messages.
async fn act<F>(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    form: MoveForm,
    failed: fn(MoveForm, FieldErrors) -> Failed,
    act: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut PgConnection, &Card, &Currency, &Actor) -> Result<Outcome, AppError>
        + Send
        + 'static,
{
    let actor = user.actor();
    let outcome = state
        .db
        .tx(move |conn| {
            let card = model::find(conn, id)?;
            let currency = crate::stores::model::currency(conn, &card.currency_code)?
                .unwrap_or_else(Currency::usd);
            act(conn, &card, &currency, &actor)
        })
        .await?;
    match outcome {
        Ok(done) => {
            user.flash(Flash::success(done));
            Ok(see_other(&format!("/gift-cards/{id}")))
        }
        Err(errors) => {
            let page = page(
                state,
                user,
                id,
                &LedgerQuery::default(),
                failed(form, errors),
            )
            .await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

fn refusal(field: &str, message: impl Into<String>) -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.add(field, message);
    errors
}

async fn top_up(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::GiftCardsManage)?;
    let form = form.into_inner();
    let typed = form.clone();
    let today = user.clock.today();
    act(
        &state,
        &user,
        id.into_inner(),
        form,
        Failed::TopUp,
        move |conn, card, currency, actor| {
            let (amount, note) = match typed.top_up(currency) {
                Ok(parsed) => parsed,
                Err(errors) => return Ok(Err(errors)),
            };
            let by = actor.parts().1;
            let movement = Move {
                kind: EntryKind::TopUp,
                amount,
                invoice_id: None,
                reverses_id: None,
                note: &note,
                by: &by,
            };
            let Some(after) =
                model::move_balance(conn, actor, card, "top_up", &movement, Some(today))?
            else {
                return Ok(Err(refusal("amount", not_usable(card, today))));
            };
            Ok(Ok(format!(
                "Topped up {} by {}: the balance is {}.",
                grouped(&card.number),
                currency.format(amount),
                currency.format(after)
            )))
        },
    )
    .await
}

/// Why card `card` took no top-up on `today` (it was disabled or expired meanwhile).
fn not_usable(card: &Card, today: NaiveDate) -> &'static str {
    match card.status(today) {
        Status::Expired => "An expired card takes no top-ups.",
        _ => "A disabled card takes no top-ups: enable it first.",
    }
}

async fn adjust(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::GiftCardsManage)?;
    let form = form.into_inner();
    let typed = form.clone();
    act(
        &state,
        &user,
        id.into_inner(),
        form,
        Failed::Adjust,
        move |conn, card, currency, actor| {
            let (amount, note) = match typed.adjustment(currency, card.balance) {
                Ok(parsed) => parsed,
                Err(errors) => return Ok(Err(errors)),
            };
            let by = actor.parts().1;
            let movement = Move {
                kind: EntryKind::Adjustment,
                amount,
                invoice_id: None,
                reverses_id: None,
                note: &note,
                by: &by,
            };
            // The balance read above may be gone by now (a sale at a till): the UPDATE decides.
            let Some(after) = model::move_balance(conn, actor, card, "adjust", &movement, None)?
            else {
                let balance = ledger::balance(conn, card.id)?;
                return Ok(Err(refusal(
                    "amount",
                    format!(
                        "The balance is {}: an adjustment can take away at most that.",
                        currency.format(balance)
                    ),
                )));
            };
            Ok(Ok(format!(
                "Adjusted {} by {}: the balance is {}.",
                grouped(&card.number),
                currency.format(amount),
                currency.format(after)
            )))
        },
    )
    .await
}

/// Disable or Enable, audited.
async fn switch(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::GiftCardsManage)?;
    let (id, action) = path.into_inner();
    let disable = action == "disable";
    let actor = user.actor();
    let card = state
        .db
        .tx(move |conn| Ok(model::set_disabled(conn, &actor, id, disable)?))
        .await?;
    let done = if disable {
        "disabled: it pays nothing until it is enabled again"
    } else {
        "enabled"
    };
    user.flash(Flash::success(format!(
        "Gift card {} {done}.",
        grouped(&card.number)
    )));
    Ok(see_other(&format!("/gift-cards/{id}")))
}
