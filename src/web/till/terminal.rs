//! The calling till, as an extractor: `Authorization: Bearer <token>` is looked up by its hash;
//! missing, unknown or revoked tokens (or a deactivated store) get 401 JSON.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::kernel::{Actor, Till};
use crate::state::AppState;
use crate::web::accounts::Accounts;
use crate::web::error::AppError;
use crate::web::request::bearer;

/// The till behind an API request: every store-scoped answer is about its store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terminal(pub Till);

impl Terminal {
    /// The till as domain code takes it.
    pub fn till(&self) -> Till {
        self.0.clone()
    }

    /// The till as the audit log records it.
    pub fn actor(&self) -> Actor {
        self.0.actor()
    }
}

impl std::ops::Deref for Terminal {
    type Target = Till;

    fn deref(&self) -> &Till {
        &self.0
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
            Ok(Terminal(till))
        })
    }
}
