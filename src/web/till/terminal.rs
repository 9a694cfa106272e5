//! The calling till, as an extractor: `Authorization: Bearer <token>` is looked up by its hash;
//! missing, unknown or revoked tokens (or a deactivated store) get 401 JSON.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use patron_rules::{CompanyId, StoreId};

use crate::kernel::{Actor, Till};
use crate::state::AppState;
use crate::web::accounts::Accounts;
use crate::web::error::AppError;

/// The till behind an API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terminal {
    /// Its token's id.
    pub token_id: i64,
    /// Its store: every store-scoped answer is about this store.
    pub store_id: i64,
    /// The store's code.
    pub store_code: String,
    /// The store's company.
    pub company_id: i64,
}

/// The token in an `Authorization: Bearer ...` header, if there is one.
fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

impl Terminal {
    /// The till as domain code takes it.
    pub fn till(&self) -> Till {
        Till {
            store_id: StoreId(self.store_id),
            store_code: self.store_code.clone(),
            company_id: CompanyId(self.company_id),
            token_id: self.token_id,
        }
    }

    /// The till as the audit log records it.
    pub fn actor(&self) -> Actor {
        Actor::Till {
            store: self.store_code.clone(),
            token_id: self.token_id,
        }
    }
}

impl FromRequest for Terminal {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Terminal, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let accounts = req.app_data::<web::Data<dyn Accounts>>().cloned();
        Box::pin(async move {
            let (Some(state), Some(accounts)) = (state, accounts) else {
                return Err(AppError::Internal("no app state".into()));
            };
            let token = token.ok_or(AppError::Unauthorized)?;
            let till = state
                .db
                .run(move |conn| Ok(accounts.till(conn, &token)?))
                .await?
                .ok_or(AppError::Unauthorized)?;
            Ok(Terminal {
                token_id: till.token_id,
                store_id: till.store_id.0,
                store_code: till.store_code,
                company_id: till.company_id.0,
            })
        })
    }
}
