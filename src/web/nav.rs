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

/// Areas in menu order, under their group's heading, with the permission each needs (`None`:
/// every signed-in user).
const AREAS: [(&str, &str, &str, Option<Permission>); 22] = [
    ("", "Home", "/", None),
    (
        "Customers",
        "Customers",
        "/customers",
        Some(Permission::CustomersView),
    ),
    (
        "Customers",
        "Customer Groups",
        "/customer-groups",
        Some(Permission::StoresManage),
    ),
    (
        "Customers",
        "Territories",
        "/territories",
        Some(Permission::StoresManage),
    ),
    (
        "Stores",
        "Stores",
        "/stores",
        Some(Permission::StoresManage),
    ),
    (
        "Stores",
        "Companies",
        "/companies",
        Some(Permission::StoresManage),
    ),
    (
        "Stores",
        "Sales Persons",
        "/sales-persons",
        Some(Permission::StoresManage),
    ),
    (
        "Catalogue",
        "Items",
        "/items",
        Some(Permission::StoresManage),
    ),
    (
        "Catalogue",
        "Item Groups",
        "/item-groups",
        Some(Permission::StoresManage),
    ),
    (
        "Catalogue",
        "Brands",
        "/brands",
        Some(Permission::StoresManage),
    ),
    (
        "Sales",
        "Invoices",
        "/invoices",
        Some(Permission::ReportsView),
    ),
    (
        "Loyalty",
        "Loyalty Programs",
        "/loyalty/programs",
        Some(Permission::LoyaltyManage),
    ),
    (
        "Loyalty",
        "Loyalty Reports",
        "/loyalty/reports",
        Some(Permission::ReportsView),
    ),
    // Offers and campaigns: offers.manage edits them, reports.view reads them; every role that
    // holds offers.manage also holds reports.view, so the one permission shows both.
    ("Offers", "Offers", "/offers", Some(Permission::ReportsView)),
    (
        "Offers",
        "Campaigns",
        "/campaigns",
        Some(Permission::ReportsView),
    ),
    (
        "Offers",
        "Coupons",
        "/coupons",
        Some(Permission::ReportsView),
    ),
    (
        "Offers",
        "Referral Codes",
        "/referrals",
        Some(Permission::ReportsView),
    ),
    (
        "Gift Cards",
        "Gift Cards",
        "/gift-cards",
        Some(Permission::GiftCardsManage),
    ),
    (
        "Gift Cards",
        "Gift Card Liability",
        "/reports/gift-cards",
        Some(Permission::ReportsView),
    ),
    (
        "Administration",
        "API",
        "/api-docs",
        Some(Permission::StoresManage),
    ),
    (
        "Administration",
        "Users",
        "/users",
        Some(Permission::UsersManage),
    ),
    (
        "Administration",
        "Audit",
        "/audit",
        Some(Permission::AuditView),
    ),
];

/// The links a user with `can` sees, marking the one `path` is under; the first link of each
/// group carries the group's heading.
pub fn links(can: impl Fn(Permission) -> bool, path: &str) -> Vec<NavLink> {
    let mut previous = "";
    AREAS
        .iter()
        .filter(|(_, _, _, needs)| needs.is_none_or(&can))
        .map(|(group, label, href, _)| {
            let heading = (*group != previous && !group.is_empty()).then_some(*group);
            previous = group;
            NavLink {
                heading,
                label,
                href,
                current: if *href == "/" {
                    path == "/"
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
                "Loyalty Reports",
                "Offers",
                "Campaigns",
                "Coupons",
                "Referral Codes",
                "Gift Cards",
                "Gift Card Liability",
                "API",
                "Users",
                "Audit"
            ]
        );
        assert_eq!(labels(Role::StoreSupervisor), ["Home", "Customers"]);
        assert_eq!(
            labels(Role::Marketing),
            [
                "Home",
                "Customers",
                "Invoices",
                "Loyalty Programs",
                "Loyalty Reports",
                "Offers",
                "Campaigns",
                "Coupons",
                "Referral Codes",
                "Gift Cards",
                "Gift Card Liability"
            ]
        );
        let headings: Vec<&str> = links(|p| Role::Marketing.can(p), "/")
            .iter()
            .filter_map(|l| l.heading)
            .collect();
        assert_eq!(
            headings,
            ["Customers", "Sales", "Loyalty", "Offers", "Gift Cards"]
        );
        let admin = links(|_| true, "/users/4");
        assert!(admin.iter().find(|l| l.label == "Users").unwrap().current);
        assert!(!admin.iter().find(|l| l.label == "Home").unwrap().current);
    }
}
