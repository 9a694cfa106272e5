//! The gift card list and the Issue form (gift_cards.manage): the list searches by the start of
//! a number or by customer and filters by status, newest first; issuing takes a typed number or
//! makes one, an Initial Value, a customer from the picker and a Valid Upto, in one transaction
//! with its first ledger entry and the audit entry.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use patron_rules::customers::search_terms;
use patron_rules::gift_cards::{Status, grouped};
use patron_rules::keyset::Keyset;
use patron_rules::users::Permission;
use serde::Deserialize;

use super::forms::IssueForm;
use super::model::queries::{self, Currencies, ListFilter, ListRow};
use super::model::{self, NewCard};
use crate::customers::model as customers;
use crate::state::AppState;
use crate::stores::model::{self as stores, Company};
use crate::web::pager::{self, PageQuery, Pager};
use crate::web::request::is_fragment_request;
use crate::web::{
    AppError, CurrentUser, FieldErrors, Flash, PageCtx, render, render_status, see_other,
};

/// Cards a page of the list holds.
const PAGE_SIZE: usize = 50;

/// Customers a search looks at for their cards.
const CUSTOMER_MATCHES: i64 = 200;

/// Mounts the list and the Issue form.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/gift-cards", web::get().to(index))
        .route("/gift-cards", web::post().to(create))
        .route("/gift-cards/new", web::get().to(new_page));
}

/// The list's query string.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    q: String,
    status: String,
    #[serde(flatten)]
    page: PageQuery,
}

/// One card as the list shows it.
struct CardLine {
    id: i64,
    number: String,
    customer: Option<(i64, String, String)>,
    balance: String,
    initial_value: String,
    valid_upto: String,
    status: Status,
    issued: String,
}

#[derive(Template)]
#[template(path = "gift_cards/index.html", blocks = ["rows"])]
struct IndexPage {
    ctx: PageCtx,
    query: ListQuery,
    rows: Vec<CardLine>,
    pager: Pager,
    filtered: bool,
}

impl IndexPage {
    fn statuses(&self) -> [(&'static str, &'static str); 3] {
        Status::CHOICES
    }
}

async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::GiftCardsManage)?;
    let query = query.into_inner();
    let today = user.clock.today();
    let keyset: Keyset<i64> = query.page.keyset(|k| k.parse().ok());
    let typed = query.clone();
    let clock = user.clock;
    let (rows, pager) = state
        .db
        .run(move |conn| {
            let q = typed.q.trim();
            let customers = match search_terms(q) {
                Some(search) => {
                    let filter = customers::ListFilter {
                        search: Some(search),
                        ..customers::ListFilter::default()
                    };
                    customers::list(conn, &filter, CUSTOMER_MATCHES)?
                        .into_iter()
                        .map(|c| c.id)
                        .collect()
                }
                None => Vec::new(),
            };
            let filter = ListFilter {
                number_prefix: queries::number_prefix(q),
                customers,
                searched: !q.is_empty(),
                status: Status::parse(&typed.status),
                today,
            };
            let found = queries::list(conn, &filter, &keyset, PAGE_SIZE as i64 + 1)?;
            let base = pager::link("/gift-cards", &[("q", q), ("status", typed.status.trim())]);
            let (found, pager) = pager::paginate(
                &typed.page,
                &keyset,
                found,
                PAGE_SIZE,
                |row: &ListRow| row.id.to_string(),
                &base,
                "card-rows",
            );
            let mut currencies = Currencies::default();
            let mut rows = Vec::with_capacity(found.len());
            for row in found {
                let currency = currencies.get(conn, &row.currency_code)?;
                rows.push(CardLine {
                    id: row.id,
                    number: grouped(&row.number),
                    customer: row.customer.map(|(id, code, first, last)| {
                        (id, code, format!("{first} {last}").trim().to_owned())
                    }),
                    balance: currency.format(row.balance),
                    initial_value: currency.format(row.initial_value),
                    valid_upto: row
                        .valid_upto
                        .map(|d| d.format("%-d %b %Y").to_string())
                        .unwrap_or_else(|| "No expiry".into()),
                    status: Status::of(row.disabled, row.valid_upto, today),
                    issued: clock.day(row.issued_at),
                });
            }
            Ok((rows, pager))
        })
        .await?;
    let filtered = !query.q.trim().is_empty() || !query.status.trim().is_empty();
    let page = IndexPage {
        ctx: user.page(),
        query,
        rows,
        pager,
        filtered,
    };
    if is_fragment_request(&req) {
        render(&page.as_rows())
    } else {
        render(&page)
    }
}

#[derive(Template)]
#[template(path = "gift_cards/form.html")]
struct FormPage {
    ctx: PageCtx,
    form: IssueForm,
    errors: FieldErrors,
    companies: Vec<Company>,
}

impl FormPage {
    fn chosen(&self, id: &i64) -> bool {
        self.form.company() == Some(*id)
    }
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    form: IssueForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let companies = state
        .db
        .run(|conn| {
            Ok(stores::companies(conn)?
                .into_iter()
                .filter(|c| c.active)
                .collect())
        })
        .await?;
    render_status(
        status,
        &FormPage {
            ctx: user.page(),
            form,
            errors,
            companies,
        },
    )
}

/// `?customer=CUST-00042` starts the form with that customer (the customer page's link).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NewQuery {
    customer: String,
}

async fn new_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::GiftCardsManage)?;
    let store = user.store_id;
    let company = state
        .db
        .run(move |conn| Ok(stores::company_of(conn, store)?.map(|c| c.id)))
        .await?;
    let form = IssueForm {
        company_id: company.map(|c| c.to_string()).unwrap_or_default(),
        customer: query.customer.trim().to_owned(),
        ..IssueForm::default()
    };
    form_page(&state, &user, StatusCode::OK, form, FieldErrors::new()).await
}

/// Issues a card in one transaction, audited; bad input comes back as the form with messages.
async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<IssueForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Permission::GiftCardsManage)?;
    let form = form.into_inner();
    let typed = form.clone();
    let actor = user.actor();
    let today = user.clock.today();
    let outcome = state
        .db
        .tx(move |conn| {
            let company = match typed.company().map(|id| stores::find_company(conn, id)) {
                Some(Ok(company)) if company.active => company,
                _ => {
                    let mut errors = FieldErrors::new();
                    errors.add("company_id", "Choose the company.");
                    return Ok(Err(errors));
                }
            };
            let currency = stores::company_currency(conn, company.id)?;
            let fields = match typed.parse(&currency, today) {
                Ok(fields) => fields,
                Err(errors) => return Ok(Err(errors)),
            };
            let mut errors = FieldErrors::new();
            let customer_id = match fields.customer_code.as_deref() {
                None => None,
                Some(code) => match customers::find_by_code(conn, code)? {
                    Some(customer) if customer.active => Some(customer.id),
                    Some(_) => {
                        errors.add("customer", "This customer is deactivated; pick another.");
                        None
                    }
                    None => {
                        errors.add("customer", format!("No customer has the code {code}."));
                        None
                    }
                },
            };
            if let Some(number) = &fields.number
                && model::number_taken(conn, number)?
            {
                errors.add("number", "Another gift card has this number.");
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            let number = match fields.number {
                Some(number) => number,
                None => model::unused_number(conn)?,
            };
            let new = NewCard {
                number,
                company_id: company.id,
                currency_code: currency.code.clone(),
                initial_value: fields.initial_value,
                customer_id,
                valid_upto: fields.valid_upto,
                store_id: None,
            };
            let card = model::issue(conn, &new, None, &actor)?.ok_or_else(|| {
                AppError::Internal("a card without a till's uuid conflicted".into())
            })?;
            Ok(Ok((
                card.id,
                grouped(&card.number),
                currency.format(card.balance),
            )))
        })
        .await?;
    match outcome {
        Ok((id, number, value)) => {
            user.flash(Flash::success(format!(
                "Issued gift card {number} with {value}."
            )));
            Ok(see_other(&format!("/gift-cards/{id}")))
        }
        Err(errors) => {
            form_page(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                errors,
            )
            .await
        }
    }
}
