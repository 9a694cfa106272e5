//! The offer engine's inside figures: amounts and quantities as whole counts of a power of ten
//! (i64 "ticks"), converted from rust_decimal once per cart line and back once per answered
//! amount, with the one money rounding (half away from zero) done on integers.
//!
//! Why integers inside: the engine compares, sums and rounds the same few figures for every line
//! of every offer, and with `Decimal` each of those aligns scales of 96-bit mantissas and rounds
//! by long division (most of its time under callgrind). On counts of one fixed tick per cart, an
//! add or a compare is one instruction and a rounding one division. `Decimal` stays the type of
//! every amount the engine takes and answers (the house rule is about the interface and storage).
//! Nothing here wraps: a figure that does not fit is `None` (or saturates where only its order
//! matters), and the engine then says the offer or the sale is out of its range.

use rust_decimal::Decimal;

/// The largest scale inside the engine: 10^18 is the largest power of ten an i64 holds.
pub(super) const MAX_SCALE: u32 = 18;

/// 10^0 to 10^38, the powers of ten an i128 holds (a lookup: `checked_pow` loops).
const POWERS: [i128; 39] = {
    let mut powers = [1i128; 39];
    let mut e = 1;
    while e < 39 {
        powers[e] = powers[e - 1] * 10;
        e += 1;
    }
    powers
};

/// 10^e in i128 (none past 10^38, the largest that fits).
pub(super) fn pow10(e: u32) -> Option<i128> {
    POWERS.get(e as usize).copied()
}

/// `value` as a whole count of 10^-scale, when it is one and fits an i64.
pub(super) fn exact(value: Decimal, scale: u32) -> Option<i64> {
    let (mantissa, own) = (value.mantissa(), value.scale());
    let count = if own <= scale {
        mantissa.checked_mul(pow10(scale - own)?)?
    } else {
        let step = pow10(own - scale)?;
        if mantissa % step != 0 {
            return None;
        }
        mantissa / step
    };
    i64::try_from(count).ok()
}

/// The scale at which `value` is whole: its scale once trailing zeros are dropped (19.9900 is 2).
pub(super) fn scale_of(value: Decimal) -> u32 {
    let (mut mantissa, mut scale) = (value.mantissa(), value.scale());
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    scale
}

/// `value` in counts of 10^-scale, rounded down (`up` false) or up, saturating at the ends of
/// i128: only for comparing with a whole count (`count < min` is `count < ceil(min)`).
pub(super) fn bound(value: Decimal, scale: u32, up: bool) -> i128 {
    let (mantissa, own) = (value.mantissa(), value.scale());
    if own <= scale {
        // `scale - own` is at most MAX_SCALE + 28: saturate rather than overflow.
        return match pow10(scale - own) {
            Some(step) => mantissa.saturating_mul(step),
            None if mantissa == 0 => 0,
            None if mantissa > 0 => i128::MAX,
            None => i128::MIN,
        };
    }
    // 10^(own - scale) <= 10^28 always fits.
    let step = pow10(own - scale).unwrap_or(i128::MAX);
    let floor = mantissa.div_euclid(step);
    if up && mantissa.rem_euclid(step) != 0 {
        floor + 1
    } else {
        floor
    }
}

/// `numerator / 10^exponent`, rounded half away from zero: the one rounding of money, on
/// integers (`Currency::round` does the same on decimals).
pub(super) fn round_div(numerator: i128, exponent: u32) -> i128 {
    if exponent == 0 {
        return numerator;
    }
    let Some(divisor) = pow10(exponent) else {
        // Past 10^38 every i128 is less than half the divisor.
        return 0;
    };
    // The common case fits 64 bits, where division is a single instruction.
    if let (Ok(n), Ok(d)) = (i64::try_from(numerator), i64::try_from(divisor)) {
        let (quotient, rest) = (n / d, n % d);
        return i128::from(if rest.abs() >= d - rest.abs() {
            quotient + n.signum()
        } else {
            quotient
        });
    }
    let (quotient, rest) = (numerator / divisor, numerator % divisor);
    if rest.abs() >= divisor - rest.abs() {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

/// `count` (of 10^-from) in counts of 10^-to: rounded half away from zero when coarser, exact
/// when finer (none past an i128).
pub(super) fn rescale(count: i128, from: u32, to: u32) -> Option<i128> {
    if from >= to {
        Some(round_div(count, from - to))
    } else {
        count.checked_mul(pow10(to - from)?)
    }
}

/// A percentage as the engine takes it of amounts of one scale, worked out once per offer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Percent {
    mantissa: i128,
    /// amount x mantissa / 10^exponent is the discount in the minor unit, before rounding.
    exponent: u32,
    /// The amount's own exponent to the minor unit (for 100 % and more, clamped).
    whole: u32,
    /// At least 100 %.
    all: bool,
    /// The mantissa and 10^exponent as i64, when both fit (the common case).
    fast: Option<(i64, i64)>,
}

impl Percent {
    /// `percent` (10 for 10 %) of amounts counted in 10^-`scale` (`scale` >= `minor`), in
    /// counts of 10^-`minor`.
    pub(super) fn of(percent: Decimal, scale: u32, minor: u32) -> Percent {
        let (mantissa, own) = (percent.mantissa(), percent.scale());
        let exponent = scale + own + 2 - minor;
        Percent {
            mantissa,
            exponent,
            whole: scale - minor,
            all: pow10(own + 2).is_none_or(|hundred| mantissa >= hundred),
            fast: i64::try_from(mantissa)
                .ok()
                .zip(pow10(exponent).and_then(|p| i64::try_from(p).ok())),
        }
    }

    /// This percentage of `amount`, rounded half away from zero; `clamped`: never below zero
    /// nor above the amount (an Item Price line's discount; a line priced below zero gets
    /// none). None when beyond an i64.
    pub(super) fn take(self, amount: i64, clamped: bool) -> Option<i64> {
        if clamped {
            if amount <= 0 || self.mantissa <= 0 {
                return Some(0);
            }
            if self.all {
                return i64::try_from(round_div(i128::from(amount), self.whole)).ok();
            }
        }
        if let Some((mantissa, divisor)) = self.fast
            && let Some(whole) = amount.checked_mul(mantissa)
        {
            let (quotient, rest) = (whole / divisor, whole % divisor);
            return Some(if rest.abs() >= divisor - rest.abs() {
                quotient + whole.signum()
            } else {
                quotient
            });
        }
        let whole = i128::from(amount).checked_mul(self.mantissa)?;
        i64::try_from(round_div(whole, self.exponent)).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn exact_counts_only_whole_ticks_that_fit() {
        assert_eq!(exact(d("19.9900"), 2), Some(1999));
        assert_eq!(exact(d("19.995"), 2), None);
        assert_eq!(exact(d("3"), 4), Some(30000));
        assert_eq!(exact(d("-0.50"), 1), Some(-5));
        assert_eq!(exact(d("92233720368547758.07"), 2), Some(i64::MAX));
        assert_eq!(exact(d("92233720368547758.08"), 2), None);
        assert_eq!(scale_of(d("19.9900")), 2);
        assert_eq!(scale_of(d("100")), 0);
        assert_eq!(scale_of(d("0.125")), 3);
    }

    #[test]
    fn bounds_round_toward_the_side_asked() {
        assert_eq!(bound(d("100.005"), 2, true), 10001);
        assert_eq!(bound(d("100.005"), 2, false), 10000);
        assert_eq!(bound(d("-0.005"), 2, false), -1);
        assert_eq!(bound(d("-0.005"), 2, true), 0);
        assert_eq!(bound(d("25"), 2, true), 2500);
        assert_eq!(bound(Decimal::MAX, 30, true), i128::MAX);
    }

    /// The integer rounding agrees with `Currency::round` on every midpoint and sign.
    #[test]
    fn integer_rounding_is_the_currencys() {
        for minor in [0, 2, 3] {
            let currency = Currency {
                minor_unit: minor,
                ..Currency::usd()
            };
            for n in -2_000i64..=2_000 {
                for exponent in 0..4 {
                    let expected = currency.round(Decimal::new(n, minor + exponent));
                    let got = Decimal::new(
                        i64::try_from(round_div(i128::from(n), exponent)).unwrap(),
                        minor,
                    );
                    assert_eq!(got, expected, "{n} at scale {}", minor + exponent);
                }
            }
        }
        assert_eq!(round_div(i128::MAX, 39), 0);
        assert_eq!(round_div(5 * 10i128.pow(30), 31), 1);
        assert_eq!(round_div(-5 * 10i128.pow(30), 31), -1);
    }

    /// Percentages taken on integers match the engine's decimal formula (amount x percent / 100,
    /// then rounded), over awkward percentages and amounts.
    #[test]
    fn percentages_match_the_decimal_formula() {
        let usd = Currency::usd();
        for percent in [
            "5", "10", "12.5", "33.3", "33.3333", "0.0001", "99.9999", "7.25",
        ] {
            let p = d(percent);
            for cents in (1i64..3_000).step_by(7).chain([999_999_999_999, 1]) {
                for scale in [2u32, 4] {
                    let amount = Decimal::new(cents, scale);
                    let expected = usd.round(amount * p / Decimal::ONE_HUNDRED);
                    let got = Percent::of(p, scale, 2).take(cents, false).unwrap();
                    assert_eq!(Decimal::new(got, 2), expected, "{percent}% of {amount}");
                    let clamped = Percent::of(p, scale, 2).take(cents, true).unwrap();
                    assert_eq!(clamped, got);
                }
            }
        }
        // Clamped: 150 % is the whole amount, a negative percentage nothing.
        assert_eq!(Percent::of(d("150"), 2, 2).take(1234, true), Some(1234));
        assert_eq!(Percent::of(d("150"), 3, 2).take(1235, true), Some(124));
        assert_eq!(Percent::of(d("-5"), 2, 2).take(1234, true), Some(0));
        // Beyond an i64: none, never a wrapped figure.
        assert_eq!(
            Percent::of(d("1000000000000"), 2, 2).take(i64::MAX, false),
            None
        );
    }
}
