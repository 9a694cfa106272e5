//! The one pager of every keyset-paged list: Previous and Next links that page by the rows' keys
//! in both directions (never OFFSET), and "Showing 51–100" from a position the links carry.
//!
//! A list reads its `PageQuery` (flattened into its own query string), asks the database for one
//! row more than a page in the direction `Keyset` says (Previous reads the rows before the first
//! shown one, nearest first), then hands them to `paginate`, which puts them back in display
//! order and builds the links. The template shows it with `m::pager` from `_macros.html`.

use serde::{Deserialize, Serialize};

use super::format::count;
pub use patron_rules::keyset::Keyset;

/// The paging part of a list's query string. `after` (Next) and `before` (Previous) hold the key
/// of the row the page starts after or ends before, as the list writes it; `start` is the
/// position of the first row shown, for display only (the query never uses it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct PageQuery {
    /// Key of the row this page follows.
    pub after: String,
    /// Key of the row this page precedes.
    pub before: String,
    /// 1-based position of the first row shown.
    pub start: String,
}

impl PageQuery {
    /// The page asked for, each key read by `parse`. A key that does not parse (an old or
    /// edited link) means the first page rather than an error.
    pub fn keyset<K>(&self, parse: impl Fn(&str) -> Option<K>) -> Keyset<K> {
        let (after, before) = (self.after.trim(), self.before.trim());
        if !after.is_empty() {
            parse(after).map_or(Keyset::First, Keyset::After)
        } else if !before.is_empty() {
            parse(before).map_or(Keyset::First, Keyset::Before)
        } else {
            Keyset::First
        }
    }

    fn start(&self) -> u64 {
        self.start.trim().parse::<u64>().unwrap_or(1).max(1)
    }
}

/// What the template shows under a list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pager {
    /// Position of the first row shown ("51"), none when the page is empty.
    pub first: Option<String>,
    /// Position of the last row shown ("100").
    pub last: String,
    /// How many rows the whole list has, where counting them is cheap ("2,000").
    pub total: Option<String>,
    /// The previous page's link; none on the first page.
    pub previous: Option<String>,
    /// The next page's link; none on the last page.
    pub next: Option<String>,
    /// The id of the element htmx swaps with a page (without `#`).
    pub target: &'static str,
}

impl Pager {
    /// Says how many rows the whole list has ("of 2,000").
    pub fn with_total(mut self, total: i64) -> Pager {
        self.total = Some(count(total));
        self
    }

    /// Whether there is anything to show (an empty list has its own message instead).
    pub fn is_shown(&self) -> bool {
        self.first.is_some() || self.previous.is_some() || self.next.is_some()
    }
}

/// A list's address with its filters: `link("/customers", &[("q", "ann")])`. Empty filters are
/// left out, so that links stay short and read like what the person chose.
pub fn link(path: &str, filters: &[(&str, &str)]) -> String {
    let kept: Vec<(&str, &str)> = filters
        .iter()
        .copied()
        .filter(|(_, value)| !value.is_empty())
        .collect();
    let query = serde_urlencoded::to_string(kept).unwrap_or_default();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

fn with_page(base: &str, pairs: &[(&str, String)]) -> String {
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    let joiner = if base.contains('?') { '&' } else { '?' };
    format!("{base}{joiner}{query}")
}

/// Turns the rows a keyset query read (up to `size + 1`, in the direction `keyset` asked) into
/// the page in display order and its pager. `key` writes a row's key as the list's `keyset`
/// parser reads it; `base` is the list's `link` with its filters; `target` the element htmx swaps.
pub fn paginate<T, K>(
    query: &PageQuery,
    keyset: &Keyset<K>,
    mut rows: Vec<T>,
    size: usize,
    key: impl Fn(&T) -> String,
    base: &str,
    target: &'static str,
) -> (Vec<T>, Pager) {
    let more = rows.len() > size;
    rows.truncate(size);
    let mut start = query.start();
    let (has_previous, has_next) = match keyset {
        Keyset::First => (false, more),
        Keyset::After(_) => (true, more),
        Keyset::Before(_) => {
            rows.reverse();
            if !more {
                // Nothing further back: this is the first page, whatever the link said.
                start = 1;
            }
            (more, true)
        }
    };
    let shown = rows.len() as u64;
    let to_first_page = || with_page(base, &[]).trim_end_matches(['?', '&']).to_owned();
    let previous = match (has_previous, rows.first()) {
        (false, _) => None,
        (true, Some(first)) => Some(with_page(
            base,
            &[
                ("before", key(first)),
                (
                    "start",
                    start.saturating_sub(size as u64).max(1).to_string(),
                ),
            ],
        )),
        // The rows after the link's key are gone: the way back is the first page.
        (true, None) => Some(to_first_page()),
    };
    let next = match (has_next, rows.last()) {
        (false, _) => None,
        (true, Some(last)) => Some(with_page(
            base,
            &[
                ("after", key(last)),
                ("start", start.saturating_add(shown).to_string()),
            ],
        )),
        (true, None) => Some(to_first_page()),
    };
    let to_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let pager = Pager {
        first: (shown > 0).then(|| count(to_i64(start))),
        last: count(to_i64(start.saturating_add(shown.saturating_sub(1)))),
        total: None,
        previous,
        next,
        target,
    };
    (rows, pager)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(after: &str, before: &str, start: &str) -> PageQuery {
        PageQuery {
            after: after.into(),
            before: before.into(),
            start: start.into(),
        }
    }

    fn run(q: &PageQuery, rows: Vec<i64>) -> (Vec<i64>, Pager) {
        let keyset = q.keyset(|k| k.parse::<i64>().ok());
        paginate(q, &keyset, rows, 3, |r| r.to_string(), "/l?q=a", "rows")
    }

    #[test]
    fn the_first_page_has_next_only() {
        let (rows, pager) = run(&PageQuery::default(), vec![1, 2, 3, 4]);
        assert_eq!(rows, [1, 2, 3]);
        assert_eq!(pager.previous, None);
        assert_eq!(pager.next.as_deref(), Some("/l?q=a&after=3&start=4"));
        assert_eq!(
            (pager.first.as_deref(), pager.last.as_str()),
            (Some("1"), "3")
        );
    }

    #[test]
    fn a_middle_page_links_both_ways_and_says_where_it_is() {
        let (rows, pager) = run(&query("3", "", "4"), vec![4, 5, 6, 7]);
        assert_eq!(rows, [4, 5, 6]);
        assert_eq!(pager.previous.as_deref(), Some("/l?q=a&before=4&start=1"));
        assert_eq!(pager.next.as_deref(), Some("/l?q=a&after=6&start=7"));
        assert_eq!(
            (pager.first.as_deref(), pager.last.as_str()),
            (Some("4"), "6")
        );
    }

    #[test]
    fn previous_reads_backwards_and_flips_the_rows() {
        let (rows, pager) = run(&query("", "7", "4"), vec![6, 5, 4, 3]);
        assert_eq!(rows, [4, 5, 6]);
        assert!(pager.previous.is_some());
        assert_eq!(pager.next.as_deref(), Some("/l?q=a&after=6&start=7"));
    }

    #[test]
    fn previous_reaching_the_start_is_the_first_page() {
        let (rows, pager) = run(&query("", "4", "9"), vec![3, 2, 1]);
        assert_eq!(rows, [1, 2, 3]);
        assert_eq!(pager.previous, None);
        assert_eq!(pager.first.as_deref(), Some("1"));
    }

    #[test]
    fn the_last_page_has_no_next_and_a_bad_key_is_the_first_page() {
        let (_, last) = run(&query("6", "", "7"), vec![7]);
        assert_eq!(last.next, None);
        assert_eq!(
            (last.first.as_deref(), last.last.as_str()),
            (Some("7"), "7")
        );
        let q = query("nonsense", "", "x");
        assert_eq!(q.keyset(|k| k.parse::<i64>().ok()), Keyset::First);
        // A position typed into the address bar never overflows.
        let (_, huge) = run(&query("6", "", &u64::MAX.to_string()), vec![7, 8, 9, 10]);
        assert!(
            huge.next
                .is_some_and(|n| n.ends_with(&format!("start={}", u64::MAX)))
        );
    }

    #[test]
    fn links_leave_empty_filters_out() {
        assert_eq!(link("/l", &[("q", ""), ("s", "a b")]), "/l?s=a+b");
        assert_eq!(link("/l", &[("q", "")]), "/l");
    }
}
