//! Reports: the daily rollups the invoice pipeline keeps (`rollups`, `invoice`), their rebuild
//! (`rebuild`), and the report pages that read them.

pub mod invoice;
pub mod rebuild;
pub mod rollups;
