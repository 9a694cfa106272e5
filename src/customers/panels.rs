//! The parts of the customer page that other areas own — balances and the sales history from
//! sales, the Loyalty card from loyalty. Each area renders its own part; the app lists them
//! (`app::customer_panels`) and customers shows them in order, knowing none of those areas.

use chrono::NaiveDate;
use diesel::PgConnection;
use patron_rules::Clock;
use patron_rules::users::{Permission, Role};

use super::model::Customer;
use crate::web::auth::StoreScope;
use crate::web::{AppError, CurrentUser};

/// Who looks at the page: what panels decide permissions by (the signed-in user itself stays on
/// the async side; this travels to the database thread).
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Their role.
    pub role: Role,
    /// Whose records they act on.
    pub scope: StoreScope,
    /// The session's CSRF token, for the panels' forms.
    pub csrf: String,
    /// Their company's clock: how the panels read times and days.
    pub clock: Clock,
}

impl Viewer {
    /// `user`'s view.
    pub fn of(user: &CurrentUser) -> Viewer {
        Viewer {
            role: user.role,
            scope: user.store_scope(),
            csrf: user.csrf_token(),
            clock: user.clock,
        }
    }

    /// Whether they may change `customer` (see `may_edit`).
    pub fn may_edit(&self, customer: &Customer) -> bool {
        may_edit(self.role, self.scope, customer)
    }
}

/// The one rule for changing a customer (edit, record payments): customers.edit, within the
/// user's store scope (a supervisor keeps their own store's customers, HQ roles everyone).
pub fn may_edit(role: Role, scope: StoreScope, customer: &Customer) -> bool {
    role.can(Permission::CustomersEdit) && scope.allows(customer.origin_store_id)
}

/// Why `role` acting within `scope` may not change `customer` — the sentence the page shows in
/// place of Edit and the edit pages answer 403 with — or `None` when they may. `store` is the
/// name of the customer's origin store (none: created at HQ).
pub fn edit_refusal(
    role: Role,
    scope: StoreScope,
    customer: &Customer,
    store: Option<&str>,
) -> Option<String> {
    if may_edit(role, scope, customer) {
        return None;
    }
    Some(if !role.can(Permission::CustomersEdit) {
        format!(
            "Your role ({}) looks customers up; HQ and store supervisors edit them.",
            role.label()
        )
    } else {
        match store {
            Some(name) => format!("Customers of {name} are edited by that store or HQ."),
            None => "Customers created at HQ are edited by HQ.".to_owned(),
        }
    })
}

/// Where on the page a panel goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The key figures right under the header (lifetime spend, visits).
    Figures,
    /// A card in the row under the header, beside "Contact and address".
    Card,
    /// The history section under the tabs (its first tab).
    History,
}

/// What a panel is asked to show.
#[derive(Debug)]
pub struct PanelRequest<'a> {
    /// The customer.
    pub customer: &'a Customer,
    /// Who looks.
    pub viewer: &'a Viewer,
    /// The page's query string, for panels with filters or paging of their own.
    pub query: &'a str,
    /// Today, in the company's time zone.
    pub today: NaiveDate,
}

/// A rendered panel.
#[derive(Debug, Clone)]
pub struct Panel {
    /// Where it goes.
    pub slot: Slot,
    /// Its HTML, rendered by the owning area's template (escaped there).
    pub html: String,
}

/// One area's part of the customer page.
pub trait CustomerPanel: Send + Sync {
    /// The panel for `request`, or none when the area has nothing to show.
    fn render(
        &self,
        conn: &mut PgConnection,
        request: &PanelRequest,
    ) -> Result<Option<Panel>, AppError>;
}

/// The panels in the order the app wired them.
pub struct CustomerPanels(Vec<&'static dyn CustomerPanel>);

impl CustomerPanels {
    /// The panels, in order.
    pub fn new(panels: Vec<&'static dyn CustomerPanel>) -> CustomerPanels {
        CustomerPanels(panels)
    }

    /// Every panel for `request`, in order.
    pub fn render(
        &self,
        conn: &mut PgConnection,
        request: &PanelRequest,
    ) -> Result<Vec<Panel>, AppError> {
        let mut shown = Vec::new();
        for panel in &self.0 {
            shown.extend(panel.render(conn, request)?);
        }
        Ok(shown)
    }
}

pub use crate::web::page::html;
