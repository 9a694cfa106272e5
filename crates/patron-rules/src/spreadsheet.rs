//! Cells of the CSV files Patron writes and reads, as spreadsheets will take them. A spreadsheet
//! runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as
//! a formula: a customer's last name `=HYPERLINK(...)` typed at a till would run in head office's
//! spreadsheet. Every exported cell goes through `neutralised` (OWASP's CSV injection guidance:
//! a leading single quote, which spreadsheets show as text and do not print); every imported one
//! through `restored`, so a file exported and imported again gives the original text back.
//! Amounts and phone numbers are left as they are ("-17.99" is a refund, "+1 (555) 010-2030"
//! a mobile).

use std::borrow::Cow;

/// What a formula starts with.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `cell` would run as a formula that can reach something: any cell starting with `=`,
/// `@`, a tab or a carriage return, and one starting with `+` or `-` unless it holds nothing but
/// digits and a phone number's or an amount's punctuation ("+1 (555) 010-2030", "-17.99": at most
/// arithmetic on its own figures, and shown as typed).
fn runs(cell: &str) -> bool {
    match cell.chars().next() {
        Some('+' | '-') => !cell
            .chars()
            .all(|c| c.is_ascii_digit() || " ()+-./,".contains(c)),
        Some(c) => TRIGGERS.contains(&c),
        None => false,
    }
}

/// `cell` as it is safe to write: with a leading `'` when a spreadsheet would run it.
pub fn neutralised(cell: &str) -> Cow<'_, str> {
    if runs(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `cell` as it was before `neutralised`: a leading `'` taken off when what follows it would
/// have been run.
pub fn restored(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if runs(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_a_quote_and_numbers_and_text_do_not() {
        for (cell, written) in [
            (
                "=HYPERLINK(\"http://evil.example\",\"x\")",
                "'=HYPERLINK(\"http://evil.example\",\"x\")",
            ),
            ("+1 (555) 010-2030", "+1 (555) 010-2030"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-A1", "'-A1"),
            ("-2+3", "-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "-"),
            ("-17.99", "-17.99"),
            ("+3", "+3"),
            ("0.50", "0.50"),
            ("Ana Lima", "Ana Lima"),
            ("", ""),
            ("a=b", "a=b"),
            ("'quoted", "'quoted"),
        ] {
            assert_eq!(neutralised(cell), written, "{cell:?}");
            assert_eq!(restored(&neutralised(cell)), cell, "{cell:?} back");
        }
    }

    #[test]
    fn a_quote_typed_by_a_person_stays() {
        assert_eq!(restored("'quoted"), "'quoted");
        assert_eq!(restored("'-17.99"), "'-17.99");
        assert_eq!(restored("'=1"), "=1");
    }
}
