//! What the web layer asks of the areas that keep people and tills: the user behind a session
//! and the till behind a bearer token. The areas answer (`stores::accounts`); `app` hands the
//! answer to every worker as app data, so that web/ names no area.

use diesel::{PgConnection, QueryResult};
use patron_rules::users::Role;

use crate::kernel::Till;

/// A user as a request needs them.
#[derive(Debug, Clone)]
pub struct Account {
    /// User id.
    pub id: i64,
    /// Name people read.
    pub name: String,
    /// Email.
    pub email: String,
    /// Role (none when the stored one is not known to this build).
    pub role: Option<Role>,
    /// Store of a store supervisor.
    pub store_id: Option<i64>,
    /// Deactivated users are signed out.
    pub active: bool,
    /// The time zone of the company the user works for (none before any company exists).
    pub time_zone: Option<String>,
}

/// The lookups behind `CurrentUser` and `Terminal`.
pub trait Accounts: Send + Sync + 'static {
    /// The user with `id`, if there is one.
    fn account(&self, conn: &mut PgConnection, id: i64) -> QueryResult<Option<Account>>;

    /// The till whose terminal token is `secret`: a token that exists, is not revoked, and whose
    /// store is active.
    fn till(&self, conn: &mut PgConnection, secret: &str) -> QueryResult<Option<Till>>;
}
