//! Tabs across a record's page (a store's Details, POS Profile, Terminal Tokens).

/// One tab.
#[derive(Debug, Clone)]
pub struct Tab {
    /// Label.
    pub label: &'static str,
    /// Where it goes.
    pub href: String,
    /// Whether it is the page being shown.
    pub current: bool,
}

impl Tab {
    /// Tabs from (label, href) pairs, marking the one labelled `current`.
    pub fn list(tabs: &[(&'static str, String)], current: &str) -> Vec<Tab> {
        tabs.iter()
            .map(|(label, href)| Tab {
                label,
                href: href.clone(),
                current: *label == current,
            })
            .collect()
    }
}
