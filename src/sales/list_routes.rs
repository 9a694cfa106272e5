//! `GET /invoices` (the list, live filtered by htmx, a plain GET form without JavaScript) and
//! `GET /invoices/export.csv` (the same filters, streamed in keyset chunks). Reports.view.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::history::parse_before;
use super::list::{self, Currencies, InvoiceFilter, StatusFilter};
use crate::state::AppState;
use crate::users::rules::Permission;
use crate::web::pager::{self, Keyset, PageQuery, Pager};
use crate::web::request::is_fragment_request;
use crate::web::stream::csv_download;
use crate::web::{AppError, CurrentUser, FieldErrors, PageCtx, render};

/// Invoices per page.
pub const PAGE_SIZE: i64 = 50;
/// Rows per CSV chunk.
const CHUNK: i64 = 5_000;

/// The filter form as it arrives in the query string (empty strings mean "any").
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    store: String,
    from: String,
    to: String,
    customer: String,
    status: String,
    #[serde(flatten)]
    page: PageQuery,
}

impl ListQuery {
    /// The filters without the page cursor, as a query string.
    fn filters(&self) -> String {
        let link = self.link();
        link.split_once('?')
            .map(|(_, query)| query.to_owned())
            .unwrap_or_default()
    }

    /// The page's position: a row's key is its `ListRow::cursor`, `posted_at,id`.
    fn keyset(&self) -> Keyset<(chrono::DateTime<Utc>, i64)> {
        self.page.keyset(parse_before)
    }

    /// The list's address with its filters.
    fn link(&self) -> String {
        pager::link(
            "/invoices",
            &[
                ("store", self.store.as_str()),
                ("from", &self.from),
                ("to", &self.to),
                ("customer", &self.customer),
                ("status", &self.status),
            ],
        )
    }
}

fn parse_date(raw: &str) -> Result<Option<NaiveDate>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ())
}

/// Reads a From/To pair as typed: a bad date or a To before From is left out and explained next
/// to its field under the names `from` and `to`.
pub fn read_dates(
    from: &str,
    to: &str,
    errors: &mut FieldErrors,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let from = parse_date(from).unwrap_or_else(|()| {
        errors.add("from", "Dates look like 2026-11-23.");
        None
    });
    let mut to = parse_date(to).unwrap_or_else(|()| {
        errors.add("to", "Dates look like 2026-11-23.");
        None
    });
    if let (Some(from), Some(until)) = (from, to)
        && from > until
    {
        errors.add("to", "To comes before From: swap them.");
        to = None;
    }
    (from, to)
}

/// Reads the query into a filter; the customer code is resolved against the database. Bad
/// values leave their filter out and say why next to the field.
fn resolve(
    conn: &mut diesel::PgConnection,
    query: &ListQuery,
) -> Result<(InvoiceFilter, FieldErrors), AppError> {
    let mut errors = FieldErrors::new();
    let mut filter = InvoiceFilter {
        store_id: query.store.trim().parse().ok(),
        status: StatusFilter::parse(&query.status),
        ..InvoiceFilter::default()
    };
    match query.keyset() {
        Keyset::First => {}
        Keyset::After(key) => filter.before = Some(key),
        Keyset::Before(key) => filter.after = Some(key),
    }
    (filter.from, filter.to) = read_dates(&query.from, &query.to, &mut errors);
    let code = query.customer.trim();
    if !code.is_empty() {
        match crate::customers::model::find_by_code(conn, code)? {
            Some(customer) => filter.customer_id = Some(customer.id),
            None => {
                errors.add("customer", format!("No customer has the code {code}."));
                // Nobody's invoices rather than everybody's.
                filter.customer_id = Some(0);
            }
        }
    }
    Ok((filter, errors))
}

/// A list row as shown.
struct Row {
    uuid: String,
    date: String,
    store: String,
    number: String,
    customer: String,
    customer_code: String,
    grand_total: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "sales/invoices.html", blocks = ["rows"])]
struct IndexPage {
    ctx: PageCtx,
    query: ListQuery,
    stores: Vec<(i64, String, String)>,
    rows: Vec<Row>,
    pager: Pager,
    errors: FieldErrors,
}

impl IndexPage {
    fn store_selected(&self, id: &i64) -> bool {
        self.query.store.trim() == id.to_string()
    }

    fn export_query(&self) -> String {
        self.query.filters()
    }
}

/// GET /invoices.
pub async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReportsView)?;
    let query = query.into_inner();
    let fragment = is_fragment_request(&req);
    let asked = query.clone();
    let (rows, stores, errors) = state
        .db
        .run(move |conn| {
            let (filter, errors) = resolve(conn, &asked)?;
            let found = list::list(conn, &filter, PAGE_SIZE + 1)?;
            let stores = if fragment {
                Vec::new()
            } else {
                list::stores(conn)?
            };
            let mut currencies = Currencies::default();
            let mut rows = Vec::with_capacity(found.len());
            for row in found {
                let currency = currencies.get(conn, &row.currency_code)?;
                rows.push((row, currency));
            }
            Ok((rows, stores, errors))
        })
        .await?;
    let (rows, pager) = pager::paginate(
        &query.page,
        &query.keyset(),
        rows,
        usize::try_from(PAGE_SIZE).unwrap_or(50),
        |(row, _)| row.cursor(),
        &query.link(),
        "invoice-rows",
    );
    let page = IndexPage {
        ctx: user.page(),
        rows: rows
            .into_iter()
            .map(|(row, currency)| Row {
                uuid: row.uuid.to_string(),
                date: row.posted_at.format("%-d %b %Y, %H:%M").to_string(),
                store: row.store.clone(),
                number: row.number.clone(),
                customer: row.customer_name(),
                customer_code: row.customer_code.clone(),
                grand_total: currency.format(row.grand_total),
                status: super::invoice_page::status_label(&row.status, row.is_return),
            })
            .collect(),
        stores,
        query,
        pager,
        errors,
    };
    if fragment {
        render(&page.as_rows())
    } else {
        render(&page)
    }
}

/// GET /invoices/export.csv: the list's filters (without its paging) as CSV, streamed.
pub async fn export(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReportsView)?;
    let query = query.into_inner();
    let (mut filter, _) = state.db.run(move |conn| resolve(conn, &query)).await?;
    (filter.before, filter.after) = (None, None);
    let (mut first, mut done) = (true, false);
    let mut currencies = Currencies::default();
    let file = format!("invoices-{}.csv", Utc::now().format("%Y-%m-%d"));
    Ok(csv_download(state.db.pool().clone(), &file, move |conn| {
        if done {
            return Ok(None);
        }
        let rows = list::list(conn, &filter, CHUNK)?;
        let bytes = list::to_csv(
            conn,
            &mut currencies,
            &rows,
            std::mem::replace(&mut first, false),
        )?;
        // A short chunk is the last one.
        done = i64::try_from(rows.len()).unwrap_or(0) < CHUNK;
        filter.before = rows.last().map(|r| (r.posted_at, r.id));
        Ok(Some(bytes.into()))
    }))
}
