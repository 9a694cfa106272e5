//! The left navigation: each area with the permission that shows it. Areas join this list as
//! their pages land, so that no link leads to a page that does not exist yet.

use patron_rules::users::Permission;

/// One navigation link.
#[derive(Debug, Clone)]
pub struct NavLink {
    /// The heading of the group this link opens, if it is the group's first.
    pub heading: Option<&'static str>,
    /// Label.
    pub label: &'static str,
    /// Where it goes.
    pub href: &'static str,
    /// Whether the current page is under it.
    pub current: bool,
}

/// Areas in menu order, under their group's heading, with the permissions that show each (any
/// of them; none: every signed-in user).
const AREAS: [(&str, &str, &str, &[Permission]); 32] = [
    ("", "Home", "/", &[]),
    (
        "Customers",
        "Customers",
        "/customers",
        &[Permission::CustomersView],
    ),
    (
        "Customers",
        "Customer Groups",
        "/customer-groups",
        &[Permission::StoresManage],
    ),
    (
        "Customers",
        "Territories",
        "/territories",
        &[Permission::StoresManage],
    ),
    ("Stores", "Stores", "/stores", &[Permission::StoresManage]),
    (
        "Stores",
        "Companies",
        "/companies",
        &[Permission::StoresManage],
    ),
    (
        "Stores",
        "Sales Persons",
        "/sales-persons",
        &[Permission::StoresManage],
    ),
    ("Catalogue", "Items", "/items", &[Permission::StoresManage]),
    (
        "Catalogue",
        "Item Groups",
        "/item-groups",
        &[Permission::StoresManage],
    ),
    (
        "Catalogue",
        "Brands",
        "/brands",
        &[Permission::StoresManage],
    ),
    ("Sales", "Invoices", "/invoices", &[Permission::ReportsView]),
    (
        "Loyalty",
        "Loyalty Programs",
        "/loyalty/programs",
        &[Permission::LoyaltyManage],
    ),
    // Offers and campaigns: offers.manage edits them, reports.view reads them; every role that
    // holds offers.manage also holds reports.view, so the one permission shows both.
    ("Offers", "Offers", "/offers", &[Permission::ReportsView]),
    (
        "Offers",
        "Campaigns",
        "/campaigns",
        &[Permission::ReportsView],
    ),
    ("Offers", "Coupons", "/coupons", &[Permission::ReportsView]),
    (
        "Offers",
        "Referral Codes",
        "/referrals",
        &[Permission::ReportsView],
    ),
    (
        "Offers",
        "Segments",
        "/segments",
        &[Permission::ReportsView],
    ),
    (
        "Gift Cards",
        "Gift Cards",
        "/gift-cards",
        &[Permission::GiftCardsManage],
    ),
    // One Reports menu: the sales reports (a store supervisor reads their store's), then the
    // loyalty, gift card and referral reports.
    (
        "Reports",
        "All Reports",
        "/reports",
        &[Permission::ReportsView, Permission::StoreReportsView],
    ),
    (
        "Reports",
        "Sales by Customer",
        "/reports/customers",
        &[Permission::ReportsView, Permission::StoreReportsView],
    ),
    (
        "Reports",
        "New and Returning",
        "/reports/cohorts",
        &[Permission::ReportsView, Permission::StoreReportsView],
    ),
    (
        "Reports",
        "Lapsed Customers",
        "/reports/lapsed",
        &[Permission::ReportsView, Permission::StoreReportsView],
    ),
    (
        "Reports",
        "Sales by Store",
        "/reports/stores",
        &[Permission::ReportsView, Permission::StoreReportsView],
    ),
    (
        "Reports",
        "Delivery Charges",
        "/reports/delivery",
        &[Permission::ReportsView, Permission::StoreReportsView],
    ),
    (
        "Reports",
        "Offer Effectiveness",
        "/reports/offers",
        &[Permission::ReportsView],
    ),
    (
        "Reports",
        "Coupon Uses",
        "/reports/coupons",
        &[Permission::ReportsView],
    ),
    (
        "Reports",
        "Loyalty Reports",
        "/loyalty/reports",
        &[Permission::ReportsView],
    ),
    (
        "Reports",
        "Gift Card Liability",
        "/reports/gift-cards",
        &[Permission::ReportsView],
    ),
    (
        "Reports",
        "Referral Funnel",
        "/reports/referrals",
        &[Permission::ReportsView],
    ),
    (
        "Administration",
        "API",
        "/api-docs",
        &[Permission::StoresManage],
    ),
    (
        "Administration",
        "Users",
        "/users",
        &[Permission::UsersManage],
    ),
    (
        "Administration",
        "Audit",
        "/audit",
        &[Permission::AuditView],
    ),
];

/// The links a user with `can` sees, marking the one `path` is under; the first link of each
/// group carries the group's heading.
pub fn links(can: impl Fn(Permission) -> bool, path: &str) -> Vec<NavLink> {
    let mut previous = "";
    AREAS
        .iter()
        .filter(|(_, _, _, any_of)| any_of.is_empty() || any_of.iter().any(|p| can(*p)))
        .map(|(group, label, href, _)| {
            let heading = (*group != previous && !group.is_empty()).then_some(*group);
            previous = group;
            NavLink {
                heading,
                label,
                href,
                current: if *href == "/" || *href == "/reports" {
                    path == *href
                } else {
                    path == *href || path.starts_with(&format!("{href}/"))
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use patron_rules::users::Role;

    #[test]
    fn links_follow_permissions_and_mark_the_current_area() {
        let labels = |role: Role| -> Vec<&str> {
            links(|p| role.can(p), "/users/4")
                .iter()
                .map(|l| l.label)
                .collect()
        };
        assert_eq!(
            labels(Role::Admin),
            [
                "Home",
                "Customers",
                "Customer Groups",
                "Territories",
                "Stores",
                "Companies",
                "Sales Persons",
                "Items",
                "Item Groups",
                "Brands",
                "Invoices",
                "Loyalty Programs",
                "Offers",
                "Campaigns",
                "Coupons",
                "Referral Codes",
                "Segments",
                "Gift Cards",
                "All Reports",
                "Sales by Customer",
                "New and Returning",
                "Lapsed Customers",
                "Sales by Store",
                "Delivery Charges",
                "Offer Effectiveness",
                "Coupon Uses",
                "Loyalty Reports",
                "Gift Card Liability",
                "Referral Funnel",
                "API",
                "Users",
                "Audit"
            ]
        );
        assert_eq!(
            labels(Role::StoreSupervisor),
            [
                "Home",
                "Customers",
                "All Reports",
                "Sales by Customer",
                "New and Returning",
                "Lapsed Customers",
                "Sales by Store",
                "Delivery Charges"
            ]
        );
        assert_eq!(
            labels(Role::Marketing),
            [
                "Home",
                "Customers",
                "Invoices",
                "Loyalty Programs",
                "Offers",
                "Campaigns",
                "Coupons",
                "Referral Codes",
                "Segments",
                "Gift Cards",
                "All Reports",
                "Sales by Customer",
                "New and Returning",
                "Lapsed Customers",
                "Sales by Store",
                "Delivery Charges",
                "Offer Effectiveness",
                "Coupon Uses",
                "Loyalty Reports",
                "Gift Card Liability",
                "Referral Funnel"
            ]
        );
        let headings: Vec<&str> = links(|p| Role::Marketing.can(p), "/")
            .iter()
            .filter_map(|l| l.heading)
            .collect();
        assert_eq!(
            headings,
            [
                "Customers",
                "Sales",
                "Loyalty",
                "Offers",
                "Gift Cards",
                "Reports"
            ]
        );
        let admin = links(|_| true, "/users/4");
        assert!(admin.iter().find(|l| l.label == "Users").unwrap().current);
        assert!(!admin.iter().find(|l| l.label == "Home").unwrap().current);
    }
}
