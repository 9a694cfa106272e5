//! Plumbing the till API's endpoints share, whichever area they belong to: the calling till (its
//! token, as an extractor), JSON bodies read with the wrong field named, change-feed cursors, the
//! error schema and the route table type. `crate::api` lists the areas' endpoints and documents
//! them; areas import this, never `crate::api`.

pub mod error;
pub mod examples;
pub mod feed;
pub mod guesses;
pub mod json;
pub mod routes;
pub mod terminal;

pub use error::ApiError;
pub use routes::ApiRoutes;
pub use terminal::Terminal;
