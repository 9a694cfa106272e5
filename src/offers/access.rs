//! Who may read the offer pages: offers, campaigns and the simulator.

use patron_rules::users::Permission;

/// Who may read the offer and campaign pages.
pub const READERS: [Permission; 2] = [Permission::OffersManage, Permission::ReportsView];
