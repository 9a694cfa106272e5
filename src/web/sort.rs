//! Sortable column headers: a header link that sorts the list by its column, ascending first
//! and descending when clicked again, with `aria-sort` on the column the list is sorted by.

/// One column header as `m::sort_header` in `_macros.html` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortHeader {
    /// The column's name.
    pub label: &'static str,
    /// The list sorted by this column (the other direction when it already is), filters kept.
    pub href: String,
    /// `ascending` or `descending` on the sorted column.
    pub aria_sort: Option<&'static str>,
}

impl SortHeader {
    /// The header of column `label`, whose sort values are `key` (ascending) and `key-desc`.
    /// `current` is the list's sort value; `link` builds the list's address for a sort value.
    pub fn new(
        label: &'static str,
        key: &str,
        current: &str,
        link: impl Fn(&str) -> String,
    ) -> SortHeader {
        let descending = format!("{key}-desc");
        let (aria_sort, toggled) = if current == key {
            (Some("ascending"), descending)
        } else if current == descending {
            (Some("descending"), key.to_owned())
        } else {
            (None, key.to_owned())
        };
        SortHeader {
            label,
            href: link(&toggled),
            aria_sort,
        }
    }

    /// The arrow shown beside a sorted column's name.
    pub fn arrow(&self) -> &'static str {
        match self.aria_sort {
            Some("ascending") => "▲",
            Some(_) => "▼",
            None => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_toggles_its_column_and_marks_the_sorted_one() {
        let link = |sort: &str| format!("/l?sort={sort}");
        let name = SortHeader::new("Name", "name", "name", link);
        assert_eq!(name.aria_sort, Some("ascending"));
        assert_eq!(name.href, "/l?sort=name-desc");
        let back = SortHeader::new("Name", "name", "name-desc", link);
        assert_eq!(
            (back.aria_sort, back.href.as_str()),
            (Some("descending"), "/l?sort=name")
        );
        let other = SortHeader::new("Code", "code", "name", link);
        assert_eq!(
            (other.aria_sort, other.href.as_str()),
            (None, "/l?sort=code")
        );
    }
}
