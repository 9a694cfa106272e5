//! Offers and campaigns as stored: campaigns (`campaigns`), offers kept by version (`versions`),
//! the lists and lookups the pages and the engine read (`queries`), and the customer segments
//! offers are aimed at (`segments`, read only); the only place that writes their tables.

pub mod campaigns;
pub mod names;
pub mod queries;
pub mod segments;
pub mod versions;
