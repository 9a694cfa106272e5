//! `GET /customers/{id}/loyalty/ledger` (customers.view or reports.view: store supervisors
//! explain points to customers) — every entry of the customer with its running balance, 200 a
//! page, keyset paged — and `GET /customers/{id}/loyalty/ledger.csv`, streamed.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use patron_rules::Currency;
use patron_rules::users::Permission;
use serde::Deserialize;

use super::model::customer_ledger::{self, LedgerRow, kind_label, parse_cursor};
use super::model::reports::{CompanyCurrencies, value};
use crate::customers::head::{CustomerHead, CustomerTab};
use crate::customers::model as customers;
use crate::state::AppState;
use crate::web::auth::StoreScope;
use crate::web::format::count;
use crate::web::pager::{self, Keyset, PageQuery, Pager};
use crate::web::request::is_fragment_request;
use crate::web::stream::csv_download;
use crate::web::{AppError, CurrentUser, PageCtx, render};

/// Entries per page.
pub const PAGE_SIZE: i64 = 200;
/// Entries per CSV chunk.
const CHUNK: i64 = 5_000;
/// Who may read a customer's ledger.
const READERS: [Permission; 2] = [Permission::CustomersView, Permission::ReportsView];

/// Mounts the ledger routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/{id}/loyalty/ledger", web::get().to(show))
        .route("/customers/{id}/loyalty/ledger.csv", web::get().to(export));
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LedgerQuery {
    #[serde(flatten)]
    page: PageQuery,
}

/// A program's balance as shown above the ledger.
struct BalanceView {
    program: String,
    points: String,
    value: String,
    enrolled: bool,
}

/// One entry as shown.
struct RowView {
    date: String,
    program: String,
    kind: &'static str,
    invoice: Option<String>,
    /// The invoice page, when the user may open it.
    invoice_link: Option<String>,
    purchase: String,
    points: String,
    negative: bool,
    balance: String,
    tier: String,
    expiry: String,
    reason: String,
    created_by: String,
}

#[derive(Template)]
#[template(path = "loyalty/ledger.html", blocks = ["rows"])]
struct LedgerPage {
    ctx: PageCtx,
    /// The customer's header and tabs, as on their page.
    head: CustomerHead,
    customer_id: i64,
    balances: Vec<BalanceView>,
    show_program: bool,
    rows: Vec<RowView>,
    pager: Pager,
    paged: bool,
}

fn row_view(row: LedgerRow, currency: &Currency, scope: StoreScope) -> RowView {
    let opens = scope.allows(row.invoice_store_id);
    RowView {
        date: row.posting_date.format("%-d %b %Y").to_string(),
        kind: kind_label(&row.kind),
        invoice_link: row
            .invoice_uuid
            .filter(|_| opens)
            .map(|uuid| format!("/invoices/{uuid}")),
        invoice: row.invoice_number,
        purchase: if row.purchase_amount.is_zero() {
            String::new()
        } else {
            currency.format(row.purchase_amount)
        },
        points: if row.points > 0 {
            format!("+{}", count(row.points))
        } else {
            count(row.points)
        },
        negative: row.points < 0,
        balance: count(row.balance),
        tier: row.tier.unwrap_or_default(),
        expiry: row
            .expiry_date
            .map(|d| d.format("%-d %b %Y").to_string())
            .unwrap_or_default(),
        reason: row.reason,
        created_by: row.created_by,
        program: row.program,
    }
}

/// GET /customers/{id}/loyalty/ledger.
async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<LedgerQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let id = id.into_inner();
    let keyset = query.page.keyset(parse_cursor);
    let (after, backward) = match &keyset {
        Keyset::First => (None, false),
        Keyset::After(key) => (Some(*key), false),
        Keyset::Before(key) => (Some(*key), true),
    };
    let today = user.clock.today();
    let (role, scope) = (user.role, user.store_scope());
    let (head, balances, rows) = state
        .db
        .run(move |conn| {
            let customer = customers::find(conn, id)?;
            let facts = customers::facts(conn, &customer)?;
            let head = CustomerHead::new(&customer, &facts, role, scope, CustomerTab::Loyalty);
            let balances = customer_ledger::balances(conn, id, today)?;
            let found = customer_ledger::page(conn, id, after, backward, PAGE_SIZE + 1)?;
            let mut currencies = CompanyCurrencies::default();
            let mut priced = Vec::with_capacity(balances.len());
            for balance in balances {
                let currency = currencies.get(conn, balance.company_id)?;
                priced.push((balance, currency));
            }
            let mut rows = Vec::with_capacity(found.len());
            for row in found {
                let currency = currencies.get(conn, row.company_id)?;
                rows.push((row, currency));
            }
            Ok((head, priced, rows))
        })
        .await?;
    let (rows, pager) = pager::paginate(
        &query.page,
        &keyset,
        rows,
        usize::try_from(PAGE_SIZE).unwrap_or(200),
        |(row, _)| row.cursor(),
        &format!("/customers/{id}/loyalty/ledger"),
        "ledger-rows",
    );
    let page = LedgerPage {
        ctx: user.page(),
        head,
        customer_id: id,
        show_program: balances.len() > 1,
        balances: balances
            .into_iter()
            .map(|(b, currency)| BalanceView {
                value: currency.format(value(b.balance, b.conversion_factor, &currency)),
                points: count(b.balance),
                program: b.program,
                enrolled: b.enrolled,
            })
            .collect(),
        rows: rows
            .into_iter()
            .map(|(row, currency)| row_view(row, &currency, scope))
            .collect(),
        pager,
        paged: after.is_some(),
    };
    if is_fragment_request(&req) {
        render(&page.as_rows())
    } else {
        render(&page)
    }
}

/// GET /customers/{id}/loyalty/ledger.csv: every entry with its running balance, streamed.
async fn export(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&READERS)?;
    let id = id.into_inner();
    let customer = state
        .db
        .run(move |conn| Ok(customers::find(conn, id)?))
        .await?;
    let file = format!(
        "loyalty-ledger-{}-{}.csv",
        customer.code,
        Utc::now().format("%Y-%m-%d")
    );
    let (mut first, mut done, mut after) = (true, false, None);
    let mut currencies = CompanyCurrencies::default();
    Ok(csv_download(state.db.pool().clone(), &file, move |conn| {
        if done {
            return Ok(None);
        }
        let rows = customer_ledger::page(conn, id, after, false, CHUNK)?;
        // A short chunk is the last one.
        done = i64::try_from(rows.len()).unwrap_or(0) < CHUNK;
        after = rows.last().map(|r| (r.posting_date, r.id));
        let mut priced = Vec::with_capacity(rows.len());
        for row in rows {
            let currency = currencies.get(conn, row.company_id)?;
            priced.push((row, currency));
        }
        let bytes = customer_ledger::to_csv(&priced, std::mem::replace(&mut first, false))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Some(bytes.into()))
    }))
}
