//! Instants as readers in the site's time zone expect to see them, and
//! as machines read them.

use jiff::{Timestamp, tz::TimeZone};

/// An instant for machines (HTML `datetime`, feeds, sitemaps, JSON-LD):
/// RFC 3339 in UTC to the second. HTML allows at most milliseconds, and the
/// store keeps microseconds; seconds are what readers see anyway.
pub fn machine_time(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// "November 10, 2023 13:26 IST": month name, day, year, 24-hour time and
/// the zone's abbreviation, as the reference news portal prints them.
pub fn reader_time(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned_datetime(tz.clone())
        .strftime("%B %-d, %Y %H:%M %Z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kolkata_times_read_as_ist() {
        let tz = TimeZone::get("Asia/Kolkata").unwrap();
        let at: Timestamp = "2023-11-10T07:56:00Z".parse().unwrap();
        assert_eq!(reader_time(at, &tz), "November 10, 2023 13:26 IST");
    }

    #[test]
    fn days_are_not_zero_padded_and_zones_follow_daylight_saving() {
        let tz = TimeZone::get("Europe/London").unwrap();
        let summer: Timestamp = "2026-07-04T08:05:00Z".parse().unwrap();
        assert_eq!(reader_time(summer, &tz), "July 4, 2026 09:05 BST");
        let winter: Timestamp = "2026-12-04T08:05:00Z".parse().unwrap();
        assert_eq!(reader_time(winter, &tz), "December 4, 2026 08:05 GMT");
    }
}
