//! The booking rules as pure functions: which start times a branch offers for a service on a
//! day (hours, closures, duration), which of them may still be booked (lead time, booking
//! window), the places a customer of each tier sees (VIP reservation), the per-customer limits,
//! the change cut-off, and the calendar file. Times are stored as UTC unix seconds and shown
//! in the branch's own time (its zone has no daylight saving).

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// Upcoming appointments one customer may hold at once.
pub const MAX_UPCOMING: usize = 3;

/// A branch's opening hours on one ISO weekday (1 = Monday).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    pub weekday: u32,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

/// Offset from UTC of the zones the bank's branches are in (none has daylight saving).
pub fn zone_offset_secs(zone: &str) -> Option<i64> {
    match zone {
        "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Hong_Kong" | "Asia/Macau" | "Asia/Taipei" => Some(8 * 3600),
        "UTC" => Some(0),
        _ => None,
    }
}

/// A branch-local date and time as UTC unix seconds.
pub fn to_utc(date: NaiveDate, time: NaiveTime, offset_secs: i64) -> i64 {
    date.and_time(time).and_utc().timestamp() - offset_secs
}

/// UTC unix seconds as the branch-local date and time.
pub fn to_local(unix: i64, offset_secs: i64) -> chrono::NaiveDateTime {
    chrono::DateTime::from_timestamp(unix + offset_secs, 0).map(|d| d.naive_utc()).unwrap_or_default()
}

/// The start times (branch-local) a service of `duration_minutes` can have on `date`: from
/// opening, one after another, each ending by closing time. None on a closure day or a weekday
/// the branch is closed.
pub fn slot_starts(date: NaiveDate, hours: &[Hours], closures: &[NaiveDate], duration_minutes: u32) -> Vec<NaiveTime> {
    if closures.contains(&date) || duration_minutes == 0 {
        return Vec::new();
    }
    let Some(day) = hours.iter().find(|h| h.weekday == date.weekday().number_from_monday()) else {
        return Vec::new();
    };
    let step = chrono::Duration::minutes(i64::from(duration_minutes));
    let mut out = Vec::new();
    let mut start = day.opens;
    // NaiveTime arithmetic wraps at midnight: stop before it could.
    while start < day.closes && day.closes - start >= step {
        out.push(start);
        let (next, wrapped) = start.overflowing_add_signed(step);
        if wrapped != 0 {
            break;
        }
        start = next;
    }
    out
}

/// Whether a visit from `start` for `duration_secs` stays clear of every closed range
/// (start, end) of its branch.
pub fn clear_of(start: i64, duration_secs: i64, closed: &[(i64, i64)]) -> bool {
    closed.iter().all(|(from, to)| start + duration_secs <= *from || start >= *to)
}

/// Whether a start time may be booked at `now`: still ahead (a visit starting this second has
/// begun), at least the service's lead time ahead, and within the booking window.
pub fn bookable(start: i64, now: i64, lead_time_hours: i64, window_days: i64) -> bool {
    start > now && start >= now + lead_time_hours * 3600 && start <= now + window_days * 86_400
}

/// The days offered for booking: from `today` for `window_days` more days.
pub fn booking_days(today: NaiveDate, window_days: i64) -> Vec<NaiveDate> {
    (0..=window_days).map(|d| today + chrono::Duration::days(d)).collect()
}

/// Platinum and diamond customers may use the places reserved for VIPs.
pub fn is_vip(tier: &str) -> bool {
    matches!(tier, "platinum" | "diamond")
}

/// A slot's counters: `capacity` places of which `vip_reserved` are kept for VIPs; `taken`
/// booked in all, `regular_taken` of them by customers who are not VIPs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotCount {
    pub capacity: u32,
    pub vip_reserved: u32,
    pub taken: u32,
    pub regular_taken: u32,
}

impl SlotCount {
    pub fn empty(capacity: u32, vip_reserved: u32) -> Self {
        SlotCount { capacity, vip_reserved: vip_reserved.min(capacity), taken: 0, regular_taken: 0 }
    }

    /// Places this customer can still book: a VIP any free place; others only the unreserved
    /// ones (and never more than are free at all).
    pub fn places_for(&self, vip: bool) -> u32 {
        let free = self.capacity.saturating_sub(self.taken);
        if vip {
            free
        } else {
            free.min(self.capacity.saturating_sub(self.vip_reserved).saturating_sub(self.regular_taken))
        }
    }
}

/// Why a booking breaks the per-customer rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LimitProblem {
    /// Already `MAX_UPCOMING` upcoming appointments.
    TooMany,
    /// It overlaps another of the customer's appointments.
    Overlaps,
}

/// The customer's upcoming appointments (start, end) against a new one.
pub fn check_limits(upcoming: &[(i64, i64)], new: (i64, i64)) -> Result<(), LimitProblem> {
    if upcoming.iter().any(|(s, e)| *s < new.1 && new.0 < *e) {
        return Err(LimitProblem::Overlaps);
    }
    if upcoming.len() >= MAX_UPCOMING {
        return Err(LimitProblem::TooMany);
    }
    Ok(())
}

/// An appointment may be cancelled or moved until `cutoff_hours` before it starts.
pub fn can_change(start: i64, now: i64, cutoff_hours: i64) -> bool {
    now <= start - cutoff_hours * 3600
}

/// Branch staff check a visitor in from an hour before the start until the visit's end.
pub fn can_check_in(booked: bool, starts_at: i64, ends_at: i64, now: i64) -> bool {
    booked && now >= starts_at - 3600 && now <= ends_at
}

/// A visit is marked missed only once its start is 15 minutes past.
pub fn can_mark_no_show(booked: bool, starts_at: i64, now: i64) -> bool {
    booked && now >= starts_at + 15 * 60
}

/// The Monday that starts the week of `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// A reference a person can read out at the branch: "AP" and eight characters without the
/// easily confused 0/O and 1/I, from `seed` (random bits).
pub fn reference_code(seed: u64) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut n = seed;
    let mut out = String::from("AP");
    for _ in 0..8 {
        out.push(ALPHABET[(n % 32) as usize] as char);
        n /= 32;
    }
    out
}

/// Text for an iCalendar field: backslash, semicolon, comma and line breaks escaped (RFC 5545).
fn ics_text(text: &str) -> String {
    text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace("\r\n", "\\n").replace('\n', "\\n")
}

fn ics_time(unix: i64) -> String {
    to_local(unix, 0).format("%Y%m%dT%H%M%SZ").to_string()
}

/// What a calendar entry for a visit says.
pub struct CalendarVisit<'a> {
    pub reference: &'a str,
    pub title: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    pub starts_at: i64,
    pub ends_at: i64,
    pub stamp: i64,
}

/// An `.ics` file with one event, times in UTC, lines ending in CRLF.
pub fn calendar_file(v: &CalendarVisit<'_>) -> String {
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Anxin Bank//Customer portal//EN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@portal.anxin-bank.example", v.reference),
        format!("DTSTAMP:{}", ics_time(v.stamp)),
        format!("DTSTART:{}", ics_time(v.starts_at)),
        format!("DTEND:{}", ics_time(v.ends_at)),
        format!("SUMMARY:{}", ics_text(v.title)),
        format!("LOCATION:{}", ics_text(v.location)),
        format!("DESCRIPTION:{}", ics_text(v.description)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    let mut out = lines.join("\r\n");
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    const SHANGHAI: i64 = 8 * 3600;

    fn weekdays_9_to_5() -> Vec<Hours> {
        (1..=5).map(|weekday| Hours { weekday, opens: t(9, 0), closes: t(17, 0) }).collect()
    }

    #[test]
    fn slots_run_from_opening_and_each_ends_by_closing_time() {
        // 2026-11-25 is a Wednesday.
        let slots = slot_starts(day(11, 25), &weekdays_9_to_5(), &[], 45);
        assert_eq!(slots.first(), Some(&t(9, 0)));
        assert_eq!(slots[1], t(9, 45));
        assert_eq!(slots.last(), Some(&t(15, 45)), "15:45 + 45 min ends 16:30; 16:30 would end at 17:15");
        assert_eq!(slots.len(), 10);
        assert_eq!(slot_starts(day(11, 25), &weekdays_9_to_5(), &[], 20).len(), 24);
    }

    #[test]
    fn closed_weekdays_and_closures_have_no_slots() {
        assert!(slot_starts(day(11, 28), &weekdays_9_to_5(), &[], 30).is_empty(), "a Saturday");
        assert!(slot_starts(day(11, 25), &weekdays_9_to_5(), &[day(11, 25)], 30).is_empty(), "a closure");
        assert!(!slot_starts(day(11, 26), &weekdays_9_to_5(), &[day(11, 25)], 30).is_empty(), "the day after");
        let late = [Hours { weekday: 3, opens: t(23, 0), closes: t(23, 59) }];
        assert_eq!(slot_starts(day(11, 25), &late, &[], 30), vec![t(23, 0)], "no wrap past midnight");
    }

    #[test]
    fn times_are_stored_in_utc_and_shown_in_branch_time() {
        let start = to_utc(day(11, 25), t(9, 0), SHANGHAI);
        assert_eq!(to_local(start, 0).to_string(), "2026-11-25 01:00:00", "09:00 in Shanghai is 01:00 UTC");
        assert_eq!(to_local(start, SHANGHAI).time(), t(9, 0));
        // No daylight saving: the same offset in summer.
        assert_eq!(to_local(to_utc(day(7, 1), t(9, 0), SHANGHAI), 0).time(), t(1, 0));
        assert_eq!(zone_offset_secs("Asia/Shanghai"), Some(SHANGHAI));
        assert_eq!(zone_offset_secs("Europe/Berlin"), None, "zones with daylight saving are not guessed");
    }

    #[test]
    fn lead_time_and_the_booking_window_bound_what_can_be_booked() {
        let now = to_utc(day(11, 24), t(10, 0), SHANGHAI);
        let tomorrow_9 = to_utc(day(11, 25), t(9, 0), SHANGHAI);
        assert!(bookable(tomorrow_9, now, 0, 14));
        assert!(!bookable(tomorrow_9, now, 24, 14), "large cash: 23 hours ahead is not a day ahead");
        assert!(bookable(to_utc(day(11, 25), t(10, 0), SHANGHAI), now, 24, 14), "exactly a day ahead");
        assert!(!bookable(now - 60, now, 0, 14), "the past");
        assert!(!bookable(now, now, 0, 14), "a visit that starts this second has begun");
        assert!(bookable(now + 1, now, 0, 14));
        assert!(bookable(now + 14 * 86_400, now, 0, 14));
        assert!(!bookable(now + 14 * 86_400 + 1, now, 0, 14), "beyond 14 days");
        assert_eq!(booking_days(day(11, 24), 14).len(), 15);
    }

    #[test]
    fn vips_see_the_reserved_places_and_others_only_the_rest() {
        let empty = SlotCount::empty(6, 2);
        assert_eq!((empty.places_for(true), empty.places_for(false)), (6, 4));
        let regulars_full = SlotCount { capacity: 6, vip_reserved: 2, taken: 4, regular_taken: 4 };
        assert_eq!((regulars_full.places_for(true), regulars_full.places_for(false)), (2, 0));
        // VIPs may also use unreserved places; the regular share shrinks only when all are gone.
        let vips_spread = SlotCount { capacity: 6, vip_reserved: 2, taken: 5, regular_taken: 1 };
        assert_eq!((vips_spread.places_for(true), vips_spread.places_for(false)), (1, 1));
        let full = SlotCount { capacity: 3, vip_reserved: 0, taken: 3, regular_taken: 3 };
        assert_eq!((full.places_for(true), full.places_for(false)), (0, 0));
        assert_eq!(SlotCount::empty(2, 5).places_for(false), 0, "reservation never exceeds capacity");
        assert_eq!(SlotCount::empty(0, 0).places_for(true), 0, "a closed slot");
    }

    #[test]
    fn at_most_three_upcoming_and_never_two_at_once() {
        let h = 3600;
        assert_eq!(check_limits(&[], (10 * h, 11 * h)), Ok(()));
        assert_eq!(check_limits(&[(10 * h, 11 * h)], (11 * h, 12 * h)), Ok(()), "back to back is fine");
        assert_eq!(check_limits(&[(10 * h, 11 * h)], (10 * h + 1800, 12 * h)), Err(LimitProblem::Overlaps));
        let three = [(h, 2 * h), (3 * h, 4 * h), (5 * h, 6 * h)];
        assert_eq!(check_limits(&three, (7 * h, 8 * h)), Err(LimitProblem::TooMany));
    }

    #[test]
    fn changes_are_allowed_until_two_hours_before() {
        let start = 100_000;
        assert!(can_change(start, start - 2 * 3600, 2));
        assert!(!can_change(start, start - 2 * 3600 + 1, 2));
    }

    #[test]
    fn staff_check_in_around_the_visit_and_mark_no_shows_only_after_the_start() {
        let (start, end) = (100_000, 100_000 + 1800);
        assert!(can_check_in(true, start, end, start - 3600));
        assert!(!can_check_in(true, start, end, start - 3601), "too early");
        assert!(can_check_in(true, start, end, end));
        assert!(!can_check_in(true, start, end, end + 1), "over");
        assert!(!can_check_in(false, start, end, start), "not booked (cancelled, already in)");
        assert!(!can_mark_no_show(true, start, start + 14 * 60));
        assert!(can_mark_no_show(true, start, start + 15 * 60));
        assert!(!can_mark_no_show(false, start, start + 3600));
    }

    #[test]
    fn a_closed_range_takes_every_slot_that_touches_it() {
        let closed = [(1000, 2000)];
        assert!(clear_of(0, 1000, &closed), "ends as the closure starts");
        assert!(!clear_of(500, 1000, &closed), "runs into it");
        assert!(!clear_of(1500, 100, &closed), "inside");
        assert!(clear_of(2000, 600, &closed), "starts as it ends");
        assert!(clear_of(500, 1000, &[]));
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_start(day(11, 25)), day(11, 23));
        assert_eq!(week_start(day(11, 23)), day(11, 23));
        assert_eq!(week_start(day(11, 29)), day(11, 23), "Sunday ends the week");
        assert_eq!(week_start(day(3, 1)), day(2, 23));
    }

    #[test]
    fn references_are_readable_and_differ() {
        let a = reference_code(0x1234_5678_9abc);
        assert_eq!(a.len(), 10);
        assert!(a.starts_with("AP") && !a[2..].contains(['0', 'O', '1', 'I']));
        assert_ne!(a, reference_code(0x1234_5678_9abd));
    }

    #[test]
    fn the_calendar_file_is_utc_with_escaped_text() {
        let start = to_utc(day(11, 25), t(9, 0), SHANGHAI);
        let ics = calendar_file(&CalendarVisit {
            reference: "AP23456789",
            title: "Wealth consultation, Renmin Road",
            location: "100 Renmin Road; Huangpu",
            description: "Bring: ID card\nRef AP23456789",
            starts_at: start,
            ends_at: start + 45 * 60,
            stamp: start - 86_400,
        });
        assert!(ics.contains("DTSTART:20261125T010000Z\r\n"));
        assert!(ics.contains("DTEND:20261125T014500Z\r\n"));
        assert!(ics.contains("SUMMARY:Wealth consultation\\, Renmin Road\r\n"));
        assert!(ics.contains("LOCATION:100 Renmin Road\\; Huangpu\r\n"));
        assert!(ics.contains("DESCRIPTION:Bring: ID card\\nRef AP23456789\r\n"));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
    }
}
