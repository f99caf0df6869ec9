//! The sign-in rules as pure functions: lockout after wrong passwords, one-time code limits,
//! password strength. Times are unix seconds; the numbers come from the settings.

/// 5 consecutive wrong passwords lock sign-in for 30 minutes (common e-banking practice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub lock_secs: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy { max_failures: 5, lock_secs: 30 * 60 }
    }
}

/// What a wrong password leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    /// The person may try again this many more times before the lock.
    AttemptsLeft(u32),
    /// Sign-in is locked until this time.
    LockedUntil(i64),
}

impl LockoutPolicy {
    /// `failures` counts consecutive wrong passwords including the one just made.
    pub fn after_failure(&self, failures: u32, now: i64) -> AfterFailure {
        if failures >= self.max_failures {
            AfterFailure::LockedUntil(now + self.lock_secs)
        } else {
            AfterFailure::AttemptsLeft(self.max_failures - failures)
        }
    }

    /// The lock still in force at `now`, if any. A lock that has run out is no lock.
    pub fn lock_in_force(&self, locked_until: Option<i64>, now: i64) -> Option<i64> {
        locked_until.filter(|until| *until > now)
    }
}

/// One-time codes: valid 5 minutes, single use, at most 5 wrong entries; resending at most once
/// a minute and 5 times an hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodePolicy {
    pub valid_secs: i64,
    pub max_wrong: u32,
    pub resend_interval_secs: i64,
    pub max_per_hour: usize,
}

impl Default for CodePolicy {
    fn default() -> Self {
        CodePolicy { valid_secs: 5 * 60, max_wrong: 5, resend_interval_secs: 60, max_per_hour: 5 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendRefused {
    /// Too soon after the last code; may send again after this many seconds.
    TooSoon { retry_after_secs: i64 },
    /// The hourly allowance is used; the oldest code in the window ages out after this many seconds.
    HourlyLimit { retry_after_secs: i64 },
}

/// A stored code's state when someone enters a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IssuedCode {
    pub sent_at: i64,
    pub wrong_entries: u32,
    pub used: bool,
}

impl IssuedCode {
    /// From its stored columns: `sent_at`, `wrong_entries`, `used_at`.
    pub fn stored(sent_at: i64, wrong_entries: i64, used_at: Option<i64>) -> IssuedCode {
        IssuedCode { sent_at, wrong_entries: u32::try_from(wrong_entries).unwrap_or(u32::MAX), used: used_at.is_some() }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeCheck {
    Accepted,
    /// Wrong code; this many entries remain before the code is void.
    Wrong {
        entries_left: u32,
    },
    /// Expired, used, or too many wrong entries: a new code is needed.
    Void,
}

impl CodePolicy {
    /// Whether another code may be sent now, given when earlier ones were (any order).
    pub fn may_send(&self, sent_at: &[i64], now: i64) -> Result<(), SendRefused> {
        if let Some(last) = sent_at.iter().copied().filter(|t| *t <= now).max() {
            let wait = last + self.resend_interval_secs - now;
            if wait > 0 {
                return Err(SendRefused::TooSoon { retry_after_secs: wait });
            }
        }
        let mut in_hour: Vec<i64> = sent_at.iter().copied().filter(|t| now - *t < 3600).collect();
        if in_hour.len() >= self.max_per_hour {
            in_hour.sort_unstable();
            let oldest = in_hour[in_hour.len() - self.max_per_hour];
            return Err(SendRefused::HourlyLimit { retry_after_secs: oldest + 3600 - now });
        }
        Ok(())
    }

    /// Whether the issued code can still be answered: unused, fresh, and not entered wrong too often.
    pub fn is_open(&self, issued: IssuedCode, now: i64) -> bool {
        !issued.used && issued.wrong_entries < self.max_wrong && now - issued.sent_at < self.valid_secs
    }

    /// Checks an entered code against the issued one. Comparison is constant-time.
    pub fn check(&self, issued: IssuedCode, expected: &str, entered: &str, now: i64) -> CodeCheck {
        if !self.is_open(issued, now) {
            return CodeCheck::Void;
        }
        if constant_time_eq(expected.as_bytes(), entered.trim().as_bytes()) {
            CodeCheck::Accepted
        } else {
            let wrong = issued.wrong_entries + 1;
            if wrong >= self.max_wrong {
                CodeCheck::Void
            } else {
                CodeCheck::Wrong { entries_left: self.max_wrong - wrong }
            }
        }
    }
}

/// At most `limit` events in any `window_secs`: the rate limit on sign-in requests per address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: usize,
    pub window_secs: i64,
}

impl RateLimit {
    /// Records an event at `now` in `history` (oldest first) if the limit allows it; otherwise
    /// says how many seconds until it would.
    pub fn admit(&self, history: &mut std::collections::VecDeque<i64>, now: i64) -> Result<(), i64> {
        while history.front().is_some_and(|t| now - *t >= self.window_secs) {
            history.pop_front();
        }
        if history.len() >= self.limit {
            let oldest = history.front().copied().unwrap_or(now);
            return Err((oldest + self.window_secs - now).max(1));
        }
        history.push_back(now);
        Ok(())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A rule a new password breaks, shown to the person as they type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PasswordRule {
    /// 8 to 64 characters.
    Length,
    /// At least one letter and one digit.
    LettersAndDigits,
    /// Not the login ID, mobile number or customer number, nor contain them.
    NotTheLoginId,
    /// Not one character repeated, nor a run like 12345678 or abcdefgh.
    NotASequence,
}

pub fn password_problems(password: &str, identifiers: &[&str]) -> Vec<PasswordRule> {
    let mut problems = Vec::new();
    let len = password.chars().count();
    if !(8..=64).contains(&len) {
        problems.push(PasswordRule::Length);
    }
    if !(password.chars().any(|c| c.is_alphabetic()) && password.chars().any(|c| c.is_ascii_digit())) {
        problems.push(PasswordRule::LettersAndDigits);
    }
    let lower = password.to_lowercase();
    if identifiers.iter().any(|id| !id.is_empty() && lower.contains(&id.to_lowercase())) {
        problems.push(PasswordRule::NotTheLoginId);
    }
    let chars: Vec<char> = lower.chars().collect();
    let steps: Vec<i64> = chars.windows(2).map(|w| w[1] as i64 - w[0] as i64).collect();
    if len >= 2 && (steps.iter().all(|d| *d == 0) || steps.iter().all(|d| *d == 1) || steps.iter().all(|d| *d == -1)) {
        problems.push(PasswordRule::NotASequence);
    }
    problems
}

/// Seconds between two records of a session's activity: a page's requests do not each write
/// the session row, only the first in this long does.
pub const ACTIVITY_RECORD_SECS: i64 = 30;

/// Whether a request at `now` records the session's activity (last recorded at `last_seen_at`).
pub fn records_activity(last_seen_at: i64, now: i64) -> bool {
    now - last_seen_at >= ACTIVITY_RECORD_SECS
}

/// Whether a session whose activity was last recorded at `last_seen_at` has been idle too long at
/// `now`. Exact to the second against the record; since activity is recorded at most
/// `ACTIVITY_RECORD_SECS` apart, a session may end that much early, never late.
pub fn is_idle(last_seen_at: i64, idle_secs: i64, now: i64) -> bool {
    now >= last_seen_at + idle_secs
}

/// Seconds left before an idle session ends, as the browser's warning counts them.
pub fn idle_secs_left(last_seen_at: i64, idle_secs: i64, now: i64) -> u32 {
    u32::try_from((last_seen_at + idle_secs - now).max(0)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_says_how_many_attempts_remain_and_the_fifth_locks_for_30_minutes() {
        let p = LockoutPolicy::default();
        assert_eq!(p.after_failure(1, 1000), AfterFailure::AttemptsLeft(4));
        assert_eq!(p.after_failure(4, 1000), AfterFailure::AttemptsLeft(1));
        assert_eq!(p.after_failure(5, 1000), AfterFailure::LockedUntil(1000 + 1800));
    }

    #[test]
    fn a_lock_ends_at_its_time() {
        let p = LockoutPolicy::default();
        assert_eq!(p.lock_in_force(Some(2000), 1999), Some(2000));
        assert_eq!(p.lock_in_force(Some(2000), 2000), None);
        assert_eq!(p.lock_in_force(None, 0), None);
    }

    #[test]
    fn codes_are_resent_at_most_once_a_minute_and_five_times_an_hour() {
        let p = CodePolicy::default();
        assert_eq!(p.may_send(&[], 0), Ok(()));
        assert_eq!(p.may_send(&[100], 130), Err(SendRefused::TooSoon { retry_after_secs: 30 }));
        assert_eq!(p.may_send(&[100], 160), Ok(()));
        let five = [0, 100, 200, 300, 400];
        assert_eq!(p.may_send(&five, 500), Err(SendRefused::HourlyLimit { retry_after_secs: 3100 }));
        assert_eq!(p.may_send(&five, 3600), Ok(()), "the first has aged out of the hour");
    }

    #[test]
    fn a_code_is_single_use_expires_and_dies_after_five_wrong_entries() {
        let p = CodePolicy::default();
        let fresh = IssuedCode { sent_at: 0, wrong_entries: 0, used: false };
        assert_eq!(p.check(fresh, "123456", " 123456 ", 10), CodeCheck::Accepted);
        assert_eq!(p.check(fresh, "123456", "654321", 10), CodeCheck::Wrong { entries_left: 4 });
        assert_eq!(p.check(IssuedCode { wrong_entries: 4, ..fresh }, "123456", "000000", 10), CodeCheck::Void);
        assert_eq!(p.check(IssuedCode { wrong_entries: 5, ..fresh }, "123456", "123456", 10), CodeCheck::Void);
        assert_eq!(p.check(IssuedCode { used: true, ..fresh }, "123456", "123456", 10), CodeCheck::Void);
        assert_eq!(p.check(fresh, "123456", "123456", 300), CodeCheck::Void, "five minutes old");
        assert!(p.is_open(fresh, 299));
        assert!(!p.is_open(fresh, 300), "five minutes old");
        assert!(!p.is_open(IssuedCode { used: true, ..fresh }, 10));
        assert!(!p.is_open(IssuedCode { wrong_entries: 5, ..fresh }, 10));
        assert!(p.is_open(IssuedCode { wrong_entries: 4, ..fresh }, 10));
        assert_eq!(p.check(fresh, "123456", "12345", 10), CodeCheck::Wrong { entries_left: 4 });
    }

    #[test]
    fn the_rate_limit_admits_up_to_its_limit_per_window() {
        let limit = RateLimit { limit: 3, window_secs: 60 };
        let mut history = std::collections::VecDeque::new();
        for t in [0, 10, 20] {
            assert_eq!(limit.admit(&mut history, t), Ok(()));
        }
        assert_eq!(limit.admit(&mut history, 30), Err(30));
        assert_eq!(limit.admit(&mut history, 60), Ok(()), "the first has left the window");
        assert_eq!(limit.admit(&mut history, 61), Err(9));
    }

    #[test]
    fn passwords_must_be_long_mixed_and_not_guessable() {
        assert!(password_problems("Harbour7Lantern", &["C000001", "13800000001"]).is_empty());
        assert_eq!(password_problems("ab1", &[]), vec![PasswordRule::Length]);
        assert_eq!(password_problems("onlyletters", &[]), vec![PasswordRule::LettersAndDigits]);
        assert!(password_problems("x13800000001", &["13800000001"]).contains(&PasswordRule::NotTheLoginId));
        assert!(password_problems("c000001abc", &["C000001"]).contains(&PasswordRule::NotTheLoginId));
        assert!(password_problems("12345678", &[]).contains(&PasswordRule::NotASequence));
        assert!(password_problems("aaaaaaaa", &[]).contains(&PasswordRule::NotASequence));
        assert!(password_problems("hgfedcba", &[]).contains(&PasswordRule::NotASequence));
    }

    #[test]
    fn activity_is_recorded_once_per_interval_and_idleness_is_judged_to_the_second() {
        assert!(!records_activity(1000, 1000));
        assert!(!records_activity(1000, 1000 + ACTIVITY_RECORD_SECS - 1));
        assert!(records_activity(1000, 1000 + ACTIVITY_RECORD_SECS));
        assert!(!is_idle(1000, 300, 1299));
        assert!(is_idle(1000, 300, 1300));
        assert_eq!(idle_secs_left(1000, 300, 1029), 271);
        assert_eq!(idle_secs_left(1000, 300, 1400), 0);
    }
}
