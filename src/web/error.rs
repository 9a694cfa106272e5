//! The one error type of the web layer, and how each kind maps to a status.
//!
//! `AppError::error_response` only decides the status and records an `ErrorInfo`; the
//! `error_pages` middleware turns that into an HTML page, an htmx fragment or API JSON,
//! because only it knows which the request asked for.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;

/// Messages to show next to form fields (or name in an API error), keyed by field name.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> FieldErrors {
        FieldErrors::default()
    }

    /// Records the message for `field`; the first message for a field wins.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    /// The message for `field`, if any (templates use this next to the input).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// Whether `field` has a message (templates mark the input invalid).
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// Whether there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when empty, else the errors.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// Every field and its message, in field order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (or the caller may not know it does).
    #[error("not found")]
    NotFound,
    /// Signed in, but the role lacks the permission.
    #[error("you do not have permission to do this")]
    Forbidden,
    /// Signed in and permitted in general, but not for this record; the message says why
    /// ("Customers of Harbor Point are edited by that store or HQ.").
    #[error("{0}")]
    Refused(String),
    /// Not signed in (or the session ended).
    #[error("sign-in required")]
    Unauthorized,
    /// A state-changing browser request without the session's CSRF token.
    #[error("the form had expired or did not come from this site; reload the page and try again")]
    Csrf,
    /// Input that cannot be accepted, with the reasons per field.
    #[error("some fields need attention")]
    Validation(FieldErrors),
    /// A request that cannot be understood at all.
    #[error("{0}")]
    BadRequest(String),
    /// A conflict with what is stored (a duplicate, a stale edit).
    #[error("{0}")]
    Conflict(String),
    /// The database cannot be reached.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// Anything else: logged, answered 500 with no detail.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// A validation error on a single field.
    pub fn field(field: &str, message: impl Into<String>) -> AppError {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        AppError::Validation(errors)
    }

    /// The stable code used in API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Forbidden | AppError::Refused(_) => "forbidden",
            AppError::Unauthorized => "unauthorized",
            AppError::Csrf => "csrf",
            AppError::Validation(_) => "validation",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict(_) => "conflict",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// The message a person may read (never internal detail).
    pub fn public_message(&self) -> String {
        match self {
            AppError::Unavailable(_) => {
                "The database is unavailable right now. Try again in a moment.".into()
            }
            AppError::Internal(_) => "Something went wrong on our side. It has been logged.".into(),
            other => other.to_string(),
        }
    }
}

/// Foreign keys a form fills from a list: when the chosen row is gone (deleted or made up by a
/// hand-edited form), the field says so. Constraint names are PostgreSQL's defaults.
const FORM_REFERENCES: [(&str, &str); 5] = [
    ("customers_customer_group_id_fkey", "customer_group_id"),
    ("customers_territory_id_fkey", "territory_id"),
    ("customers_country_code_fkey", "country_code"),
    (
        "loyalty_programs_customer_group_id_fkey",
        "customer_group_id",
    ),
    ("loyalty_programs_territory_id_fkey", "territory_id"),
];

/// The one mapping of database errors: a missing row is 404, a unique or foreign-key violation
/// a field error when a form's field caused it and 409 otherwise, a lost connection 503, the
/// rest a logged 500.
impl From<DieselError> for AppError {
    fn from(err: DieselError) -> AppError {
        match err {
            DieselError::NotFound => AppError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                AppError::Conflict(format!("already exists ({})", info.message()))
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                let field = FORM_REFERENCES
                    .iter()
                    .find(|(constraint, _)| info.constraint_name() == Some(*constraint));
                match field {
                    Some((_, field)) => AppError::field(field, "Choose one from the list."),
                    None => AppError::Conflict(
                        "This refers to a record that does not exist, or is still referred to."
                            .into(),
                    ),
                }
            }
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => AppError::Unavailable(info.message().to_owned()),
            // PostgreSQL refuses NUL in text (SQLSTATE 22021): typed or pasted input, not a bug.
            DieselError::DatabaseError(_, info) if info.message().contains("0x00") => {
                AppError::BadRequest(
                    "Text cannot contain the NUL character (U+0000): remove it and try again."
                        .into(),
                )
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<crate::kernel::passwords::PasswordError> for AppError {
    fn from(err: crate::kernel::passwords::PasswordError) -> AppError {
        AppError::Internal(err.to_string())
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> AppError {
        AppError::Validation(errors)
    }
}

/// What the error-page middleware needs to answer an error in the caller's format.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code for API clients.
    pub code: &'static str,
    /// Message for people.
    pub message: String,
    /// Per-field messages, for validation errors.
    pub fields: FieldErrors,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Refused(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(detail) => tracing::error!(%detail, "internal error"),
            AppError::Unavailable(detail) => tracing::warn!(%detail, "database unavailable"),
            _ => {}
        }
        let info = ErrorInfo {
            status: self.status_code(),
            code: self.code(),
            message: self.public_message(),
            fields: match self {
                AppError::Validation(fields) => fields.clone(),
                _ => FieldErrors::new(),
            },
        };
        let mut res = HttpResponse::build(info.status)
            .content_type("text/plain; charset=utf-8")
            .body(info.message.clone());
        res.extensions_mut().insert(info);
        res
    }
}
