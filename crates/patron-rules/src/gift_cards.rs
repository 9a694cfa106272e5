//! Gift cards' pure rules: card numbers people can read off a card and type (16 characters
//! without look-alikes, drawn from a CSPRNG), the state a card is in on a day, what each ledger
//! entry is called, and which amounts a card takes; the liability report's days and movements in
//! `liability`.

use chrono::NaiveDate;
use rand::Rng;
use rust_decimal::Decimal;

use crate::Currency;

pub mod liability;

/// The characters of a card number: A–Z and 2–9 without 0/O, 1/I/L, so that one read aloud or
/// typed from a printed card cannot be mistaken for another.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// Characters in a card number: 31^16 is about 2^79 numbers, so guessing one is hopeless.
pub const NUMBER_LEN: usize = 16;

/// Largest amount one issue, top-up or adjustment moves: beyond it someone surely mistyped.
pub const MAX_AMOUNT: i64 = 1_000_000;

/// A card number as stored: 16 characters of `ALPHABET`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CardNumber(String);

impl CardNumber {
    /// A number as typed (any case, with spaces or dashes between groups), or why it is none.
    pub fn parse(typed: &str) -> Result<CardNumber, String> {
        let number: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_uppercase)
            .collect();
        if number.is_empty() {
            return Err("Give the card's number.".into());
        }
        if let Some(bad) = number
            .chars()
            .find(|c| !c.is_ascii() || !ALPHABET.contains(&(*c as u8)))
        {
            return Err(format!(
                "A card number has only letters and the digits 2 to 9 (no 0, O, 1, I or L): {bad} is not one of them."
            ));
        }
        let len = number.chars().count();
        if len != NUMBER_LEN {
            return Err(format!(
                "A card number has {NUMBER_LEN} characters; this one has {len}."
            ));
        }
        Ok(CardNumber(number))
    }

    /// A new number from `rng` (the thread's CSPRNG in Patron).
    pub fn generate(rng: &mut impl Rng) -> CardNumber {
        let number = (0..NUMBER_LEN)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        CardNumber(number)
    }

    /// The number as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as stored, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A number in groups of four, as printed on a card: `ABCD EFGH JKMN PQRS`.
pub fn grouped(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A number with all but its last four characters hidden, for people who may see that a card
/// exists but not use it: `•••• PQRS`.
pub fn masked(number: &str) -> String {
    let start = number.len().saturating_sub(4);
    format!("•••• {}", number.get(start..).unwrap_or_default())
}

/// Where a card stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// It pays and takes top-ups.
    Active,
    /// Switched off by a person (a lost card): it pays nothing until enabled again.
    Disabled,
    /// Past its Valid Upto: what is left on it is breakage.
    Expired,
}

impl Status {
    /// Every status, as the list's filter offers them: (code, label).
    pub const CHOICES: [(&'static str, &'static str); 3] = [
        ("active", "Active"),
        ("disabled", "Disabled"),
        ("expired", "Expired"),
    ];

    /// The status of a card `disabled` or not, valid through `valid_upto`, on day `on`. A
    /// disabled card reads Disabled whatever its date: that is what someone did to it.
    pub fn of(disabled: bool, valid_upto: Option<NaiveDate>, on: NaiveDate) -> Status {
        if disabled {
            Status::Disabled
        } else if valid_upto.is_some_and(|last| on > last) {
            Status::Expired
        } else {
            Status::Active
        }
    }

    /// The code the API and the filter use (`active`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Disabled => "disabled",
            Status::Expired => "expired",
        }
    }

    /// The word people read (`Active`).
    pub fn label(self) -> &'static str {
        match self {
            Status::Active => "Active",
            Status::Disabled => "Disabled",
            Status::Expired => "Expired",
        }
    }

    /// The badge's class.
    pub fn badge(self) -> &'static str {
        match self {
            Status::Active => "badge-active",
            Status::Disabled => "badge-inactive",
            Status::Expired => "badge-warning",
        }
    }

    /// The status a filter names, if it names one.
    pub fn parse(code: &str) -> Option<Status> {
        [Status::Active, Status::Disabled, Status::Expired]
            .into_iter()
            .find(|s| s.as_str() == code.trim())
    }
}

/// What a ledger entry did to a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// The card's first value.
    Issue,
    /// Value added on a page.
    TopUp,
    /// A sale paid with it.
    Redeem,
    /// A return refunded onto it.
    Refund,
    /// A cancel gave back (or took back) what its invoice moved.
    Reversal,
    /// What was left when it expired.
    Expiry,
    /// A correction by a person, with its reason.
    Adjustment,
}

impl EntryKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Issue => "issue",
            EntryKind::TopUp => "top_up",
            EntryKind::Redeem => "redeem",
            EntryKind::Refund => "refund",
            EntryKind::Reversal => "reversal",
            EntryKind::Expiry => "expiry",
            EntryKind::Adjustment => "adjustment",
        }
    }

    /// The word the ledger shows.
    pub fn label(self) -> &'static str {
        match self {
            EntryKind::Issue => "Issued",
            EntryKind::TopUp => "Top-up",
            EntryKind::Redeem => "Paid a sale",
            EntryKind::Refund => "Refund",
            EntryKind::Reversal => "Cancel",
            EntryKind::Expiry => "Expired",
            EntryKind::Adjustment => "Adjustment",
        }
    }

    /// The kind stored as `text`, if it is one.
    pub fn from_stored(text: &str) -> Option<EntryKind> {
        [
            EntryKind::Issue,
            EntryKind::TopUp,
            EntryKind::Redeem,
            EntryKind::Refund,
            EntryKind::Reversal,
            EntryKind::Expiry,
            EntryKind::Adjustment,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

/// Why `amount` cannot be put on a card (an issue or a top-up) in `currency`, if it cannot.
pub fn check_credit(amount: Decimal, currency: &Currency) -> Result<(), String> {
    if amount <= Decimal::ZERO {
        return Err("The amount must be more than zero.".into());
    }
    check_size(amount, currency)
}

/// Why `amount` (signed) cannot adjust a card holding `balance`, if it cannot: a balance never
/// goes below zero.
pub fn check_adjustment(
    amount: Decimal,
    balance: Decimal,
    currency: &Currency,
) -> Result<(), String> {
    if amount.is_zero() {
        return Err("Give the amount to add, or to take away with a minus: -5.00.".into());
    }
    check_size(amount, currency)?;
    if balance + amount < Decimal::ZERO {
        return Err(format!(
            "The balance is {}: an adjustment can take away at most that.",
            currency.format(balance)
        ));
    }
    Ok(())
}

fn check_size(amount: Decimal, currency: &Currency) -> Result<(), String> {
    if amount.normalize().scale() > currency.minor_unit {
        return Err(format!(
            "{} takes at most {} decimals.",
            currency.code, currency.minor_unit
        ));
    }
    if amount.abs() > Decimal::from(MAX_AMOUNT) {
        return Err(format!(
            "At most {} at a time.",
            currency.format(Decimal::from(MAX_AMOUNT))
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn generated_numbers_are_16_characters_of_the_alphabet() {
        let mut rng = rand::rng();
        let numbers: Vec<CardNumber> = (0..2000).map(|_| CardNumber::generate(&mut rng)).collect();
        for number in &numbers {
            assert_eq!(number.as_str().len(), NUMBER_LEN);
            assert!(
                number.as_str().bytes().all(|b| ALPHABET.contains(&b)),
                "{number:?}"
            );
            assert_eq!(CardNumber::parse(number.as_str()).as_ref(), Ok(number));
        }
        // Every character turns up, and no look-alike ever does.
        let seen: std::collections::BTreeSet<u8> =
            numbers.iter().flat_map(|n| n.as_str().bytes()).collect();
        assert_eq!(seen.len(), ALPHABET.len());
        for look_alike in [b'0', b'O', b'1', b'I', b'L'] {
            assert!(!ALPHABET.contains(&look_alike));
        }
        let unique: std::collections::HashSet<&CardNumber> = numbers.iter().collect();
        assert_eq!(unique.len(), numbers.len());
    }

    #[test]
    fn typed_numbers_are_upper_cased_and_checked() {
        assert_eq!(
            CardNumber::parse(" abcd-efgh jkmn pqrs ").unwrap().as_str(),
            "ABCDEFGHJKMNPQRS"
        );
        for (typed, message) in [
            ("", "Give the card's number."),
            (
                "ABCDEFGHJKMNPQR",
                "A card number has 16 characters; this one has 15.",
            ),
            (
                "ABCDEFGHJKMNPQRSS",
                "A card number has 16 characters; this one has 17.",
            ),
            (
                "ABCDEFGHJKMNPQR0",
                "A card number has only letters and the digits 2 to 9 (no 0, O, 1, I or L): 0 is not one of them.",
            ),
            (
                "ABCDEFGHIKMNPQRS",
                "A card number has only letters and the digits 2 to 9 (no 0, O, 1, I or L): I is not one of them.",
            ),
            (
                "ABCDEFGHJKMNPQRÉ",
                "A card number has only letters and the digits 2 to 9 (no 0, O, 1, I or L): É is not one of them.",
            ),
        ] {
            assert_eq!(CardNumber::parse(typed), Err(message.to_owned()), "{typed}");
        }
    }

    #[test]
    fn numbers_read_in_groups_or_masked() {
        assert_eq!(grouped("ABCDEFGHJKMNPQRS"), "ABCD EFGH JKMN PQRS");
        assert_eq!(masked("ABCDEFGHJKMNPQRS"), "•••• PQRS");
    }

    #[test]
    fn a_card_is_active_through_its_valid_upto_and_disabled_wins() {
        let upto = Some(day("2026-12-31"));
        for (disabled, valid_upto, on, status) in [
            (false, None, "2030-01-01", Status::Active),
            (false, upto, "2026-12-31", Status::Active),
            (false, upto, "2027-01-01", Status::Expired),
            (true, upto, "2026-06-01", Status::Disabled),
            (true, upto, "2027-06-01", Status::Disabled),
        ] {
            assert_eq!(Status::of(disabled, valid_upto, day(on)), status, "{on}");
        }
        assert_eq!(Status::parse("expired"), Some(Status::Expired));
        assert_eq!(Status::parse("all"), None);
    }

    #[test]
    fn entry_kinds_round_trip() {
        for kind in [
            EntryKind::Issue,
            EntryKind::TopUp,
            EntryKind::Redeem,
            EntryKind::Refund,
            EntryKind::Reversal,
            EntryKind::Expiry,
            EntryKind::Adjustment,
        ] {
            assert_eq!(EntryKind::from_stored(kind.as_str()), Some(kind));
        }
        assert_eq!(EntryKind::from_stored("gift"), None);
    }

    #[test]
    fn amounts_fit_the_currency_and_never_take_a_balance_below_zero() {
        let usd = Currency::usd();
        assert_eq!(check_credit(d("50.00"), &usd), Ok(()));
        assert_eq!(check_credit(d("50.5000"), &usd), Ok(()));
        assert_eq!(
            check_credit(d("0"), &usd),
            Err("The amount must be more than zero.".into())
        );
        assert!(check_credit(d("-1"), &usd).is_err());
        assert_eq!(
            check_credit(d("1.005"), &usd),
            Err("USD takes at most 2 decimals.".into())
        );
        assert_eq!(
            check_credit(d("1000000.01"), &usd),
            Err("At most $1,000,000.00 at a time.".into())
        );
        assert_eq!(check_adjustment(d("-20"), d("20"), &usd), Ok(()));
        assert_eq!(
            check_adjustment(d("-20.01"), d("20"), &usd),
            Err("The balance is $20.00: an adjustment can take away at most that.".into())
        );
        assert!(check_adjustment(d("0"), d("20"), &usd).is_err());
        assert_eq!(check_adjustment(d("5"), d("0"), &usd), Ok(()));
    }
}
