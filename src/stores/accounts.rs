//! The web layer's `Accounts`, answered from the users and stores tables: a session's user with
//! their company's time zone, and a terminal token's till.

use diesel::prelude::*;

use super::model::{self, tokens};
use crate::kernel::Till;
use crate::users::model as users;
use crate::web::accounts::{Account, Accounts};

/// Users and tills as the web layer asks for them.
pub struct StoreAccounts;

impl Accounts for StoreAccounts {
    fn account(&self, conn: &mut PgConnection, id: i64) -> QueryResult<Option<Account>> {
        let Some(user) = users::find(conn, id).optional()? else {
            return Ok(None);
        };
        let time_zone = model::company_of(conn, user.store_id)?.map(|c| c.time_zone);
        Ok(Some(Account {
            role: user.role(),
            id: user.id,
            name: user.name,
            email: user.email,
            store_id: user.store_id,
            active: user.active,
            time_zone,
        }))
    }

    fn till(&self, conn: &mut PgConnection, secret: &str) -> QueryResult<Option<Till>> {
        tokens::authenticate(conn, secret)
    }
}
