//! The customer's header, shared by the customer page and its tabs (the loyalty ledger): name,
//! status, code, group, territory and store by name, the actions the viewer may take (or why
//! they may not), and the tabs.

use patron_rules::customers::initials;
use patron_rules::users::{Permission, Role};

use super::model::{Customer, CustomerFacts};
use super::panels::{edit_refusal, may_edit};
use crate::web::auth::StoreScope;

/// Which tab of the customer is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerTab {
    /// The customer page with its sales history.
    Sales,
    /// The customer page with the audit trail.
    Activity,
    /// The loyalty points ledger.
    Loyalty,
}

/// What the header shows.
#[derive(Debug, Clone)]
pub struct CustomerHead {
    /// Customer id.
    pub id: i64,
    /// "Ana Lima".
    pub name: String,
    /// "AL", for the avatar.
    pub initials: String,
    /// Not deactivated.
    pub active: bool,
    /// "CUST-00042".
    pub code: String,
    /// Customer Group.
    pub group: String,
    /// Territory.
    pub territory: String,
    /// Origin store's name and code (none: created at HQ).
    pub store: Option<(String, String)>,
    /// The kept customer's code, after a merge.
    pub merged_into: Option<String>,
    /// May edit (and merge into) this customer.
    pub can_edit: bool,
    /// Why not, when they hold customers.view but may not edit this one.
    pub edit_refusal: Option<String>,
    /// May deactivate and reactivate.
    pub can_deactivate: bool,
    /// May open the tabs (customers.view; the ledger is also open to report readers).
    pub tabs: bool,
    /// The tab shown.
    pub tab: CustomerTab,
}

impl CustomerHead {
    /// The header of `customer` (with its `facts`) for a user with `role` within `scope`.
    pub fn new(
        customer: &Customer,
        facts: &CustomerFacts,
        role: Role,
        scope: StoreScope,
        tab: CustomerTab,
    ) -> CustomerHead {
        let f = &customer.fields;
        let store_name = facts.origin_store.as_ref().map(|(name, _)| name.as_str());
        CustomerHead {
            id: customer.id,
            name: format!("{} {}", f.first_name, f.last_name)
                .trim()
                .to_owned(),
            initials: initials(&f.first_name, &f.last_name),
            active: customer.active,
            code: customer.code.clone(),
            group: facts.group.clone(),
            territory: facts.territory.clone(),
            store: facts.origin_store.clone(),
            merged_into: facts.merged_into.clone(),
            can_edit: may_edit(role, scope, customer),
            edit_refusal: edit_refusal(role, scope, customer, store_name),
            can_deactivate: role.can(Permission::CustomersDeactivate),
            tabs: role.can(Permission::CustomersView),
            tab,
        }
    }

    /// Whether `tab` is the one shown (askama compares with this).
    pub fn on(&self, tab: &str) -> bool {
        let shown = match self.tab {
            CustomerTab::Sales => "sales",
            CustomerTab::Activity => "activity",
            CustomerTab::Loyalty => "loyalty",
        };
        shown == tab
    }
}
