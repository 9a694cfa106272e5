//! The pure rules of referrals: when a code may register a new customer (each refusal with the
//! message staff and tills show by the Referral Code field), and when the referrer is rewarded.

/// When the referrer gets their coupon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RewardReferrer {
    /// In the transaction that registers the new customer.
    AtRegistration,
    /// In the transaction of the new customer's first submitted sale (not a return).
    FirstPurchase,
}

impl RewardReferrer {
    /// As stored.
    pub fn as_stored(self) -> &'static str {
        match self {
            RewardReferrer::AtRegistration => "at_registration",
            RewardReferrer::FirstPurchase => "first_purchase",
        }
    }

    /// From the stored text (anything unknown reads as At registration, the column's default).
    pub fn from_stored(text: &str) -> RewardReferrer {
        match text {
            "first_purchase" => RewardReferrer::FirstPurchase,
            _ => RewardReferrer::AtRegistration,
        }
    }

    /// As the form labels it.
    pub fn label(self) -> &'static str {
        match self {
            RewardReferrer::AtRegistration => "At registration",
            RewardReferrer::FirstPurchase => "After the new customer's first purchase",
        }
    }
}

/// A referral code as the registration check reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeFacts {
    /// The code, as stored.
    pub code: String,
    /// Its company.
    pub company_id: i64,
    /// The referrer.
    pub referrer_id: i64,
    /// The referrer's mobile, digits only ("" when none).
    pub referrer_mobile_digits: String,
    /// The referrer's email, lower-case ("" when none).
    pub referrer_email: String,
    /// Disabled.
    pub disabled: bool,
    /// Max Registrations (none: no cap).
    pub max_registrations: Option<i32>,
    /// Registrations so far.
    pub registrations: i32,
}

/// The customer being registered with a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Newcomer {
    /// Their id, once created.
    pub customer_id: i64,
    /// The company they are created for.
    pub company_id: i64,
    /// Mobile, digits only ("" when none).
    pub mobile_digits: String,
    /// Email, lower-case ("" when none).
    pub email: String,
}

/// Why a code cannot register this customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No code of that text.
    Unknown(String),
    /// Another company's code.
    OtherCompany(String),
    /// Disabled by marketing.
    Disabled(String),
    /// Max Registrations reached.
    Full(String, i32),
    /// The new customer's own code.
    OwnCode,
    /// The new customer's mobile or email is the referrer's.
    SelfReferral,
}

impl Refusal {
    /// The message shown by the Referral Code field.
    pub fn message(&self) -> String {
        match self {
            Refusal::Unknown(code) => format!("No referral code {code} exists."),
            Refusal::OtherCompany(code) => {
                format!("Referral code {code} belongs to another company.")
            }
            Refusal::Disabled(code) => format!("Referral code {code} is disabled."),
            Refusal::Full(code, cap) => format!(
                "Referral code {code} has reached its limit of {cap} registration{}.",
                if *cap == 1 { "" } else { "s" }
            ),
            Refusal::OwnCode => "A customer cannot be referred by their own code.".to_owned(),
            Refusal::SelfReferral => "This is a self-referral: the new customer's mobile or \
                email is the referrer's own."
                .to_owned(),
        }
    }

    /// The stable code the till API answers with.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Unknown(_) => "unknown_code",
            Refusal::OtherCompany(_) => "other_company",
            Refusal::Disabled(_) => "disabled",
            Refusal::Full(..) => "limit_reached",
            Refusal::OwnCode => "own_code",
            Refusal::SelfReferral => "self_referral",
        }
    }
}

/// Whether `code` (none: unknown) may be used at all by a customer of `company`: the checks a
/// till can make before it has a customer. `typed` is the code as normalised.
pub fn check_code(code: Option<&CodeFacts>, typed: &str, company: i64) -> Result<(), Refusal> {
    let Some(code) = code else {
        return Err(Refusal::Unknown(typed.to_owned()));
    };
    if code.company_id != company {
        return Err(Refusal::OtherCompany(code.code.clone()));
    }
    if code.disabled {
        return Err(Refusal::Disabled(code.code.clone()));
    }
    if let Some(cap) = code.max_registrations
        && code.registrations >= cap
    {
        return Err(Refusal::Full(code.code.clone(), cap));
    }
    Ok(())
}

/// Whether `code` may register `newcomer`: every check, in the order the message is chosen.
pub fn check(code: Option<&CodeFacts>, typed: &str, newcomer: &Newcomer) -> Result<(), Refusal> {
    check_code(code, typed, newcomer.company_id)?;
    let Some(code) = code else {
        return Err(Refusal::Unknown(typed.to_owned()));
    };
    if code.referrer_id == newcomer.customer_id {
        return Err(Refusal::OwnCode);
    }
    let same = |a: &str, b: &str| !a.is_empty() && a == b;
    if same(&newcomer.mobile_digits, &code.referrer_mobile_digits)
        || same(&newcomer.email, &code.referrer_email)
    {
        return Err(Refusal::SelfReferral);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    type Change = Box<dyn Fn(&mut CodeFacts, &mut Newcomer)>;

    fn alice() -> CodeFacts {
        CodeFacts {
            code: "ALICE2026".into(),
            company_id: 1,
            referrer_id: 10,
            referrer_mobile_digits: "15550100".into(),
            referrer_email: "alice@example.com".into(),
            disabled: false,
            max_registrations: Some(2),
            registrations: 1,
        }
    }

    fn bob() -> Newcomer {
        Newcomer {
            customer_id: 11,
            company_id: 1,
            mobile_digits: "15550199".into(),
            email: "bob@example.com".into(),
        }
    }

    #[test]
    fn each_failure_is_told_in_order() {
        let cases: Vec<(Change, Result<(), Refusal>)> = vec![
            (Box::new(|_, _| {}), Ok(())),
            (
                Box::new(|c, _| c.company_id = 2),
                Err(Refusal::OtherCompany("ALICE2026".into())),
            ),
            (
                Box::new(|c, _| {
                    c.disabled = true;
                    c.registrations = 2;
                }),
                Err(Refusal::Disabled("ALICE2026".into())),
            ),
            (
                Box::new(|c, _| c.registrations = 2),
                Err(Refusal::Full("ALICE2026".into(), 2)),
            ),
            (Box::new(|c, _| c.max_registrations = None), Ok(())),
            (Box::new(|_, n| n.customer_id = 10), Err(Refusal::OwnCode)),
            (
                Box::new(|_, n| n.mobile_digits = "15550100".into()),
                Err(Refusal::SelfReferral),
            ),
            (
                Box::new(|_, n| n.email = "alice@example.com".into()),
                Err(Refusal::SelfReferral),
            ),
            // Both without a mobile is no match.
            (
                Box::new(|c, n| {
                    c.referrer_mobile_digits.clear();
                    n.mobile_digits.clear();
                }),
                Ok(()),
            ),
        ];
        for (index, (change, expected)) in cases.into_iter().enumerate() {
            let (mut code, mut newcomer) = (alice(), bob());
            change(&mut code, &mut newcomer);
            assert_eq!(
                check(Some(&code), "ALICE2026", &newcomer),
                expected,
                "case {index}"
            );
        }
    }

    #[test]
    fn an_unknown_code_is_named() {
        let refused = check(None, "NOPE", &bob()).unwrap_err();
        assert_eq!(refused.message(), "No referral code NOPE exists.");
        assert_eq!(refused.code(), "unknown_code");
    }

    #[test]
    fn messages_say_what_to_do() {
        assert_eq!(
            Refusal::Full("ALICE2026".into(), 1).message(),
            "Referral code ALICE2026 has reached its limit of 1 registration."
        );
        assert_eq!(
            Refusal::Disabled("ALICE2026".into()).message(),
            "Referral code ALICE2026 is disabled."
        );
    }

    #[test]
    fn reward_referrer_round_trips() {
        for reward in [
            RewardReferrer::AtRegistration,
            RewardReferrer::FirstPurchase,
        ] {
            assert_eq!(RewardReferrer::from_stored(reward.as_stored()), reward);
        }
    }
}
