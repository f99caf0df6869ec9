//! The wealth rules as pure functions: scoring a questionnaire into a level C1–C5 (with the age
//! rule), how long a signed result is valid and when the customer is reminded, when a retake
//! waits for staff review, the daily limit on attempts, the suitability of a product for a
//! customer, the checks a subscription must pass, and the private placement's cooling-off window.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A risk level, 1 to 5: a customer's tolerance (C1 conservative … C5 aggressive) or a product's
/// risk (R1 … R5). A customer at Cn may buy products rated R1 … Rn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Level(u8);

impl Level {
    pub const ALL: [Level; 5] = [Level(1), Level(2), Level(3), Level(4), Level(5)];

    pub fn new(n: i64) -> Option<Level> {
        u8::try_from(n).ok().filter(|n| (1..=5).contains(n)).map(Level)
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// "C3": the customer's level.
    pub fn customer(self) -> String {
        format!("C{}", self.0)
    }

    /// "R3": the product's risk.
    pub fn product(self) -> String {
        format!("R{}", self.0)
    }
}

/// The lowest total score of each level above C1 (a questionnaire version's own boundaries, so a
/// new version never changes what an old attempt meant).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bounds {
    pub c2: u32,
    pub c3: u32,
    pub c4: u32,
    pub c5: u32,
}

/// The level a total score reaches under `bounds`.
pub fn level_for(score: u32, bounds: Bounds) -> Level {
    match score {
        s if s >= bounds.c5 => Level(5),
        s if s >= bounds.c4 => Level(4),
        s if s >= bounds.c3 => Level(3),
        s if s >= bounds.c2 => Level(2),
        _ => Level(1),
    }
}

/// The age from which the level is capped, the cap, and the experience that lifts it.
pub const ELDER_AGE: u32 = 65;
pub const ELDER_CAP: Level = Level(3);
pub const ELDER_EXPERIENCE_YEARS: u32 = 5;

/// A scored attempt: the total, the level the score reached, and the level that counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scored {
    pub score: u32,
    pub level: Level,
    /// The age rule lowered the level from what the score reached.
    pub capped: bool,
}

/// Scores an attempt. The age rule: a customer aged 65 or more is capped at C3, unless their
/// answers show at least 5 years of experience with the kinds of products above it
/// (`experienced`: the experience question's answer says so).
pub fn assess(score: u32, bounds: Bounds, age: u32, experienced: bool) -> Scored {
    let reached = level_for(score, bounds);
    if age >= ELDER_AGE && !experienced && reached > ELDER_CAP {
        Scored { score, level: ELDER_CAP, capped: true }
    } else {
        Scored { score, level: reached, capped: false }
    }
}

/// Whole years of age on `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> u32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// One question as the checks need it: how many options it has.
pub type OptionCount = u8;

/// What is wrong with a set of answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnswerProblem {
    /// The question (1-based) has no answer, or one that is not among its options.
    Missing(usize),
    /// More answers than questions.
    TooMany,
}

/// Every answer must be one of its question's options (1-based); `0` means not answered.
pub fn check_answers(options: &[OptionCount], answers: &[u8]) -> Result<(), AnswerProblem> {
    if answers.len() > options.len() {
        return Err(AnswerProblem::TooMany);
    }
    for (i, count) in options.iter().enumerate() {
        let answer = answers.get(i).copied().unwrap_or(0);
        if answer == 0 || answer > *count {
            return Err(AnswerProblem::Missing(i + 1));
        }
    }
    Ok(())
}

/// Answers as they travel in a URL and are stored: "3.1.4" (option numbers, 0 for unanswered).
pub fn encode_answers(answers: &[u8]) -> String {
    answers.iter().map(u8::to_string).collect::<Vec<_>>().join(".")
}

/// The inverse of [`encode_answers`]; anything unreadable counts as unanswered.
pub fn decode_answers(text: &str, questions: usize) -> Vec<u8> {
    let mut answers: Vec<u8> = text.split('.').take(questions).map(|a| a.parse().unwrap_or(0)).collect();
    answers.resize(questions, 0);
    answers
}

/// A signed result is valid for 12 months.
pub const VALID_MONTHS: u32 = 12;
/// The customer is reminded this many days before it expires.
pub const REMINDER_DAYS: i64 = 30;

/// The last day a result signed on `signed_on` is valid (the day before its anniversary).
pub fn expires_on(signed_on: NaiveDate) -> NaiveDate {
    signed_on.checked_add_months(Months::new(VALID_MONTHS)).map_or(signed_on, |d| d.pred_opt().unwrap_or(d))
}

/// Whether the expiry reminder is due on `today` for a result valid until `expires`.
pub fn reminder_due(expires: NaiveDate, today: NaiveDate) -> bool {
    today <= expires && (expires - today).num_days() <= REMINDER_DAYS
}

/// At most this many submitted attempts per calendar day.
pub const MAX_ATTEMPTS_PER_DAY: u32 = 2;

/// Which attempt of the day a new one would be (1 or 2), or `None` when the day's are used.
pub fn attempt_of_day(already_today: u32) -> Option<u32> {
    (already_today < MAX_ATTEMPTS_PER_DAY).then_some(already_today + 1)
}

/// A retake within this many days of the result in force that raises the level waits for review.
pub const RETAKE_REVIEW_DAYS: i64 = 30;

/// Whether a new level must wait for staff review: it is higher than the level in force, and that
/// result was signed within the last 30 days.
pub fn retake_needs_review(in_force: Option<(Level, NaiveDate)>, new: Level, today: NaiveDate) -> bool {
    in_force.is_some_and(|(level, signed_on)| new > level && (today - signed_on).num_days() < RETAKE_REVIEW_DAYS)
}

/// The customer's assessment as the suitability check sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// The signed result in force (the newest signed one not waiting for or refused at review).
    pub in_force: Option<InForce>,
    /// A signed retake is waiting for staff review.
    pub awaiting_review: bool,
    /// The newest attempt is not signed yet.
    pub unsigned: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InForce {
    pub assessment_id: i64,
    pub level: Level,
    pub signed_on: NaiveDate,
    pub expires_on: NaiveDate,
}

/// A product's suitability for the customer, in words on every product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Suitability {
    Suitable,
    AboveLevel,
    Missing,
    Unsigned,
    Expired,
    AwaitingReview,
}

impl Suitability {
    pub fn key(self) -> &'static str {
        match self {
            Suitability::Suitable => "suitable",
            Suitability::AboveLevel => "above_level",
            Suitability::Missing => "missing",
            Suitability::Unsigned => "unsigned",
            Suitability::Expired => "expired",
            Suitability::AwaitingReview => "awaiting_review",
        }
    }
}

/// Whether a product rated `risk` suits the customer on `today`. A valid result decides for the
/// products at or below its level; above it, a retake waiting for review says so. Without a valid
/// result: waiting for review, else not signed, else expired, else missing.
pub fn suitability(standing: &Standing, risk: Level, today: NaiveDate) -> Suitability {
    let valid = standing.in_force.filter(|f| today <= f.expires_on);
    match valid {
        Some(f) if risk <= f.level => Suitability::Suitable,
        Some(_) if standing.awaiting_review => Suitability::AwaitingReview,
        Some(_) => Suitability::AboveLevel,
        None if standing.awaiting_review => Suitability::AwaitingReview,
        None if standing.unsigned => Suitability::Unsigned,
        None if standing.in_force.is_some() => Suitability::Expired,
        None => Suitability::Missing,
    }
}

/// What a subscription is checked against: the product's terms on the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    pub risk: Level,
    pub min_minor: i64,
    pub step_minor: i64,
    /// The subscription window, first and last day; `None` for an open-ended product always open.
    pub window: Option<(NaiveDate, NaiveDate)>,
}

/// The paying account, as the check sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payer {
    /// Active (`accounts::rules::can_move_money`), a demand account in the product's currency.
    pub can_pay: bool,
    pub available_minor: i64,
}

/// Why a subscription is refused. Each says what to do (the page's text).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    AboveLevel,
    AssessmentMissing,
    AssessmentUnsigned,
    AssessmentExpired,
    AwaitingReview,
    BelowMinimum,
    OffStep,
    OutsideWindow,
    AccountFrozen,
    ShortOfFunds,
    DisclosureNotAcknowledged,
    WarningNotAcknowledged,
}

impl Refusal {
    pub fn key(self) -> &'static str {
        match self {
            Refusal::AboveLevel => "above_level",
            Refusal::AssessmentMissing => "assessment_missing",
            Refusal::AssessmentUnsigned => "assessment_unsigned",
            Refusal::AssessmentExpired => "assessment_expired",
            Refusal::AwaitingReview => "awaiting_review",
            Refusal::BelowMinimum => "below_minimum",
            Refusal::OffStep => "off_step",
            Refusal::OutsideWindow => "outside_window",
            Refusal::AccountFrozen => "account_frozen",
            Refusal::ShortOfFunds => "short_of_funds",
            Refusal::DisclosureNotAcknowledged => "disclosure",
            Refusal::WarningNotAcknowledged => "elder_warning",
        }
    }

    pub fn parse(key: &str) -> Option<Refusal> {
        ALL_REFUSALS.iter().copied().find(|r| r.key() == key)
    }
}

const ALL_REFUSALS: [Refusal; 12] = [
    Refusal::AboveLevel,
    Refusal::AssessmentMissing,
    Refusal::AssessmentUnsigned,
    Refusal::AssessmentExpired,
    Refusal::AwaitingReview,
    Refusal::BelowMinimum,
    Refusal::OffStep,
    Refusal::OutsideWindow,
    Refusal::AccountFrozen,
    Refusal::ShortOfFunds,
    Refusal::DisclosureNotAcknowledged,
    Refusal::WarningNotAcknowledged,
];

/// Customers of this age or more buying a product rated this or higher get an extra warning, and
/// their subscription waits for staff review before money moves.
pub const ELDER_WARNING_RISK: Level = Level(4);

pub fn needs_elder_review(age: u32, risk: Level) -> bool {
    age >= ELDER_AGE && risk >= ELDER_WARNING_RISK
}

/// What the customer acknowledged on the confirmation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledged {
    pub disclosure: bool,
    pub elder_warning: bool,
}

/// The checks before a subscription's code is sent and again when it is confirmed, in the order
/// a customer can act on them: the assessment, the product, the amount, the account, the
/// acknowledgements.
pub fn check_subscription(
    standing: &Standing,
    terms: Terms,
    amount_minor: i64,
    payer: Payer,
    age: u32,
    acknowledged: Acknowledged,
    today: NaiveDate,
) -> Result<(), Refusal> {
    match suitability(standing, terms.risk, today) {
        Suitability::Suitable => {}
        Suitability::AboveLevel => return Err(Refusal::AboveLevel),
        Suitability::Missing => return Err(Refusal::AssessmentMissing),
        Suitability::Unsigned => return Err(Refusal::AssessmentUnsigned),
        Suitability::Expired => return Err(Refusal::AssessmentExpired),
        Suitability::AwaitingReview => return Err(Refusal::AwaitingReview),
    }
    if let Some((opens, closes)) = terms.window
        && (today < opens || today > closes)
    {
        return Err(Refusal::OutsideWindow);
    }
    if amount_minor < terms.min_minor {
        return Err(Refusal::BelowMinimum);
    }
    if terms.step_minor > 0 && (amount_minor - terms.min_minor) % terms.step_minor != 0 {
        return Err(Refusal::OffStep);
    }
    if !payer.can_pay {
        return Err(Refusal::AccountFrozen);
    }
    if payer.available_minor < amount_minor {
        return Err(Refusal::ShortOfFunds);
    }
    if !acknowledged.disclosure {
        return Err(Refusal::DisclosureNotAcknowledged);
    }
    if needs_elder_review(age, terms.risk) && !acknowledged.elder_warning {
        return Err(Refusal::WarningNotAcknowledged);
    }
    Ok(())
}

/// A private placement may be cancelled, and is refunded in full, for 24 hours after it was
/// confirmed.
pub const COOLING_OFF_SECS: i64 = 24 * 3600;

/// The end of the cooling-off window of a subscription confirmed at `confirmed_at`, for private
/// placements only.
pub fn cooling_off_ends(private_placement: bool, confirmed_at: i64) -> Option<i64> {
    private_placement.then_some(confirmed_at + COOLING_OFF_SECS)
}

/// Whether a completed subscription may still be cancelled at `now`.
pub fn may_cancel(cooling_off_ends_at: Option<i64>, now: i64) -> bool {
    cooling_off_ends_at.is_some_and(|end| now < end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const BOUNDS: Bounds = Bounds { c2: 19, c3: 27, c4: 35, c5: 43 };

    fn level(n: i64) -> Level {
        Level::new(n).unwrap()
    }

    #[test]
    fn every_boundary_of_the_score_gives_the_next_level() {
        assert_eq!(level_for(0, BOUNDS), level(1));
        assert_eq!(level_for(18, BOUNDS), level(1));
        assert_eq!(level_for(19, BOUNDS), level(2));
        assert_eq!(level_for(26, BOUNDS), level(2));
        assert_eq!(level_for(27, BOUNDS), level(3));
        assert_eq!(level_for(34, BOUNDS), level(3));
        assert_eq!(level_for(35, BOUNDS), level(4));
        assert_eq!(level_for(42, BOUNDS), level(4));
        assert_eq!(level_for(43, BOUNDS), level(5));
        assert_eq!(level_for(99, BOUNDS), level(5));
    }

    #[test]
    fn levels_are_one_to_five() {
        assert_eq!(Level::new(0), None);
        assert_eq!(Level::new(6), None);
        assert_eq!(level(3).customer(), "C3");
        assert_eq!(level(5).product(), "R5");
    }

    #[test]
    fn from_65_the_level_is_capped_at_c3_unless_experienced() {
        assert_eq!(assess(45, BOUNDS, 64, false), Scored { score: 45, level: level(5), capped: false });
        assert_eq!(assess(45, BOUNDS, 65, false), Scored { score: 45, level: level(3), capped: true });
        assert_eq!(assess(36, BOUNDS, 80, false), Scored { score: 36, level: level(3), capped: true });
        assert_eq!(assess(45, BOUNDS, 65, true), Scored { score: 45, level: level(5), capped: false });
        // At or under the cap nothing changes.
        assert_eq!(assess(30, BOUNDS, 70, false), Scored { score: 30, level: level(3), capped: false });
        assert_eq!(assess(10, BOUNDS, 70, false), Scored { score: 10, level: level(1), capped: false });
    }

    #[test]
    fn age_counts_whole_years_to_the_birthday() {
        assert_eq!(age_on(date("1961-12-03"), date("2026-12-02")), 64);
        assert_eq!(age_on(date("1961-12-02"), date("2026-12-02")), 65);
        assert_eq!(age_on(date("1961-02-28"), date("2026-12-02")), 65);
    }

    #[test]
    fn every_question_needs_one_of_its_options() {
        assert_eq!(check_answers(&[3, 4], &[1, 4]), Ok(()));
        assert_eq!(check_answers(&[3, 4], &[1]), Err(AnswerProblem::Missing(2)));
        assert_eq!(check_answers(&[3, 4], &[0, 1]), Err(AnswerProblem::Missing(1)));
        assert_eq!(check_answers(&[3, 4], &[4, 1]), Err(AnswerProblem::Missing(1)));
        assert_eq!(check_answers(&[3, 4], &[1, 1, 1]), Err(AnswerProblem::TooMany));
    }

    #[test]
    fn answers_round_trip_through_the_url() {
        assert_eq!(encode_answers(&[3, 0, 5]), "3.0.5");
        assert_eq!(decode_answers("3.0.5", 3), vec![3, 0, 5]);
        assert_eq!(decode_answers("3.x", 4), vec![3, 0, 0, 0]);
        assert_eq!(decode_answers("", 2), vec![0, 0]);
        assert_eq!(decode_answers("1.2.3.4", 2), vec![1, 2]);
    }

    #[test]
    fn a_result_is_valid_twelve_months_and_reminded_thirty_days_before() {
        assert_eq!(expires_on(date("2026-12-02")), date("2027-12-01"));
        assert_eq!(expires_on(date("2024-02-29")), date("2025-02-27"));
        let expires = date("2027-12-01");
        assert!(!reminder_due(expires, date("2027-10-31")));
        assert!(reminder_due(expires, date("2027-11-01")));
        assert!(reminder_due(expires, date("2027-12-01")));
        assert!(!reminder_due(expires, date("2027-12-02")));
    }

    #[test]
    fn two_attempts_a_day() {
        assert_eq!(attempt_of_day(0), Some(1));
        assert_eq!(attempt_of_day(1), Some(2));
        assert_eq!(attempt_of_day(2), None);
    }

    #[test]
    fn a_higher_retake_within_thirty_days_waits_for_review() {
        let today = date("2026-12-02");
        assert!(!retake_needs_review(None, level(5), today));
        assert!(retake_needs_review(Some((level(2), date("2026-11-03"))), level(3), today));
        assert!(!retake_needs_review(Some((level(2), date("2026-11-02"))), level(3), today));
        assert!(!retake_needs_review(Some((level(3), date("2026-12-01"))), level(3), today));
        assert!(!retake_needs_review(Some((level(3), date("2026-12-01"))), level(1), today));
    }

    fn standing(in_force: Option<(i64, &str)>, awaiting_review: bool, unsigned: bool) -> Standing {
        Standing {
            in_force: in_force.map(|(l, expires)| InForce {
                assessment_id: 1,
                level: level(l),
                signed_on: date("2026-01-01"),
                expires_on: date(expires),
            }),
            awaiting_review,
            unsigned,
        }
    }

    #[test]
    fn every_customer_level_against_every_product_risk() {
        let today = date("2026-12-02");
        for c in 1..=5 {
            for r in 1..=5 {
                let got = suitability(&standing(Some((c, "2026-12-31")), false, false), level(r), today);
                let want = if r <= c { Suitability::Suitable } else { Suitability::AboveLevel };
                assert_eq!(got, want, "C{c} × R{r}");
            }
        }
    }

    #[test]
    fn without_a_valid_result_the_badge_says_why() {
        let today = date("2026-12-02");
        assert_eq!(suitability(&standing(None, false, false), level(1), today), Suitability::Missing);
        assert_eq!(suitability(&standing(None, false, true), level(1), today), Suitability::Unsigned);
        assert_eq!(suitability(&standing(None, true, false), level(1), today), Suitability::AwaitingReview);
        // Valid through its last day, expired the day after.
        assert_eq!(
            suitability(&standing(Some((3, "2026-12-02")), false, false), level(1), today),
            Suitability::Suitable
        );
        assert_eq!(
            suitability(&standing(Some((3, "2026-12-01")), false, false), level(1), today),
            Suitability::Expired
        );
        assert_eq!(
            suitability(&standing(Some((3, "2026-12-01")), false, true), level(1), today),
            Suitability::Unsigned
        );
        // A retake under review only matters above the level in force.
        assert_eq!(
            suitability(&standing(Some((2, "2027-01-01")), true, false), level(2), today),
            Suitability::Suitable
        );
        assert_eq!(
            suitability(&standing(Some((2, "2027-01-01")), true, false), level(4), today),
            Suitability::AwaitingReview
        );
    }

    const TERMS: Terms = Terms { risk: Level(3), min_minor: 1_000_000, step_minor: 100_000, window: None };
    const PAYER: Payer = Payer { can_pay: true, available_minor: 5_000_000 };
    const ACK: Acknowledged = Acknowledged { disclosure: true, elder_warning: false };

    fn check(
        standing: &Standing,
        terms: Terms,
        amount: i64,
        payer: Payer,
        age: u32,
        ack: Acknowledged,
    ) -> Result<(), Refusal> {
        check_subscription(standing, terms, amount, payer, age, ack, date("2026-12-02"))
    }

    #[test]
    fn a_subscription_is_refused_for_each_reason() {
        let ok = standing(Some((3, "2027-06-01")), false, false);
        assert_eq!(check(&ok, TERMS, 1_000_000, PAYER, 40, ACK), Ok(()));
        assert_eq!(check(&ok, TERMS, 1_200_000, PAYER, 40, ACK), Ok(()));
        assert_eq!(
            check(&standing(Some((2, "2027-06-01")), false, false), TERMS, 1_000_000, PAYER, 40, ACK),
            Err(Refusal::AboveLevel)
        );
        assert_eq!(
            check(&standing(None, false, false), TERMS, 1_000_000, PAYER, 40, ACK),
            Err(Refusal::AssessmentMissing)
        );
        assert_eq!(
            check(&standing(None, false, true), TERMS, 1_000_000, PAYER, 40, ACK),
            Err(Refusal::AssessmentUnsigned)
        );
        assert_eq!(
            check(&standing(Some((5, "2026-11-30")), false, false), TERMS, 1_000_000, PAYER, 40, ACK),
            Err(Refusal::AssessmentExpired)
        );
        assert_eq!(check(&standing(None, true, false), TERMS, 1_000_000, PAYER, 40, ACK), Err(Refusal::AwaitingReview));
        assert_eq!(check(&ok, TERMS, 999_999, PAYER, 40, ACK), Err(Refusal::BelowMinimum));
        assert_eq!(check(&ok, TERMS, 1_050_000, PAYER, 40, ACK), Err(Refusal::OffStep));
        let closed = Terms { window: Some((date("2026-11-01"), date("2026-12-01"))), ..TERMS };
        assert_eq!(check(&ok, closed, 1_000_000, PAYER, 40, ACK), Err(Refusal::OutsideWindow));
        let later = Terms { window: Some((date("2026-12-03"), date("2026-12-31"))), ..TERMS };
        assert_eq!(check(&ok, later, 1_000_000, PAYER, 40, ACK), Err(Refusal::OutsideWindow));
        let open = Terms { window: Some((date("2026-12-02"), date("2026-12-02"))), ..TERMS };
        assert_eq!(check(&ok, open, 1_000_000, PAYER, 40, ACK), Ok(()));
        let frozen = Payer { can_pay: false, ..PAYER };
        assert_eq!(check(&ok, TERMS, 1_000_000, frozen, 40, ACK), Err(Refusal::AccountFrozen));
        let short = Payer { available_minor: 999_999, ..PAYER };
        assert_eq!(check(&ok, TERMS, 1_000_000, short, 40, ACK), Err(Refusal::ShortOfFunds));
        assert_eq!(
            check(&ok, TERMS, 1_000_000, PAYER, 40, Acknowledged::default()),
            Err(Refusal::DisclosureNotAcknowledged)
        );
    }

    #[test]
    fn from_65_high_risk_needs_the_extra_warning() {
        let c5 = standing(Some((5, "2027-06-01")), false, false);
        let r4 = Terms { risk: Level(4), ..TERMS };
        assert_eq!(check(&c5, r4, 1_000_000, PAYER, 65, ACK), Err(Refusal::WarningNotAcknowledged));
        let both = Acknowledged { disclosure: true, elder_warning: true };
        assert_eq!(check(&c5, r4, 1_000_000, PAYER, 65, both), Ok(()));
        assert_eq!(check(&c5, r4, 1_000_000, PAYER, 64, ACK), Ok(()));
        assert_eq!(check(&c5, TERMS, 1_000_000, PAYER, 70, ACK), Ok(()));
        assert!(needs_elder_review(65, level(4)) && needs_elder_review(90, level(5)));
        assert!(!needs_elder_review(64, level(5)) && !needs_elder_review(65, level(3)));
    }

    #[test]
    fn refusal_keys_round_trip() {
        for r in ALL_REFUSALS {
            assert_eq!(Refusal::parse(r.key()), Some(r));
        }
        assert_eq!(Refusal::parse("nope"), None);
    }

    #[test]
    fn only_a_private_placement_cools_off_for_24_hours() {
        assert_eq!(cooling_off_ends(false, 1000), None);
        assert_eq!(cooling_off_ends(true, 1000), Some(1000 + 86_400));
        assert!(may_cancel(Some(87_400), 87_399));
        assert!(!may_cancel(Some(87_400), 87_400));
        assert!(!may_cancel(None, 0));
    }
}
