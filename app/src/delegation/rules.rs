//! The rules of delegated staff sessions, as pure functions: what a search for a customer asks
//! for and how the results are masked (staff see who it is, not their data); what starting a
//! session needs (a reason, a reference, and for some customers a supervisor); the consent code's
//! life and attempts; and a session's limits.

use serde::{Deserialize, Serialize};

/// What a search on `/staff/customers` looks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Query {
    /// "C000012".
    CustomerNo(String),
    /// An 11-digit mobile number.
    Mobile(String),
    /// A full name, or its start (at least two characters).
    Name(String),
}

impl Query {
    pub fn kind(&self) -> &'static str {
        match self {
            Query::CustomerNo(_) => "customer_no",
            Query::Mobile(_) => "mobile",
            Query::Name(_) => "name",
        }
    }
}

/// The longest name searched for.
pub const NAME_MAX: usize = 20;

/// Reads a search: a customer number (any case), a mobile number (spaces and dashes ignored), or
/// a name of 2 to 20 characters without digits. `None` for anything else.
pub fn parse_query(text: &str) -> Option<Query> {
    let text = text.trim();
    let upper = text.to_uppercase();
    if upper.len() == 7 && upper.starts_with('C') && upper[1..].chars().all(|c| c.is_ascii_digit()) {
        return Some(Query::CustomerNo(upper));
    }
    let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.chars().all(|c| c.is_ascii_digit()) && !digits.is_empty() {
        return (digits.len() == 11 && digits.starts_with('1')).then_some(Query::Mobile(digits));
    }
    let n = text.chars().count();
    ((2..=NAME_MAX).contains(&n) && !text.chars().any(|c| c.is_ascii_digit() || c.is_control()))
        .then(|| Query::Name(text.to_owned()))
}

/// "王*明" style masking: the family name shown, the given name hidden ("王**" for 王小明). A
/// name in Latin letters keeps its first letter.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.filter(|c| !c.is_whitespace()).count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
        None => "*".into(),
    }
}

/// The shortest and longest reason an agent gives for starting a session.
pub const REASON_MIN: usize = 10;
pub const REASON_MAX: usize = 500;

/// What a session is about: a complaint (its reference, `TS-2026-000123`) or a call ticket
/// (`CT` and 6 to 16 digits).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reference {
    Complaint(String),
    CallTicket(String),
}

impl Reference {
    pub fn text(&self) -> &str {
        match self {
            Reference::Complaint(t) | Reference::CallTicket(t) => t,
        }
    }
}

pub fn parse_reference(text: &str) -> Option<Reference> {
    let text = text.trim().to_uppercase();
    if let Some(rest) = text.strip_prefix("TS-") {
        let mut parts = rest.split('-');
        let (year, number) = (parts.next()?, parts.next()?);
        let ok = parts.next().is_none()
            && year.len() == 4
            && number.len() == 6
            && year.chars().chain(number.chars()).all(|c| c.is_ascii_digit());
        return ok.then_some(Reference::Complaint(text));
    }
    let digits = text.strip_prefix("CT")?;
    ((6..=16).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()))
        .then_some(Reference::CallTicket(text))
}

/// What is wrong with a request to start a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StartProblem {
    ReasonTooShort,
    ReasonTooLong,
    ReferenceUnreadable,
}

impl StartProblem {
    pub fn as_str(self) -> &'static str {
        match self {
            StartProblem::ReasonTooShort => "reason_too_short",
            StartProblem::ReasonTooLong => "reason_too_long",
            StartProblem::ReferenceUnreadable => "reference_unreadable",
        }
    }
}

/// Every problem of a request to start a session, or its reference.
pub fn check_start(reason: &str, reference: &str) -> Result<Reference, Vec<StartProblem>> {
    let mut problems = Vec::new();
    let n = reason.trim().chars().count();
    if n < REASON_MIN {
        problems.push(StartProblem::ReasonTooShort);
    } else if n > REASON_MAX {
        problems.push(StartProblem::ReasonTooLong);
    }
    let parsed = parse_reference(reference);
    if parsed.is_none() {
        problems.push(StartProblem::ReferenceUnreadable);
    }
    match parsed {
        Some(r) if problems.is_empty() => Ok(r),
        _ => Err(problems),
    }
}

/// Diamond-tier customers, and customers who are themselves staff, need a supervisor's approval
/// before the consent code is sent.
pub fn needs_supervisor(tier: &str, customer_is_staff: bool) -> bool {
    tier == "diamond" || customer_is_staff
}

/// A delegated session (one whose token names an actor) can never start another delegation.
pub fn may_start_delegation(acting_for_someone: bool) -> bool {
    !acting_for_someone
}

/// The consent code lives 5 minutes; the third wrong entry cancels the request.
pub const CONSENT_LIFE_SECS: i64 = 300;
pub const CONSENT_MAX_WRONG: u32 = 3;

/// What entering a consent code leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Consent {
    Given,
    Wrong {
        entries_left: u32,
    },
    /// The third wrong entry: the request is cancelled.
    Cancelled,
    Expired,
}

/// An entry of the consent code sent at `sent_at`, after `wrong_before` wrong entries.
pub fn check_consent(sent_at: i64, wrong_before: u32, right: bool, now: i64) -> Consent {
    if wrong_before >= CONSENT_MAX_WRONG {
        return Consent::Cancelled;
    }
    if now >= sent_at + CONSENT_LIFE_SECS {
        return Consent::Expired;
    }
    if right {
        return Consent::Given;
    }
    match CONSENT_MAX_WRONG - wrong_before - 1 {
        0 => Consent::Cancelled,
        left => Consent::Wrong { entries_left: left },
    }
}

/// A request waiting for a supervisor's approval lapses after 30 minutes.
pub const APPROVAL_LIFE_SECS: i64 = 30 * 60;

/// A delegated session lasts at most 30 minutes, and ends after 5 idle.
pub const SESSION_ABSOLUTE_SECS: i64 = 30 * 60;
pub const SESSION_IDLE_SECS: i64 = 5 * 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ended {
    TimeLimit,
    Idle,
}

/// Whether a session started at `started_at` and last active at `last_seen` has ended at `now`.
pub fn session_ended(started_at: i64, last_seen: i64, now: i64) -> Option<Ended> {
    if now >= started_at + SESSION_ABSOLUTE_SECS {
        Some(Ended::TimeLimit)
    } else if now >= last_seen + SESSION_IDLE_SECS {
        Some(Ended::Idle)
    } else {
        None
    }
}

/// Seconds left before the session ends, for the banner.
pub fn seconds_left(started_at: i64, last_seen: i64, now: i64) -> i64 {
    ((started_at + SESSION_ABSOLUTE_SECS).min(last_seen + SESSION_IDLE_SECS) - now).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_about_a_complaint_or_a_call() {
        assert_eq!(parse_reference(" ts-2026-000123 "), Some(Reference::Complaint("TS-2026-000123".into())));
        assert_eq!(parse_reference("CT20261202001"), Some(Reference::CallTicket("CT20261202001".into())));
        for bad in ["TS-2026-123", "TS-26-000123", "TS-2026-000123-1", "CT123", "CT12345678901234567", "CTabcdef", ""] {
            assert_eq!(parse_reference(bad), None, "{bad}");
        }
    }

    #[test]
    fn starting_needs_a_reason_of_ten_characters_and_a_reference() {
        assert!(check_start("客户不会预约网点，请求协助", "CT123456").is_ok());
        assert_eq!(check_start("帮忙", "CT123456"), Err(vec![StartProblem::ReasonTooShort]));
        assert_eq!(
            check_start("帮忙", "none"),
            Err(vec![StartProblem::ReasonTooShort, StartProblem::ReferenceUnreadable])
        );
        assert_eq!(check_start(&"长".repeat(REASON_MAX + 1), "CT123456"), Err(vec![StartProblem::ReasonTooLong]));
        assert!(check_start(&"长".repeat(REASON_MIN), "TS-2026-000001").is_ok());
    }

    #[test]
    fn diamond_and_staff_customers_need_a_supervisor() {
        assert!(needs_supervisor("diamond", false));
        assert!(needs_supervisor("regular", true));
        assert!(!needs_supervisor("platinum", false));
    }

    #[test]
    fn a_delegated_session_never_starts_another() {
        assert!(may_start_delegation(false));
        assert!(!may_start_delegation(true));
    }

    #[test]
    fn the_consent_code_lives_five_minutes_and_three_wrong_entries_cancel() {
        let sent = 1_000;
        assert_eq!(check_consent(sent, 0, true, sent + 299), Consent::Given);
        assert_eq!(check_consent(sent, 0, true, sent + 300), Consent::Expired);
        assert_eq!(check_consent(sent, 0, false, sent + 10), Consent::Wrong { entries_left: 2 });
        assert_eq!(check_consent(sent, 1, false, sent + 10), Consent::Wrong { entries_left: 1 });
        assert_eq!(check_consent(sent, 2, false, sent + 10), Consent::Cancelled);
        // Once cancelled, even the right code is too late.
        assert_eq!(check_consent(sent, 3, true, sent + 10), Consent::Cancelled);
    }

    #[test]
    fn a_session_ends_after_thirty_minutes_or_five_idle() {
        let start = 10_000;
        assert_eq!(session_ended(start, start + 1700, start + 1799), None);
        assert_eq!(session_ended(start, start + 1790, start + 1800), Some(Ended::TimeLimit));
        assert_eq!(session_ended(start, start + 100, start + 400), Some(Ended::Idle));
        assert_eq!(session_ended(start, start + 100, start + 399), None);
        assert_eq!(seconds_left(start, start, start), 300);
        assert_eq!(seconds_left(start, start + 1700, start + 1700), 100);
        assert_eq!(seconds_left(start, start, start + 999), 0);
    }

    #[test]
    fn a_search_is_a_number_a_mobile_or_a_name() {
        assert_eq!(parse_query(" c000012 "), Some(Query::CustomerNo("C000012".into())));
        assert_eq!(parse_query("138-0000 0012"), Some(Query::Mobile("13800000012".into())));
        assert_eq!(parse_query("王小明"), Some(Query::Name("王小明".into())));
        assert_eq!(parse_query("王"), None, "one character finds too many");
        assert_eq!(parse_query("1380000"), None, "a part of a number is not searched");
        assert_eq!(parse_query("23800000012"), None);
        assert_eq!(parse_query("王1"), None);
        assert_eq!(parse_query(""), None);
        assert_eq!(parse_query(&"王".repeat(NAME_MAX + 1)), None);
        assert_eq!(parse_query("C00001"), None);
    }

    #[test]
    fn only_the_family_name_shows() {
        assert_eq!(mask_name("王小明"), "王**");
        assert_eq!(mask_name("李娜"), "李*");
        assert_eq!(mask_name("Li Na"), "L***");
        assert_eq!(mask_name("王"), "王*");
        assert_eq!(mask_name(""), "*");
    }
}
