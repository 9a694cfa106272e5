//! Sales' parts of the customer page: the Balances card (what the customer owes on account,
//! in their currency) and the Sales history section (chart, filters, table, paging).

use askama::Template;
use diesel::PgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::history::{self, HistoryQuery, SaleLine, SalesHistory};
use super::{list, model};
use crate::customers::panels::{CustomerPanel, Panel, PanelRequest, Slot, html};
use crate::web::auth::StoreScope;
use crate::web::{AppError, FieldErrors};

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
        let outstanding = model::outstanding(conn, customer.id)?;
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
