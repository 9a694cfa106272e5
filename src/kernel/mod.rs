//! What the web layer and every area stand on: who acts (`Actor`), the till a terminal's request
//! acts for (`Till`) and password hashing (`Passwords`). Money, ids, the business day, roles and
//! every other pure rule live in the `patron_rules` crate below this one.

pub mod identity;
pub mod passwords;
pub mod till;

pub use identity::Actor;
pub use passwords::Passwords;
pub use till::Till;
