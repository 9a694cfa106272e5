//! Typed ids for the entities areas pass to one another, so that a customer's id can never be
//! given where a store's is meant. Rows keep plain `i64` columns (Diesel reads them as such);
//! the ids are typed where they cross an area's boundary: the invoice pipeline, merge and the
//! customer page's panels.

use std::fmt;

macro_rules! typed_id {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl $name {
            /// The id as stored.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> $name {
                $name(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_id! {
    /// A customer (`customers.id`).
    CustomerId,
    /// A store (`stores.id`).
    StoreId,
    /// A company (`companies.id`).
    CompanyId,
    /// An invoice (`invoices.id`).
    InvoiceId,
    /// An item (`items.id`).
    ItemId,
    /// A user of the back office (`users.id`).
    UserId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_back_as_stored_and_print_as_numbers() {
        assert_eq!(CustomerId::from(42).get(), 42);
        assert_eq!(StoreId(7).to_string(), "7");
    }
}
