//! Who acts: a signed-in person, the command line or a store's till, as the audit log and the
//! ledgers name them. Roles and permissions are pure rules (`patron_rules::users`).

/// Who made a change.
#[derive(Debug, Clone)]
pub enum Actor {
    /// A signed-in user.
    User {
        /// Their id.
        id: i64,
        /// Their email, kept with the entry so that it reads right after renames.
        email: String,
    },
    /// The command line (`patron user add`, seeding).
    System(&'static str),
    /// A store's till, through the API.
    Till {
        /// The store's code.
        store: String,
        /// The till's token id.
        token_id: i64,
    },
}

impl Actor {
    /// The user id (none for the command line) and the label the log keeps.
    pub fn parts(&self) -> (Option<i64>, String) {
        match self {
            Actor::User { id, email } => (Some(*id), email.clone()),
            Actor::System(label) => (None, (*label).to_owned()),
            Actor::Till { store, token_id } => (None, format!("till {store} (token {token_id})")),
        }
    }
}
