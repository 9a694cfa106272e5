//! Users, roles and signing in: the Users page, the sign-in page, the password service.

pub mod attempts;
pub mod forms;
pub mod model;
pub mod routes;
pub mod signin;
