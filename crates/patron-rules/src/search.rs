//! Helpers every search shares: terms matched literally inside LIKE / ILIKE patterns, and the
//! words an empty result uses to name the filters that narrowed it.

/// Escapes `%`, `_` and `\` so that a term matches literally inside a LIKE pattern.
pub fn like_escape(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The filters that are on, as an empty result names them: `("store", "Downtown")` reads
/// "with the store filter ‘Downtown’ on"; several are joined with commas and a final "and".
/// `None` when no filter is on. Saying which filters hid every match spares the person the
/// guess that the customer does not exist.
pub fn filters_on(filters: &[(&str, &str)]) -> Option<String> {
    let named: Vec<String> = filters
        .iter()
        .map(|(filter, value)| format!("the {filter} filter ‘{value}’"))
        .collect();
    let listed = match named.as_slice() {
        [] => return None,
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    Some(format!("with {listed} on"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filters_that_are_on_read_as_one_phrase() {
        type Filters<'a> = &'a [(&'a str, &'a str)];
        let cases: [(Filters, Option<&str>); 4] = [
            (&[], None),
            (
                &[("store", "Downtown")],
                Some("with the store filter ‘Downtown’ on"),
            ),
            (
                &[("store", "Downtown"), ("status", "Deactivated")],
                Some("with the store filter ‘Downtown’ and the status filter ‘Deactivated’ on"),
            ),
            (
                &[
                    ("group", "Retail"),
                    ("territory", "North"),
                    ("store", "Created at HQ"),
                ],
                Some(
                    "with the group filter ‘Retail’, the territory filter ‘North’ and the store \
                     filter ‘Created at HQ’ on",
                ),
            ),
        ];
        for (filters, expected) in cases {
            assert_eq!(filters_on(filters).as_deref(), expected, "{filters:?}");
        }
    }

    #[test]
    fn like_patterns_match_literally() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
