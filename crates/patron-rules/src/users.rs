//! Who may do what: roles, permissions and the rules about managing users and passwords.
//! Pure: no web, no database.

use serde::{Deserialize, Serialize};

/// A named right that handlers require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Permission {
    /// Look customers up and read their history.
    CustomersView,
    /// Create customers.
    CustomersCreate,
    /// Edit and merge customers.
    CustomersEdit,
    /// Deactivate and reactivate customers.
    CustomersDeactivate,
    /// Export the customer list with contact details (a bulk export, audited).
    CustomersExport,
    /// Set up loyalty programs.
    LoyaltyManage,
    /// Set up offers.
    OffersManage,
    /// Set up coupons.
    CouponsManage,
    /// Issue gift cards, top them up, adjust, disable and enable them.
    GiftCardsManage,
    /// Set up campaigns and referral codes.
    ReferralsManage,
    /// Build customer segments and act on them.
    SegmentsManage,
    /// Keep stores, POS profiles, delivery charges, sales persons, items, groups, territories.
    StoresManage,
    /// Read reports.
    ReportsView,
    /// Read their own store's sales reports (a store supervisor's view of the Reports menu).
    StoreReportsView,
    /// Keep users and their roles.
    UsersManage,
    /// Read the audit log.
    AuditView,
}

impl Permission {
    /// Every permission, in the order the Users page lists them.
    pub const ALL: [Permission; 16] = [
        Permission::CustomersView,
        Permission::CustomersCreate,
        Permission::CustomersEdit,
        Permission::CustomersDeactivate,
        Permission::CustomersExport,
        Permission::LoyaltyManage,
        Permission::OffersManage,
        Permission::CouponsManage,
        Permission::GiftCardsManage,
        Permission::ReferralsManage,
        Permission::SegmentsManage,
        Permission::StoresManage,
        Permission::ReportsView,
        Permission::StoreReportsView,
        Permission::UsersManage,
        Permission::AuditView,
    ];

    /// The permission's name, as in `customers.view`.
    pub fn name(self) -> &'static str {
        match self {
            Permission::CustomersView => "customers.view",
            Permission::CustomersCreate => "customers.create",
            Permission::CustomersEdit => "customers.edit",
            Permission::CustomersDeactivate => "customers.deactivate",
            Permission::CustomersExport => "customers.export",
            Permission::LoyaltyManage => "loyalty.manage",
            Permission::OffersManage => "offers.manage",
            Permission::CouponsManage => "coupons.manage",
            Permission::GiftCardsManage => "gift_cards.manage",
            Permission::ReferralsManage => "referrals.manage",
            Permission::SegmentsManage => "segments.manage",
            Permission::StoresManage => "stores.manage",
            Permission::ReportsView => "reports.view",
            Permission::StoreReportsView => "reports.store",
            Permission::UsersManage => "users.manage",
            Permission::AuditView => "audit.view",
        }
    }

    /// What it allows, in a few words.
    pub fn description(self) -> &'static str {
        match self {
            Permission::CustomersView => "Look up customers and their history",
            Permission::CustomersCreate => "Create customers",
            Permission::CustomersEdit => "Edit and merge customers",
            Permission::CustomersDeactivate => "Deactivate and reactivate customers",
            Permission::CustomersExport => "Export the customer list with contact details",
            Permission::LoyaltyManage => "Set up loyalty programs",
            Permission::OffersManage => "Set up offers",
            Permission::CouponsManage => "Set up coupons",
            Permission::GiftCardsManage => "Issue, top up and keep gift cards",
            Permission::ReferralsManage => "Set up campaigns and referral codes",
            Permission::SegmentsManage => "Build customer segments and act on them",
            Permission::StoresManage => "Keep stores, POS profiles and the catalogue",
            Permission::ReportsView => "Read reports",
            Permission::StoreReportsView => "Read their store's sales reports",
            Permission::UsersManage => "Keep users and their roles",
            Permission::AuditView => "Read the audit log",
        }
    }
}

/// What a user is at the company; it decides their permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything.
    Admin,
    /// Head office: customers, stores, users, reports.
    HqManager,
    /// One store: looks customers up and keeps them.
    StoreSupervisor,
    /// Loyalty, offers, coupons, referrals and their reports.
    Marketing,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::HqManager,
        Role::StoreSupervisor,
        Role::Marketing,
    ];

    /// The stored name (`hq_manager`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::HqManager => "hq_manager",
            Role::StoreSupervisor => "store_supervisor",
            Role::Marketing => "marketing",
        }
    }

    /// The name people read (`HQ manager`).
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::HqManager => "HQ manager",
            Role::StoreSupervisor => "Store supervisor",
            Role::Marketing => "Marketing",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// The role's permissions: the table the Users page shows.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Admin => &Permission::ALL,
            Role::HqManager => &[
                CustomersView,
                CustomersCreate,
                CustomersEdit,
                CustomersDeactivate,
                CustomersExport,
                GiftCardsManage,
                StoresManage,
                ReportsView,
                UsersManage,
                AuditView,
            ],
            Role::StoreSupervisor => &[
                CustomersView,
                CustomersCreate,
                CustomersEdit,
                StoreReportsView,
            ],
            Role::Marketing => &[
                CustomersView,
                LoyaltyManage,
                OffersManage,
                CouponsManage,
                GiftCardsManage,
                ReferralsManage,
                SegmentsManage,
                ReportsView,
            ],
        }
    }

    /// Whether the role holds `permission`.
    pub fn can(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }

    /// Whether the role works for one store (and so must have one).
    pub fn needs_store(self) -> bool {
        self == Role::StoreSupervisor
    }
}

/// Failed sign-ins on one account from one client address, within the window, that lock the
/// account for that address (its owner elsewhere still signs in).
pub const LOCK_AFTER_FAILURES: i64 = 5;
/// The rolling window failed sign-ins are counted in, in minutes: a lock ends when the oldest
/// failure that made it is this old.
pub const LOCK_MINUTES: i64 = 15;
/// Failed sign-ins from one client address, whatever the emails, within the window, past which
/// the address is refused every sign-in until its oldest failure leaves the window.
pub const ADDRESS_FAILURES: i64 = 20;
/// Failed sign-ins on one account from every address within the window that lock it for
/// everyone: guessing spread over many addresses.
pub const ACCOUNT_FAILURES: i64 = 50;

/// Failed (or still running) sign-ins within the window before this one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attempts {
    /// From this client address, whatever the email.
    pub from_address: i64,
    /// On this account from this address.
    pub on_account_here: i64,
    /// On this account from everywhere.
    pub on_account: i64,
}

/// Whether a sign-in may check its password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInGate {
    /// It may.
    Open,
    /// The account is locked for this address (or everywhere): refused like a wrong password,
    /// so that the answer never tells whether the email exists.
    Locked,
    /// This address has failed too often: refused before any account is looked at.
    Throttled,
}

/// The gate of a sign-in after `seen`. A throttled address's attempts do not count against the
/// account, so one address guessing cannot keep the owner out past a lock.
pub fn sign_in_gate(seen: Attempts) -> SignInGate {
    if seen.from_address >= ADDRESS_FAILURES {
        SignInGate::Throttled
    } else if seen.on_account_here >= LOCK_AFTER_FAILURES || seen.on_account >= ACCOUNT_FAILURES {
        SignInGate::Locked
    } else {
        SignInGate::Open
    }
}
/// Shortest password accepted, in characters.
pub const PASSWORD_MIN: usize = 8;
/// Longest password accepted, in characters.
pub const PASSWORD_MAX: usize = 128;

/// Checks a new password against the rules; the message says what is wrong.
pub fn check_password(password: &str) -> Result<(), String> {
    let len = password.chars().count();
    if len < PASSWORD_MIN {
        Err(format!("Use at least {PASSWORD_MIN} characters."))
    } else if len > PASSWORD_MAX {
        Err(format!("Use at most {PASSWORD_MAX} characters."))
    } else {
        Ok(())
    }
}

/// Whether someone with role `actor` may give a user role `new_role` or change a user who has
/// role `current`: only administrators make or change administrators.
pub fn may_assign(actor: Role, current: Option<Role>, new_role: Role) -> bool {
    actor == Role::Admin || (current != Some(Role::Admin) && new_role != Role::Admin)
}

/// What stops a change to a user, if anything: nobody deactivates themselves, and the last
/// active administrator stays an active administrator.
pub fn check_user_change(
    acting_on_self: bool,
    target_is_active_admin: bool,
    other_active_admins: i64,
    deactivating: bool,
    new_role: Role,
) -> Result<(), String> {
    if deactivating && acting_on_self {
        return Err("You cannot deactivate your own account.".into());
    }
    let stops_being_admin = deactivating || new_role != Role::Admin;
    if target_is_active_admin && stops_being_admin && other_active_admins == 0 {
        return Err("This is the last active administrator; make someone else one first.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_hold_exactly_their_permissions() {
        use Permission::*;
        let expect: [(Role, &[Permission]); 4] = [
            (Role::Admin, &Permission::ALL),
            (
                Role::HqManager,
                &[
                    CustomersView,
                    CustomersCreate,
                    CustomersEdit,
                    CustomersDeactivate,
                    CustomersExport,
                    GiftCardsManage,
                    StoresManage,
                    ReportsView,
                    UsersManage,
                    AuditView,
                ],
            ),
            (
                Role::StoreSupervisor,
                &[
                    CustomersView,
                    CustomersCreate,
                    CustomersEdit,
                    StoreReportsView,
                ],
            ),
            (
                Role::Marketing,
                &[
                    CustomersView,
                    LoyaltyManage,
                    OffersManage,
                    CouponsManage,
                    GiftCardsManage,
                    ReferralsManage,
                    SegmentsManage,
                    ReportsView,
                ],
            ),
        ];
        for (role, granted) in expect {
            for p in Permission::ALL {
                assert_eq!(
                    role.can(p),
                    granted.contains(&p),
                    "{} {}",
                    role.as_str(),
                    p.name()
                );
            }
        }
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn passwords_must_be_8_to_128_characters() {
        assert!(check_password("1234567").is_err());
        assert!(check_password("12345678").is_ok());
        assert!(
            check_password(&"é".repeat(128)).is_ok(),
            "counted in characters, not bytes"
        );
        assert!(check_password(&"x".repeat(129)).is_err());
    }

    #[test]
    fn only_admins_make_or_change_admins() {
        assert!(may_assign(Role::Admin, Some(Role::Marketing), Role::Admin));
        assert!(may_assign(
            Role::HqManager,
            Some(Role::Marketing),
            Role::StoreSupervisor
        ));
        assert!(!may_assign(
            Role::HqManager,
            Some(Role::Marketing),
            Role::Admin
        ));
        assert!(!may_assign(Role::HqManager, Some(Role::Admin), Role::Admin));
        assert!(may_assign(Role::HqManager, None, Role::HqManager));
    }

    #[test]
    fn the_last_admin_and_oneself_are_protected() {
        assert!(check_user_change(true, true, 3, true, Role::Admin).is_err());
        assert!(check_user_change(false, true, 0, true, Role::Admin).is_err());
        assert!(check_user_change(false, true, 0, false, Role::HqManager).is_err());
        assert!(check_user_change(false, true, 0, false, Role::Admin).is_ok());
        assert!(check_user_change(false, true, 1, true, Role::Admin).is_ok());
        assert!(check_user_change(false, false, 0, true, Role::Marketing).is_ok());
    }

    #[test]
    fn sign_in_is_locked_per_address_and_throttled_per_address() {
        let gate = |from_address, on_account_here, on_account| {
            sign_in_gate(Attempts {
                from_address,
                on_account_here,
                on_account,
            })
        };
        assert_eq!(gate(4, 4, 4), SignInGate::Open);
        assert_eq!(gate(5, 5, 5), SignInGate::Locked, "five here lock it here");
        assert_eq!(
            gate(0, 0, 5),
            SignInGate::Open,
            "the owner elsewhere gets in"
        );
        assert_eq!(
            gate(0, 0, 50),
            SignInGate::Locked,
            "guessing from many places"
        );
        assert_eq!(
            gate(20, 0, 0),
            SignInGate::Throttled,
            "one address spraying"
        );
        assert_eq!(gate(20, 5, 50), SignInGate::Throttled);
    }
}
