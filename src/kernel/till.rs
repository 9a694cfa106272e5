//! A till as domain code knows it: the store and company a terminal's request acts for, and how
//! the audit log names it. The till API's extractor (`web::till::Terminal`) makes one from the
//! bearer token; the invoice pipeline and the sync take this plain value, not the extractor.

use chrono::NaiveDate;
use patron_rules::clock::Clock;
use patron_rules::{CompanyId, StoreId};

use crate::kernel::Actor;

/// The till behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Till {
    /// Its store.
    pub store_id: StoreId,
    /// The store's code, as receipts and the audit log show it.
    pub store_code: String,
    /// The store's company.
    pub company_id: CompanyId,
    /// Its terminal token.
    pub token_id: i64,
    /// The company's clock: which business day the till's sales and checks fall on.
    pub clock: Clock,
    /// The company's business day of its creation in Patron: no till of it sold anything before.
    pub company_since: NaiveDate,
}

impl Till {
    /// The till as the audit log records it.
    pub fn actor(&self) -> Actor {
        Actor::Till {
            store: self.store_code.clone(),
            token_id: self.token_id,
        }
    }

    /// The label the ledgers keep for who wrote an entry.
    pub fn label(&self) -> String {
        self.actor().parts().1
    }
}
