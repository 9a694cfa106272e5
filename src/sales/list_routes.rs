//! `GET /invoices` (the list, live filtered by htmx, a plain GET form without JavaScript) and
//! `GET /invoices/export.csv` (the same filters, streamed in keyset chunks). Reports.view.

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use patron_rules::Clock;
use patron_rules::users::Permission;
use serde::{Deserialize, Serialize};

use super::history::parse_before;
use super::list::{self, Currencies, InvoiceFilter, StatusFilter};
use crate::state::AppState;
use crate::web::date_range::read_dates;
use crate::web::pager::{self, Keyset, PageQuery, Pager};
use crate::web::request::is_fragment_request;
use crate::web::stream::csv_download;
use crate::web::{AppError, CurrentUser, FieldErrors, PageCtx, render, see_other};

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

/// The customer the Customer filter names, as (id, code, name): a code (what the picker fills
/// in, "CUST-00002 · Ana Lima" included), or a name or phone number only one customer matches.
/// Otherwise the message to show next to the field.
fn find_customer(
    conn: &mut diesel::PgConnection,
    typed: &str,
) -> Result<Result<(i64, String, String), String>, AppError> {
    use crate::customers::model::{self as customers, ListFilter, Status};
    use patron_rules::customers::Search;
    let typed = typed.split(" · ").next().unwrap_or_default().trim();
    let name = |first: &str, last: &str| format!("{first} {last}").trim().to_owned();
    if let Some(found) = customers::find_by_code(conn, typed)? {
        let shown = name(&found.fields.first_name, &found.fields.last_name);
        return Ok(Ok((found.id, found.code, shown)));
    }
    let Some(search) = patron_rules::customers::search_terms(typed) else {
        return Ok(Err(format!("No customer has the code {typed}.")));
    };
    let nobody = if matches!(search, Search::Code(_)) {
        format!("No customer has the code {typed}.")
    } else {
        format!("No customer matches {typed}.")
    };
    let filter = ListFilter {
        search: Some(search),
        // Invoices outlive a customer's deactivation.
        status: Status::All,
        ..ListFilter::default()
    };
    let mut matches = customers::list(conn, &filter, 2)?;
    Ok(match (matches.pop(), matches.is_empty()) {
        (Some(only), true) => {
            let shown = name(&only.first_name, &only.last_name);
            Ok((only.id, only.code, shown))
        }
        (Some(_), false) => Err(format!(
            "More than one customer matches {typed}: pick one from the suggestions."
        )),
        (None, _) => Err(nobody),
    })
}

/// The filters as read: the list's, the messages next to bad fields, and the chosen customer as
/// (code, name) when the Customer field names one.
type Resolved = (InvoiceFilter, FieldErrors, Option<(String, String)>);

/// Reads the query into a filter; the customer is resolved against the database, and days are
/// the company's (`clock`). Bad values leave their filter out and say why next to the field.
fn resolve(
    conn: &mut diesel::PgConnection,
    query: &ListQuery,
    clock: Clock,
) -> Result<Resolved, AppError> {
    let mut errors = FieldErrors::new();
    let mut filter = InvoiceFilter {
        store_id: query.store.trim().parse().ok(),
        status: StatusFilter::parse(&query.status),
        clock,
        ..InvoiceFilter::default()
    };
    match query.keyset() {
        Keyset::First => {}
        Keyset::After(key) => filter.before = Some(key),
        Keyset::Before(key) => filter.after = Some(key),
    }
    (filter.from, filter.to) = read_dates(&query.from, &query.to, &mut errors);
    let mut chosen = None;
    if !query.customer.trim().is_empty() {
        match find_customer(conn, &query.customer)? {
            Ok((id, code, name)) => {
                filter.customer_id = Some(id);
                chosen = Some((code, name));
            }
            Err(message) => {
                errors.add("customer", message);
                // Nobody's invoices rather than everybody's.
                filter.customer_id = Some(0);
            }
        }
    }
    Ok((filter, errors, chosen))
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
    /// The customer the list shows the invoices of: (code, name).
    customer: Option<(String, String)>,
    /// Whether only the rows are rendered (htmx): the chosen customer's name then travels
    /// out of band to its place under the field.
    fragment: bool,
}

impl IndexPage {
    /// Under the Customer field: whose invoices these are, or what the field takes.
    fn customer_hint(&self) -> String {
        match &self.customer {
            Some((code, name)) => format!("{name} · {code}"),
            None => "A name, code or mobile number".to_owned(),
        }
    }

    fn store_selected(&self, id: &i64) -> bool {
        self.query.store.trim() == id.to_string()
    }

    fn export_query(&self) -> String {
        self.query.filters()
    }
}

/// GET /invoices.
/// Mounts the invoices list and its CSV.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/invoices", web::get().to(index))
        .route("/invoices/export.csv", web::get().to(export));
}

async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReportsView)?;
    let mut query = query.into_inner();
    let fragment = is_fragment_request(&req);
    let (asked, clock) = (query.clone(), user.clock);
    let (rows, stores, errors, customer) = state
        .db
        .run(move |conn| {
            let (filter, errors, customer) = resolve(conn, &asked, clock)?;
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
            Ok((rows, stores, errors, customer))
        })
        .await?;
    // A customer found by name is kept in the address by code, so that the link is the same
    // whoever shares it: without JavaScript by a redirect, with htmx by the pushed address.
    let mut canonical = None;
    if let Some((code, _)) = &customer
        && !query.customer.trim().eq_ignore_ascii_case(code)
    {
        query = ListQuery {
            customer: code.clone(),
            page: PageQuery::default(),
            ..query
        };
        let url = format!("/invoices?{}", query.filters());
        if !fragment {
            return Ok(see_other(&url));
        }
        canonical = Some(url);
    }
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
                date: clock.at(row.posted_at),
                store: row.store.clone(),
                number: row.number.clone(),
                customer: row.customer_name(),
                customer_code: row.customer_code.clone(),
                grand_total: currency.format(row.grand_total),
                status: patron_rules::sales::status_label(&row.status, row.is_return),
            })
            .collect(),
        stores,
        query,
        pager,
        errors,
        customer,
        fragment,
    };
    if fragment {
        let mut res = render(&page.as_rows())?;
        if let Some(url) = canonical
            && let Ok(value) = HeaderValue::from_str(&url)
        {
            res.headers_mut()
                .insert(HeaderName::from_static("hx-push-url"), value);
        }
        Ok(res)
    } else {
        render(&page)
    }
}

/// GET /invoices/export.csv: the list's filters (without its paging) as CSV, streamed.
async fn export(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::ReportsView)?;
    let (query, clock) = (query.into_inner(), user.clock);
    let (mut filter, _, _) = state
        .db
        .run(move |conn| resolve(conn, &query, clock))
        .await?;
    (filter.before, filter.after) = (None, None);
    let (mut first, mut done) = (true, false);
    let mut currencies = Currencies::default();
    let file = format!("invoices-{}.csv", clock.today().format("%Y-%m-%d"));
    Ok(csv_download(state.db.pool().clone(), &file, move |conn| {
        if done {
            return Ok(None);
        }
        let rows = list::list(conn, &filter, CHUNK)?;
        let bytes = list::to_csv(
            conn,
            filter.clock,
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
