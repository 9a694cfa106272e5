//! Deactivate and reactivate: the pair of actions every page of never-deleted rows offers, taken
//! from one path segment so that one handler serves both; `audit::switch` carries it out.

use serde::Deserialize;

/// The `{action}` segment of `/<things>/{id}/{action:deactivate|reactivate}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// Switch off: kept for history, no longer offered.
    Deactivate,
    /// Switch back on.
    Reactivate,
}

impl Activation {
    /// Whether the row is active afterwards.
    pub fn active(self) -> bool {
        self == Activation::Reactivate
    }

    /// The audit log's action name: `deactivate` or `reactivate`.
    pub fn action(self) -> &'static str {
        match self {
            Activation::Deactivate => "deactivate",
            Activation::Reactivate => "reactivate",
        }
    }

    /// What the confirmation says happened: `deactivated` or `reactivated`.
    pub fn done(self) -> &'static str {
        match self {
            Activation::Deactivate => "deactivated",
            Activation::Reactivate => "reactivated",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_knows_the_state_it_leaves() {
        assert!(!Activation::Deactivate.active());
        assert!(Activation::Reactivate.active());
        assert_eq!(Activation::Deactivate.action(), "deactivate");
        assert_eq!(Activation::Reactivate.done(), "reactivated");
    }
}
