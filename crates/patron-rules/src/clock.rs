//! Times as people read them: every date-time a page shows goes through the company's `Clock`,
//! which turns a stored UTC instant into the wall-clock time of the company's time zone.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A UTC instant, by value or by reference (templates hand over either).
pub trait Instant {
    /// The instant.
    fn utc(&self) -> DateTime<Utc>;
}

impl Instant for DateTime<Utc> {
    fn utc(&self) -> DateTime<Utc> {
        *self
    }
}

impl<T: Instant + ?Sized> Instant for &T {
    fn utc(&self) -> DateTime<Utc> {
        (**self).utc()
    }
}

/// The company's time zone, as pages use it. Copy: it travels into database closures and
/// templates (`ctx.clock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    zone: Tz,
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::UTC
    }
}

impl Clock {
    /// Coordinated Universal Time: the clock of a company that has not chosen a zone.
    pub const UTC: Clock = Clock { zone: Tz::UTC };

    /// The clock of `zone`.
    pub fn new(zone: Tz) -> Clock {
        Clock { zone }
    }

    /// The clock of a stored zone name. Names are checked when saved, so an unknown one only
    /// appears if the tz database drops it; UTC then, rather than a failing page.
    pub fn from_name(name: &str) -> Clock {
        parse_zone(name).map(Clock::new).unwrap_or(Clock::UTC)
    }

    /// The zone's IANA name ("Europe/Paris"), for column headers and hints.
    pub fn zone_name(&self) -> &'static str {
        self.zone.name()
    }

    fn local(&self, at: impl Instant) -> DateTime<Tz> {
        at.utc().with_timezone(&self.zone)
    }

    /// "4 Dec 2026, 14:03": for tables whose header names the zone.
    pub fn at(&self, at: impl Instant) -> String {
        self.local(at).format("%-d %b %Y, %H:%M").to_string()
    }

    /// "4 Dec 2026, 14:03 CET": a time shown on its own. The abbreviation also tells apart the
    /// hour that repeats when summer time ends.
    pub fn at_labelled(&self, at: impl Instant) -> String {
        self.local(at).format("%-d %b %Y, %H:%M %Z").to_string()
    }

    /// "4 Dec 2026, 14:03:09 CET": to the second, for the audit log.
    pub fn at_seconds(&self, at: impl Instant) -> String {
        self.local(at).format("%-d %b %Y, %H:%M:%S %Z").to_string()
    }

    /// "4 Dec, 14:03": recent activity, where the year goes without saying.
    pub fn short(&self, at: impl Instant) -> String {
        self.local(at).format("%-d %b, %H:%M").to_string()
    }

    /// "2026-12-04 14:03:09 +01:00": the company's wall-clock time with its offset, for files
    /// that other programs read.
    pub fn iso(&self, at: impl Instant) -> String {
        self.local(at).format("%Y-%m-%d %H:%M:%S %:z").to_string()
    }

    /// "14:03": a time of today.
    pub fn local_time(&self, at: impl Instant) -> String {
        self.local(at).format("%H:%M").to_string()
    }

    /// The business day of `at`: the company's calendar day, the one every area files a sale, a
    /// ledger entry, an expiry or a validity check under (UTC is only how instants are stored).
    /// SQL asks the same of `company_day(company, at)` (a migration defines it).
    pub fn date(&self, at: impl Instant) -> NaiveDate {
        self.local(at).date_naive()
    }

    /// Today's business day.
    pub fn today(&self) -> NaiveDate {
        self.date(Utc::now())
    }

    /// "4 Dec 2026": the company's calendar day of `at`.
    pub fn day(&self, at: impl Instant) -> String {
        self.date(at).format("%-d %b %Y").to_string()
    }

    /// The first instant of `day` in the company's zone: the bound of a From/To filter. Where a
    /// summer-time change skips midnight, the day starts at the first hour that exists.
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        (0..3)
            .filter_map(|hour| NaiveTime::from_hms_opt(hour, 0, 0))
            .find_map(|time| {
                self.zone
                    .from_local_datetime(&day.and_time(time))
                    .earliest()
            })
            .map_or_else(
                || day.and_time(NaiveTime::MIN).and_utc(),
                |start| start.with_timezone(&Utc),
            )
    }
}

/// A time zone as a person types it ("europe/paris" reads as "Europe/Paris"), or what to type.
pub fn parse_zone(raw: &str) -> Result<Tz, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Enter a time zone like Europe/Paris, or UTC.".to_owned());
    }
    Tz::from_str_insensitive(raw).map_err(|_| {
        format!("{raw} is not a time zone name; choose one from the list, like Europe/Paris.")
    })
}

/// The zone names a picker offers: UTC and the Area/City names (the tz database's old aliases
/// such as "US/Eastern" are still accepted when typed).
pub fn zone_names() -> impl Iterator<Item = &'static str> {
    std::iter::once("UTC").chain(
        chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| tz.name())
            .filter(|name| {
                let area = name.split('/').next().unwrap_or_default();
                name.contains('/')
                    && [
                        "Africa",
                        "America",
                        "Antarctica",
                        "Asia",
                        "Atlantic",
                        "Australia",
                        "Europe",
                        "Indian",
                        "Pacific",
                    ]
                    .contains(&area)
            }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instant(raw: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(raw)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn times_read_in_the_company_zone() {
        let paris = Clock::from_name("Europe/Paris");
        let winter = instant("2026-12-04T13:03:09Z");
        assert_eq!(paris.at(winter), "4 Dec 2026, 14:03");
        assert_eq!(paris.at_labelled(winter), "4 Dec 2026, 14:03 CET");
        assert_eq!(paris.at_seconds(winter), "4 Dec 2026, 14:03:09 CET");
        assert_eq!(paris.short(winter), "4 Dec, 14:03");
        let summer = instant("2026-07-01T13:03:00Z");
        assert_eq!(paris.at_labelled(summer), "1 Jul 2026, 15:03 CEST");
        assert_eq!(Clock::UTC.at_labelled(winter), "4 Dec 2026, 13:03 UTC");
    }

    #[test]
    fn the_day_is_the_company_day() {
        let tokyo = Clock::from_name("Asia/Tokyo");
        let late = instant("2026-12-04T20:00:00Z");
        assert_eq!(tokyo.day(late), "5 Dec 2026");
        assert_eq!(Clock::UTC.day(late), "4 Dec 2026");
        let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(
            tokyo.start_of(day).to_rfc3339(),
            "2026-12-04T15:00:00+00:00"
        );
    }

    #[test]
    fn a_day_whose_midnight_is_skipped_starts_at_the_first_hour_there_is() {
        // Santiago moved its clocks from 00:00 to 01:00 on 6 September 2026.
        let santiago = Clock::from_name("America/Santiago");
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        assert_eq!(
            santiago.start_of(day).to_rfc3339(),
            "2026-09-06T04:00:00+00:00"
        );
    }

    #[test]
    fn zone_names_are_checked_and_read_in_any_case() {
        assert_eq!(parse_zone(" europe/paris ").unwrap().name(), "Europe/Paris");
        assert_eq!(parse_zone("UTC").unwrap().name(), "UTC");
        assert!(
            parse_zone("Mars/Olympus")
                .unwrap_err()
                .contains("Mars/Olympus")
        );
        assert!(parse_zone("").is_err());
        assert_eq!(Clock::from_name("Mars/Olympus"), Clock::UTC);
        assert!(zone_names().any(|n| n == "America/New_York"));
        assert!(!zone_names().any(|n| n == "US/Eastern"));
    }
}
