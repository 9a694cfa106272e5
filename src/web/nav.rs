//! The left navigation: each area with the permission that shows it. Areas join this list as
//! their pages land, so that no link leads to a page that does not exist yet.

use crate::users::rules::Permission;

/// One navigation link.
#[derive(Debug, Clone)]
pub struct NavLink {
    /// Label.
    pub label: &'static str,
    /// Where it goes.
    pub href: &'static str,
    /// Whether the current page is under it.
    pub current: bool,
}

/// Areas in menu order, with the permission each needs (`None`: every signed-in user).
const AREAS: [(&str, &str, Option<Permission>); 16] = [
    ("Home", "/", None),
    ("Customers", "/customers", Some(Permission::CustomersView)),
    (
        "Customer Groups",
        "/customer-groups",
        Some(Permission::StoresManage),
    ),
    (
        "Territories",
        "/territories",
        Some(Permission::StoresManage),
    ),
    ("Stores", "/stores", Some(Permission::StoresManage)),
    ("Companies", "/companies", Some(Permission::StoresManage)),
    (
        "Sales Persons",
        "/sales-persons",
        Some(Permission::StoresManage),
    ),
    ("Items", "/items", Some(Permission::StoresManage)),
    (
        "Item Groups",
        "/item-groups",
        Some(Permission::StoresManage),
    ),
    ("Brands", "/brands", Some(Permission::StoresManage)),
    ("Invoices", "/invoices", Some(Permission::ReportsView)),
    (
        "Loyalty Programs",
        "/loyalty/programs",
        Some(Permission::LoyaltyManage),
    ),
    (
        "Loyalty Reports",
        "/loyalty/reports",
        Some(Permission::ReportsView),
    ),
    ("API", "/api-docs", Some(Permission::StoresManage)),
    ("Users", "/users", Some(Permission::UsersManage)),
    ("Audit", "/audit", Some(Permission::AuditView)),
];

/// The links a user with `can` sees, marking the one `path` is under.
pub fn links(can: impl Fn(Permission) -> bool, path: &str) -> Vec<NavLink> {
    AREAS
        .iter()
        .filter(|(_, _, needs)| needs.is_none_or(&can))
        .map(|(label, href, _)| NavLink {
            label,
            href,
            current: if *href == "/" {
                path == "/"
            } else {
                path == *href || path.starts_with(&format!("{href}/"))
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::rules::Role;

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
                "Loyalty Reports"
            ]
        );
        let admin = links(|_| true, "/users/4");
        assert!(admin.iter().find(|l| l.label == "Users").unwrap().current);
        assert!(!admin.iter().find(|l| l.label == "Home").unwrap().current);
    }
}
