//! A From/To pair of days as a filter form types them ("2026-11-23"), read with a message next
//! to each field that is wrong.

use chrono::NaiveDate;

use super::FieldErrors;

fn parse_date(raw: &str) -> Result<Option<NaiveDate>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ())
}

/// Reads a From/To pair as typed: a bad date or a To before From is left out and explained next
/// to its field under the names `from` and `to`.
pub fn read_dates(
    from: &str,
    to: &str,
    errors: &mut FieldErrors,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let from = parse_date(from).unwrap_or_else(|()| {
        errors.add("from", "Dates look like 2026-11-23.");
        None
    });
    let mut to = parse_date(to).unwrap_or_else(|()| {
        errors.add("to", "Dates look like 2026-11-23.");
        None
    });
    if let (Some(from), Some(until)) = (from, to)
        && from > until
    {
        errors.add("to", "To comes before From: swap them.");
        to = None;
    }
    (from, to)
}
