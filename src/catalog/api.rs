//! The tills' catalogue feed: `GET /api/v1/items/changes?after=SEQ&limit=N`, every item changed
//! after a cursor in change order, so a till keeps its copy in step.

use actix_web::web;

/// Mounts the routes.
pub fn config(_cfg: &mut web::ServiceConfig) {}
