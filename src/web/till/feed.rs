//! What every change feed shares (customers, items): reading `after` and `limit` from the query
//! with messages that name the field, and cutting a page with its `next` cursor and `has_more`.
//! The order itself comes from `db::sequence_changes`, which every feed calls before reading.

use utoipa::IntoParams;

use crate::web::FieldErrors;

/// Page size when the till names none.
pub const DEFAULT_LIMIT: i64 = 500;
/// Largest page.
pub const MAX_LIMIT: i64 = 1000;

/// A feed's query as documented (handlers read it as text through `Cursor::parse`, so that a
/// wrong value is named in the answer).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// The last `next` the till got (absent or 0: from the start).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// Records wanted, 1 to 1000 (absent: 500).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// Where a till is in a feed and how much it wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The last `change_seq` the till has (0: from the start).
    pub after: i64,
    /// Rows wanted, 1 to `MAX_LIMIT`.
    pub limit: i64,
}

impl Cursor {
    /// Reads `after` and `limit` as sent (absent: from the start, `DEFAULT_LIMIT`).
    pub fn parse(after: Option<&str>, limit: Option<&str>) -> Result<Cursor, FieldErrors> {
        let mut errors = FieldErrors::new();
        let after = match after.map(str::trim) {
            None | Some("") => 0,
            Some(raw) => raw
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .unwrap_or_else(|| {
                    errors.add(
                        "after",
                        "after must be a whole number >= 0 (the last `next` you got).",
                    );
                    0
                }),
        };
        let limit = match limit.map(str::trim) {
            None | Some("") => DEFAULT_LIMIT,
            Some(raw) => raw
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .unwrap_or_else(|| {
                    errors.add(
                        "limit",
                        format!("limit must be a whole number from 1 to {MAX_LIMIT}."),
                    );
                    DEFAULT_LIMIT
                }),
        };
        errors.into_result(Cursor { after, limit })
    }

    /// How many rows to load: one more than the page, to know whether more wait.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }

    /// Cuts `rows` (loaded with `fetch()`, in feed order) to the page: the rows, the `next`
    /// cursor and `has_more`.
    pub fn page<T>(&self, mut rows: Vec<T>, seq: impl Fn(&T) -> i64) -> (Vec<T>, i64, bool) {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let next = rows.last().map_or(self.after, seq);
        (rows, next, has_more)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_default_and_name_what_is_wrong() {
        assert_eq!(
            Cursor::parse(None, Some(" ")),
            Ok(Cursor {
                after: 0,
                limit: 500
            })
        );
        assert_eq!(
            Cursor::parse(Some("42"), Some("1000")),
            Ok(Cursor {
                after: 42,
                limit: 1000
            })
        );
        let errors = Cursor::parse(Some("-1"), Some("1001")).unwrap_err();
        assert!(errors.has("after") && errors.has("limit"));
        assert!(Cursor::parse(None, Some("0")).unwrap_err().has("limit"));
        assert!(Cursor::parse(Some("x"), None).unwrap_err().has("after"));
    }

    #[test]
    fn a_page_knows_whether_more_wait() {
        let cursor = Cursor {
            after: 10,
            limit: 2,
        };
        assert_eq!(
            cursor.page(vec![11, 12, 13], |n| *n),
            (vec![11, 12], 12, true)
        );
        assert_eq!(cursor.page(vec![11], |n| *n), (vec![11], 11, false));
        assert_eq!(cursor.page(Vec::<i64>::new(), |n| *n), (vec![], 10, false));
    }
}
