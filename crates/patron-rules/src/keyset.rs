//! Which rows a keyset-paged list shows: the first page, the rows after a row's key (Next), or
//! the rows before it (Previous). Queries read `Before` in reverse order, nearest first.

/// Which rows a page holds, relative to a row's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keyset<K> {
    /// From the beginning.
    First,
    /// The rows after this key, in display order.
    After(K),
    /// The rows before this key: read in reverse display order, nearest first.
    Before(K),
}

impl<K> Keyset<K> {
    /// Whether the query reads in reverse display order (Previous).
    pub fn is_backward(&self) -> bool {
        matches!(self, Keyset::Before(_))
    }
}
