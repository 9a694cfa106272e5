//! Form input of the users pages, parsed into values that cannot be wrong.

use patron_rules::users::{Role, check_password};
use serde::Deserialize;

use crate::web::FieldErrors;

/// An email address: trimmed, one `@`, a dot in the domain, no spaces, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses what a person typed.
    pub fn parse(input: &str) -> Result<EmailAddress, String> {
        let email = input.trim();
        if email.is_empty() {
            return Err("Enter an email address.".into());
        }
        if email.chars().count() > 254 {
            return Err("An email address has at most 254 characters.".into());
        }
        let valid = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !email.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if valid {
            Ok(EmailAddress(email.to_owned()))
        } else {
            Err("Enter an email address like name@example.com.".into())
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's name: trimmed, 1 to 120 characters.
fn parse_name(input: &str) -> Result<String, String> {
    let name = input.trim();
    match name.chars().count() {
        0 => Err("Enter a name.".into()),
        n if n > 120 => Err("Use at most 120 characters.".into()),
        _ => Ok(name.to_owned()),
    }
}

/// The Users page form, as posted (also what is shown again after an error).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Role name.
    #[serde(default)]
    pub role: String,
    /// Store id, empty for none.
    #[serde(default)]
    pub store_id: String,
    /// Initial password (new users only).
    #[serde(default)]
    pub password: String,
}

/// A user's details after parsing.
#[derive(Debug, Clone)]
pub struct ValidUser {
    /// Name.
    pub name: String,
    /// Email.
    pub email: EmailAddress,
    /// Role.
    pub role: Role,
    /// Store, required for supervisors, dropped for other roles.
    pub store_id: Option<i64>,
}

impl UserForm {
    /// Parses the details; `with_password` also checks the initial password.
    pub fn parse(&self, with_password: bool) -> Result<ValidUser, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = parse_name(&self.name)
            .map_err(|e| errors.add("name", e))
            .ok();
        let email = EmailAddress::parse(&self.email)
            .map_err(|e| errors.add("email", e))
            .ok();
        let role = Role::parse(&self.role);
        if role.is_none() {
            errors.add("role", "Choose a role.");
        }
        let store_id = self.store_id.trim().parse::<i64>().ok();
        if role.is_some_and(Role::needs_store) && store_id.is_none() {
            errors.add("store_id", "A store supervisor needs a store.");
        }
        if with_password && let Err(e) = check_password(&self.password) {
            errors.add("password", e);
        }
        match (name, email, role) {
            (Some(name), Some(email), Some(role)) if errors.is_empty() => Ok(ValidUser {
                name,
                email,
                role,
                store_id: if role.needs_store() { store_id } else { None },
            }),
            _ => Err(errors),
        }
    }
}

/// The Reset password form on a user's page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResetPasswordForm {
    /// The new password.
    #[serde(default)]
    pub password: String,
}

/// The Change password form of the signed-in user.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChangePasswordForm {
    /// Their current password.
    #[serde(default)]
    pub current_password: String,
    /// The new one.
    #[serde(default)]
    pub new_password: String,
    /// The new one again.
    #[serde(default)]
    pub confirm_password: String,
}

impl ChangePasswordForm {
    /// Checks the new password and its confirmation (the current one is checked against the hash).
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.current_password.is_empty() {
            errors.add("current_password", "Enter your current password.");
        }
        if let Err(e) = check_password(&self.new_password) {
            errors.add("new_password", e);
        } else if self.new_password != self.confirm_password {
            errors.add("confirm_password", "The two new passwords differ.");
        }
        errors.into_result(())
    }
}

/// The sign-in form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SignInForm {
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Password.
    #[serde(default)]
    pub password: String,
    /// Where to go afterwards.
    #[serde(default)]
    pub next: String,
}

/// A local path to return to after sign-in; anything else (another site, `//host`, a path with
/// a space, tab, line break or backslash, which browsers may read as another host or which
/// cannot be a header) becomes `/`.
pub fn safe_next(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && next.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    if local { next } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_for_shape() {
        for ok in ["ann@example.com", " ann.lee+x@shop.co.uk "] {
            assert!(EmailAddress::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "a@b@c.com",
            "ann@.com",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(EmailAddress::parse(" a@b.co ").unwrap().as_str(), "a@b.co");
    }

    #[test]
    fn user_form_reports_every_bad_field() {
        let form = UserForm {
            name: " ".into(),
            email: "nope".into(),
            role: "store_supervisor".into(),
            store_id: "".into(),
            password: "short".into(),
        };
        let errors = form.parse(true).unwrap_err();
        for field in ["name", "email", "store_id", "password"] {
            assert!(errors.has(field), "{field}");
        }
        assert!(!errors.has("role"));
    }

    #[test]
    fn store_is_kept_only_for_supervisors() {
        let mut form = UserForm {
            name: "Ann".into(),
            email: "ann@example.com".into(),
            role: "marketing".into(),
            store_id: "3".into(),
            password: String::new(),
        };
        assert_eq!(form.parse(false).unwrap().store_id, None);
        form.role = "store_supervisor".into();
        assert_eq!(form.parse(false).unwrap().store_id, Some(3));
    }

    #[test]
    fn new_password_must_be_confirmed() {
        let form = ChangePasswordForm {
            current_password: "old-password".into(),
            new_password: "new-password".into(),
            confirm_password: "new-passwort".into(),
        };
        assert!(form.check().unwrap_err().has("confirm_password"));
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next("/users?x=1"), "/users?x=1");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("/\t/evil.example/"), "/");
        assert_eq!(safe_next("/users\n"), "/");
        assert_eq!(safe_next("/users\r\nSet-Cookie: x=1"), "/");
        assert_eq!(safe_next("/a b"), "/");
        assert_eq!(
            safe_next("/customers?q=ana%20lima&page=2"),
            "/customers?q=ana%20lima&page=2"
        );
        assert_eq!(safe_next(""), "/");
    }
}
