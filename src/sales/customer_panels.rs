//! Sales' parts of the customer page: the key figures (lifetime spend and visits), the Balances
//! card (what the customer owes on account, in their currency) and the Sales history section
//! (chart, filters, table, paging).

use askama::Template;
use diesel::PgConnection;
use patron_rules::Currency;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::history::{self, HistoryQuery, SaleLine, SalesHistory};
use super::{list, model};
use crate::customers::panels::{CustomerPanel, Panel, PanelRequest, Slot, html};
use crate::stores::model as stores;
use crate::web::auth::StoreScope;
use crate::web::format::count;
use crate::web::{AppError, FieldErrors};

/// The key figures under the customer's header.
pub struct FiguresPanel;

#[derive(Template)]
#[template(path = "sales/customer_figures.html")]
struct Figures {
    /// "$1,234.50" (each currency they bought in, "$1,234.50 + €20.00").
    spend: String,
    /// "12".
    visits: String,
    /// Net spend per visit, when they bought in one currency.
    average: Option<String>,
    /// "3 Nov 2026".
    last_visit: Option<String>,
}

impl CustomerPanel for FiguresPanel {
    fn render(
        &self,
        conn: &mut PgConnection,
        request: &PanelRequest,
    ) -> Result<Option<Panel>, AppError> {
        let customer = request.customer;
        let lifetime = history::lifetime(conn, customer.id)?;
        let mut spent = Vec::with_capacity(lifetime.len());
        for each in &lifetime {
            let currency =
                stores::currency(conn, &each.currency_code)?.unwrap_or_else(Currency::usd);
            spent.push((currency, each.spend, each.visits));
        }
        let visits: i64 = lifetime.iter().map(|l| l.visits).sum();
        let figures = Figures {
            spend: if spent.is_empty() {
                history::customer_currency(conn, customer.id, customer.origin_store_id)?
                    .format(Decimal::ZERO)
            } else {
                spent
                    .iter()
                    .map(|(currency, spend, _)| currency.format(*spend))
                    .collect::<Vec<_>>()
                    .join(" + ")
            },
            visits: count(visits),
            average: match spent.as_slice() {
                [(currency, spend, visits)] if *visits > 0 => {
                    Some(currency.format(*spend / Decimal::from(*visits)))
                }
                _ => None,
            },
            last_visit: lifetime
                .iter()
                .filter_map(|l| l.last_visit)
                .max()
                .map(|at| at.format("%-d %b %Y").to_string()),
        };
        Ok(Some(Panel {
            slot: Slot::Figures,
            html: html(&figures)?,
        }))
    }
}

/// The Balances card.
pub struct BalancesPanel;

#[derive(Template)]
#[template(path = "sales/customer_balances.html")]
struct BalancesCard {
    customer_id: i64,
    outstanding: String,
    credit_limit: String,
    available: String,
    can_edit: bool,
}

impl CustomerPanel for BalancesPanel {
    fn render(
        &self,
        conn: &mut PgConnection,
        request: &PanelRequest,
    ) -> Result<Option<Panel>, AppError> {
        let customer = request.customer;
        let currency = history::customer_currency(conn, customer.id, customer.origin_store_id)?;
        let outstanding = model::accounts::outstanding(conn, customer.id)?;
        let limit = customer.fields.credit_limit;
        let card = BalancesCard {
            customer_id: customer.id,
            outstanding: currency.format(outstanding),
            credit_limit: currency.format(limit),
            available: currency.format((limit - outstanding).max(Decimal::ZERO)),
            can_edit: request.viewer.may_edit(customer),
        };
        Ok(Some(Panel {
            slot: Slot::Card,
            html: html(&card)?,
        }))
    }
}

/// The Sales history section.
pub struct HistoryPanel;

#[derive(Template)]
#[template(path = "sales/customer_history.html")]
struct HistorySection {
    customer_id: i64,
    sales: SalesHistory,
    history: HistoryQuery,
    history_errors: FieldErrors,
    stores: Vec<(i64, String, String)>,
    /// A store supervisor opens only their own store's invoices.
    scope: StoreScope,
}

impl HistorySection {
    /// Whether the viewer may open `sale`'s invoice page (the number links to it then).
    fn opens(&self, sale: &SaleLine) -> bool {
        self.scope.allows(Some(sale.store_id))
    }

    fn store_selected(&self, id: &i64) -> bool {
        self.history.store.trim() == id.to_string()
    }
}

/// The page's query as the history reads it (the tab and other panels' keys are ignored).
#[derive(Deserialize)]
struct Query {
    #[serde(flatten)]
    history: HistoryQuery,
}

impl CustomerPanel for HistoryPanel {
    fn render(
        &self,
        conn: &mut PgConnection,
        request: &PanelRequest,
    ) -> Result<Option<Panel>, AppError> {
        let query: HistoryQuery = serde_urlencoded::from_str::<Query>(request.query)
            .map(|q| q.history)
            .map_err(|e| AppError::BadRequest(format!("The address could not be read: {e}")))?;
        let mut history_errors = FieldErrors::new();
        let filter = query.read(request.viewer.clock, &mut history_errors);
        let section = HistorySection {
            customer_id: request.customer.id,
            sales: history::page(conn, request.customer.id, &filter)?,
            history: query,
            history_errors,
            stores: list::stores(conn)?,
            scope: request.viewer.scope,
        };
        Ok(Some(Panel {
            slot: Slot::History,
            html: html(&section)?,
        }))
    }
}
