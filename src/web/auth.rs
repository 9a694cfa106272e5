//! The signed-in user as an extractor, and the one-line permission check handlers use:
//! `user.require(Permission::UsersManage)?`.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use patron_rules::Clock;
use patron_rules::users::{Permission, Role};

use super::accounts::Accounts;
use super::error::AppError;
use super::page::{Flash, PageCtx};
use super::session_store::USER_ID_KEY;
use crate::kernel::Actor;
use crate::state::AppState;

/// The user behind this request. Extracting it answers "sign in" when there is none (a redirect
/// for pages, 401 for the API), and ends the session of a user who was deactivated.
pub struct CurrentUser {
    /// User id.
    pub id: i64,
    /// Name people read.
    pub name: String,
    /// Email.
    pub email: String,
    /// Role.
    pub role: Role,
    /// Store of a store supervisor.
    pub store_id: Option<i64>,
    /// The clock of the company the user works for: every time their pages show reads in its
    /// zone (read once per request, with the user).
    pub clock: Clock,
    session: Session,
    path: String,
}

/// Whose records a user acts on: a store supervisor only their own store's (customers created
/// there, its invoices), everyone else every store's. Copy, so that it travels into a database
/// closure or a template where the user does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreScope(Option<Option<i64>>);

impl StoreScope {
    /// Every store.
    pub const ALL: StoreScope = StoreScope(None);

    /// Whether a record of store `store_id` (none: made at HQ) is within the scope.
    pub fn allows(self, store_id: Option<i64>) -> bool {
        self.0.is_none_or(|own| own == store_id)
    }

    /// The one store, when the scope is a single store's.
    pub fn only(self) -> Option<Option<i64>> {
        self.0
    }
}

impl CurrentUser {
    /// Whose records the user acts on.
    pub fn store_scope(&self) -> StoreScope {
        StoreScope(self.role.needs_store().then_some(self.store_id))
    }

    /// Whether the user may act on a record of store `store_id` (see `StoreScope`).
    pub fn may_act_on_store(&self, store_id: Option<i64>) -> bool {
        self.store_scope().allows(store_id)
    }

    /// The session's CSRF token, for forms a page renders outside its `PageCtx` (reading it
    /// takes no flash message, unlike `page`).
    pub fn csrf_token(&self) -> String {
        super::csrf::token(&self.session)
    }

    /// Whether the user may do `permission`.
    pub fn can(&self, permission: Permission) -> bool {
        self.role.can(permission)
    }

    /// Fails with 403 unless the user may do `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.can(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Fails with 403 unless the user may do at least one of `permissions` (pages that several
    /// areas read, like the catalogue lists and pickers).
    pub fn require_any(&self, permissions: &[Permission]) -> Result<(), AppError> {
        if permissions.iter().any(|p| self.can(*p)) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The user as the audit log records them.
    pub fn actor(&self) -> Actor {
        Actor::User {
            id: self.id,
            email: self.email.clone(),
        }
    }

    /// The session, for handlers that change it (sign-out, password change).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Queues a message for the next page this user sees.
    pub fn flash(&self, flash: Flash) {
        super::page::push_flash(&self.session, flash);
    }

    fn viewer(&self) -> (&str, Role, Clock) {
        (&self.name, self.role, self.clock)
    }

    /// What the layout needs: navigation, the CSRF token, queued messages.
    pub fn page(&self) -> PageCtx {
        PageCtx::signed_in(self.viewer(), &self.session, &self.path, true)
    }

    /// The layout context for an error page shown to this user (see `error_pages`).
    pub fn error_page(&self) -> PageCtx {
        PageCtx::signed_in(self.viewer(), &self.session, &self.path, false)
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<CurrentUser, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let accounts = req.app_data::<web::Data<dyn Accounts>>().cloned();
        let path = req.path().to_owned();
        Box::pin(async move {
            let (Some(state), Some(accounts)) = (state, accounts) else {
                return Err(AppError::Internal("no app state".into()));
            };
            let Some(user_id) = session.get::<i64>(USER_ID_KEY).ok().flatten() else {
                return Err(AppError::Unauthorized);
            };
            let account = state
                .db
                .run(move |conn| Ok(accounts.account(conn, user_id)?))
                .await?;
            match account {
                Some(account) if account.active => {
                    let role = account.role.ok_or(AppError::Forbidden)?;
                    Ok(CurrentUser {
                        id: account.id,
                        name: account.name,
                        email: account.email,
                        role,
                        store_id: account.store_id,
                        clock: account
                            .time_zone
                            .map_or(Clock::UTC, |zone| Clock::from_name(&zone)),
                        session,
                        path,
                    })
                }
                _ => {
                    session.purge();
                    Err(AppError::Unauthorized)
                }
            }
        })
    }
}
