//! The shape of every till API error answer, as the OpenAPI document shows it (`AppError`
//! writes the JSON itself).

use std::collections::BTreeMap;

use utoipa::ToSchema;

/// Every error answer: `{"error": {"code", "message", "fields"}}`.
#[derive(Debug, ToSchema)]
pub struct ApiError {
    /// What went wrong.
    pub error: ApiErrorDetail,
}

/// The inside of an error answer.
#[derive(Debug, ToSchema)]
pub struct ApiErrorDetail {
    /// Stable, for programs: `unauthorized`, `not_found`, `method_not_allowed` (405: the
    /// `Allow` header names the path's methods), `bad_request`, `validation`, `conflict`,
    /// `too_many_requests`, `unavailable`, `internal`.
    pub code: String,
    /// For people.
    pub message: String,
    /// For `validation`: the field that is wrong (`lines[0].qty`) and what to fix; else empty.
    pub fields: BTreeMap<String, String>,
}
