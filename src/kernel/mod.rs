//! What every area uses and no area owns: money and currency, typed ids, search helpers, trees,
//! the till as domain code knows it, the company's clock. Pure: no web, no database.

pub mod activation;
pub mod clock;
pub mod ids;
pub mod keyset;
pub mod money;
pub mod search;
pub mod tree;

pub use activation::Activation;
pub use clock::Clock;
pub use ids::{CompanyId, CustomerId, InvoiceId, ItemId, StoreId, UserId};
pub use money::Currency;
