//! The calling till, as an extractor: `Authorization: Bearer <token>` is looked up by its hash;
//! missing, unknown or revoked tokens (or a deactivated store) get 401 JSON.

use std::future::{Future, Ready, ready};
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use diesel::PgConnection;

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
        let token = TillToken::of(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let token = token?;
            let state = state.ok_or_else(|| AppError::Internal("no app state".into()))?;
            let till = state.db.run(move |conn| token.till(conn)).await?;
            Ok(Terminal(till))
        })
    }
}

/// An API request's token, not looked up yet: the handler finds its till (`TillToken::till`)
/// on the connection it takes for its own work, one trip through the pools instead of two
/// (the sale, a till's most frequent request). A request without a token gets 401 here.
pub struct TillToken {
    token: String,
    accounts: web::Data<dyn Accounts>,
}

impl TillToken {
    fn of(req: &HttpRequest) -> Result<TillToken, AppError> {
        let accounts = req.app_data::<web::Data<dyn Accounts>>().cloned();
        match (bearer(req), accounts) {
            (_, None) => Err(AppError::Internal("no app state".into())),
            (None, _) => Err(AppError::Unauthorized),
            (Some(token), Some(accounts)) => Ok(TillToken { token, accounts }),
        }
    }

    /// The till the token belongs to; 401 when it is unknown or revoked, or its store inactive.
    pub fn till(&self, conn: &mut PgConnection) -> Result<Till, AppError> {
        self.accounts
            .till(conn, &self.token)?
            .ok_or(AppError::Unauthorized)
    }
}

impl FromRequest for TillToken {
    type Error = AppError;
    type Future = Ready<Result<TillToken, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(TillToken::of(req))
    }
}
