//! The JSON API for store terminals: the token extractor and the endpoints that belong to no
//! single area. Areas mount their own `/api/v1/...` routes next to their pages.

pub mod feed;
pub mod json;
pub mod profile;
pub mod terminal;
