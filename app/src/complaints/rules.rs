//! The complaint rules as pure functions: the deadline clock (银行业保险业消费投诉处理管理办法,
//! 2020: decide within 15 days, 30 for a complex case, at most 60 with a supervisor's approval;
//! time paused for an external appraisal does not count; a review within 30 days of its
//! request), the state machine with who may take each step, the review window, what counts as
//! the same matter (a repeated complaint is merged), the rating, and the filing form's checks.
//!
//! **The counting rule.** Days are calendar days in China time, counted from the day after the
//! one on which the bank received the complaint (day 1), so "within 15 days" of a complaint
//! received on 1 March ends at the close of 16 March. A day on which an external appraisal was
//! under way does not count. When the last day falls on a day the bank is not working (a
//! weekend that is not a make-up working day, or a public holiday), it moves to the next working
//! day. The public holidays and make-up working days are data ([`BankCalendar`]), which staff
//! extend as the State Council publishes each year's arrangement. The same rule counts the
//! customer's 30 days to ask for a review and the bank's 30 days to decide one.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Days to decide an ordinary complaint.
pub const STANDARD_DAYS: u32 = 15;
/// Days to decide a case the handler marked complex.
pub const COMPLEX_DAYS: u32 = 30;
/// The most a supervisor may add beyond [`COMPLEX_DAYS`].
pub const MAX_APPROVED_EXTRA_DAYS: u32 = 30;
/// Days the customer has, from receiving a decision, to ask for a review; also the days the bank
/// has to decide a review.
pub const REVIEW_DAYS: u32 = 30;
/// An open complaint due within this many days is highlighted.
pub const DUE_SOON_DAYS: i64 = 3;

/// The bank's working days: Monday to Friday, except public holidays, plus the weekend days
/// that a year's holiday arrangement makes working days (调休).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankCalendar {
    pub holidays: BTreeSet<NaiveDate>,
    pub workdays: BTreeSet<NaiveDate>,
}

impl BankCalendar {
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// `day` itself if the bank works then, else the next day it does. A calendar cannot hold
    /// more holidays in a row than it has entries, so this always ends.
    pub fn working_day_from(&self, day: NaiveDate) -> NaiveDate {
        let mut day = day;
        while !self.is_working_day(day) {
            day = day.succ_opt().unwrap_or(day);
            if day == NaiveDate::MAX {
                break;
            }
        }
        day
    }
}

/// Days on which an external appraisal stopped the clock: `from` is the first day not counted,
/// `until` the day the clock runs again (not counted either when `None`: still under way).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Pause {
    fn covers(&self, day: NaiveDate) -> bool {
        day >= self.from && self.until.is_none_or(|until| day < until)
    }
}

/// How long a complaint may take, as the handler and the supervisor have decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TimeLimit {
    Standard,
    /// Marked complex by the handler, with a reason sent to the customer.
    Complex,
    /// Extended beyond the complex limit with a supervisor's approval.
    Approved {
        extra_days: u32,
    },
}

impl TimeLimit {
    pub fn days(self) -> u32 {
        match self {
            TimeLimit::Standard => STANDARD_DAYS,
            TimeLimit::Complex => COMPLEX_DAYS,
            TimeLimit::Approved { extra_days } => COMPLEX_DAYS + extra_days.min(MAX_APPROVED_EXTRA_DAYS),
        }
    }

    /// The limit after the handler marks the case complex: only from the standard limit.
    pub fn mark_complex(self) -> Result<TimeLimit, Refusal> {
        match self {
            TimeLimit::Standard => Ok(TimeLimit::Complex),
            _ => Err(Refusal::AlreadyExtended),
        }
    }

    /// The limit after a supervisor approves `extra_days` more: only once, from the complex
    /// limit, and never past 60 days in all.
    pub fn approve_extension(self, extra_days: u32) -> Result<TimeLimit, Refusal> {
        match self {
            TimeLimit::Complex if (1..=MAX_APPROVED_EXTRA_DAYS).contains(&extra_days) => {
                Ok(TimeLimit::Approved { extra_days })
            }
            TimeLimit::Complex => Err(Refusal::ExtensionTooLong),
            TimeLimit::Standard => Err(Refusal::NotComplex),
            TimeLimit::Approved { .. } => Err(Refusal::AlreadyExtended),
        }
    }
}

/// The last day to act on something received on `received` with `days` to do it, by the
/// counting rule above; `None` while a pause is still under way (the clock is stopped).
pub fn last_day(received: NaiveDate, days: u32, pauses: &[Pause], calendar: &BankCalendar) -> Option<NaiveDate> {
    if pauses.iter().any(|p| p.until.is_none()) {
        return None;
    }
    let mut day = received;
    let mut counted = 0;
    while counted < days {
        day = day.succ_opt()?;
        if !pauses.iter().any(|p| p.covers(day)) {
            counted += 1;
        }
    }
    Some(calendar.working_day_from(day))
}

/// The decision deadline of a complaint.
pub fn decision_due(
    received: NaiveDate,
    limit: TimeLimit,
    pauses: &[Pause],
    calendar: &BankCalendar,
) -> Option<NaiveDate> {
    last_day(received, limit.days(), pauses, calendar)
}

/// How close an open complaint is to its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Urgency {
    /// The clock is stopped for an appraisal.
    Paused,
    OnTrack {
        days_left: i64,
    },
    /// Due within [`DUE_SOON_DAYS`] (0: today is the last day).
    DueSoon {
        days_left: i64,
    },
    Overdue {
        days_late: i64,
    },
}

pub fn urgency(today: NaiveDate, due: Option<NaiveDate>) -> Urgency {
    let Some(due) = due else { return Urgency::Paused };
    let days_left = (due - today).num_days();
    if days_left < 0 {
        Urgency::Overdue { days_late: -days_left }
    } else if days_left <= DUE_SOON_DAYS {
        Urgency::DueSoon { days_left }
    } else {
        Urgency::OnTrack { days_left }
    }
}

/// Where a complaint stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Submitted,
    Accepted,
    InProgress,
    WaitingForCustomer,
    Decided,
    ReviewRequested,
    ReviewDecided,
    Closed,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::Submitted,
        Status::Accepted,
        Status::InProgress,
        Status::WaitingForCustomer,
        Status::Decided,
        Status::ReviewRequested,
        Status::ReviewDecided,
        Status::Closed,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Accepted => "accepted",
            Status::InProgress => "in_progress",
            Status::WaitingForCustomer => "waiting_for_customer",
            Status::Decided => "decided",
            Status::ReviewRequested => "review_requested",
            Status::ReviewDecided => "review_decided",
            Status::Closed => "closed",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The bank is still working on it and the decision clock runs: the first decision, or a
    /// review. A new complaint on the same matter is merged into such a one.
    pub fn awaits_decision(self) -> bool {
        matches!(
            self,
            Status::Submitted
                | Status::Accepted
                | Status::InProgress
                | Status::WaitingForCustomer
                | Status::ReviewRequested
        )
    }

    /// Nothing more happens to it (except the customer's rating once it is closed).
    pub fn is_final(self) -> bool {
        matches!(self, Status::Closed | Status::Withdrawn)
    }
}

/// Who takes a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Customer,
    /// The member of staff handling the complaint (or claiming it).
    Staff {
        staff_id: i64,
    },
}

/// A step in a complaint's life.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// Staff take the complaint on (claim or assignment).
    Accept,
    /// Staff write to the customer; the first reply starts the handling.
    Reply,
    /// Staff need something from the customer.
    AskCustomer,
    /// Staff record a telephone call with the customer (the customer asked to be called, or
    /// called in): what was said, or that nobody answered. It counts as a reply.
    Call,
    /// The customer adds information (answering a question, or of their own accord).
    AddInformation,
    /// Staff record the decision.
    Decide(Decision),
    /// The customer accepts the decision (or the review's): the complaint is closed.
    AcceptDecision,
    /// The customer asks for a review, once, with a reason.
    RequestReview { reason: String },
    /// Staff other than the first decision's author decide the review.
    DecideReview(Decision),
    /// The customer withdraws before a decision.
    Withdraw,
}

/// What a decision states.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub facts: String,
    pub grounds: String,
    pub remedy: String,
}

/// What the rules know of a complaint when a step is asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    pub status: Status,
    /// Who handles it now, once accepted.
    pub handler: Option<i64>,
    /// Who decided it the first time.
    pub decided_by: Option<i64>,
    /// The day the customer received the first decision (China time).
    pub decided_on: Option<NaiveDate>,
    pub review_requested: bool,
    /// Staff who may never handle it (the complaint is about them).
    pub recused: Vec<i64>,
}

/// Why a step was refused. Every refusal is a stable key the pages translate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    #[error("not possible in the complaint's current state")]
    NotNow,
    #[error("this step is not for this person")]
    NotYours,
    #[error("the complaint is about this member of staff")]
    Recused,
    #[error("a decision needs the facts checked")]
    MissingFacts,
    #[error("a decision needs its grounds")]
    MissingGrounds,
    #[error("a review needs a reason")]
    MissingReason,
    #[error("a review was already asked for")]
    ReviewAlreadyRequested,
    #[error("the 30 days to ask for a review are over")]
    ReviewWindowClosed,
    #[error("a review is decided by someone other than the first decision's author")]
    SameHandler,
    #[error("the time limit was already extended")]
    AlreadyExtended,
    #[error("only a complex case can be extended further")]
    NotComplex,
    #[error("an extension is 1 to 30 days")]
    ExtensionTooLong,
    #[error("a supervisor other than the one who asked answers an extension request")]
    OwnRequest,
    #[error("a rating is 1 to 5")]
    RatingOutOfRange,
    #[error("already rated")]
    AlreadyRated,
}

fn check_decision(decision: &Decision) -> Result<(), Refusal> {
    if decision.facts.trim().is_empty() {
        return Err(Refusal::MissingFacts);
    }
    if decision.grounds.trim().is_empty() {
        return Err(Refusal::MissingGrounds);
    }
    Ok(())
}

/// The last day the customer may ask for a review of a decision received on `decided_on`.
pub fn review_window_ends(decided_on: NaiveDate, calendar: &BankCalendar) -> Option<NaiveDate> {
    last_day(decided_on, REVIEW_DAYS, &[], calendar)
}

/// The status after `step` by `actor` on `today`, or why it is refused. The server asks this
/// before every change, so an illegal step is refused whatever a page offers.
pub fn next_status(
    case: &Case,
    actor: Actor,
    step: &Step,
    today: NaiveDate,
    calendar: &BankCalendar,
) -> Result<Status, Refusal> {
    use Status as S;
    let staff = match actor {
        Actor::Staff { staff_id } => Some(staff_id),
        Actor::Customer => None,
    };
    let customer_step =
        matches!(step, Step::AddInformation | Step::AcceptDecision | Step::RequestReview { .. } | Step::Withdraw);
    if customer_step != staff.is_none() {
        return Err(Refusal::NotYours);
    }
    if let Some(staff_id) = staff {
        if case.recused.contains(&staff_id) {
            return Err(Refusal::Recused);
        }
        // Once someone handles it, only they take its steps (a supervisor reassigns first).
        let claiming = matches!(step, Step::Accept) && case.status == S::Submitted;
        let reviewing = case.status == S::ReviewRequested;
        if !claiming && !reviewing && case.handler.is_some_and(|h| h != staff_id) {
            return Err(Refusal::NotYours);
        }
    }
    match (case.status, step) {
        (S::Submitted, Step::Accept) => Ok(S::Accepted),
        (S::Accepted | S::InProgress | S::WaitingForCustomer, Step::Reply | Step::Call) => Ok(S::InProgress),
        (S::Accepted | S::InProgress, Step::AskCustomer) => Ok(S::WaitingForCustomer),
        (S::Submitted | S::Accepted | S::InProgress, Step::AddInformation) => Ok(case.status),
        (S::WaitingForCustomer, Step::AddInformation) => Ok(S::InProgress),
        (S::ReviewRequested, Step::AddInformation) => Ok(S::ReviewRequested),
        (S::Accepted | S::InProgress | S::WaitingForCustomer, Step::Decide(decision)) => {
            check_decision(decision)?;
            Ok(S::Decided)
        }
        (S::Decided | S::ReviewDecided, Step::AcceptDecision) => Ok(S::Closed),
        (S::Decided, Step::RequestReview { reason }) => {
            if case.review_requested {
                return Err(Refusal::ReviewAlreadyRequested);
            }
            if reason.trim().is_empty() {
                return Err(Refusal::MissingReason);
            }
            let ends = case.decided_on.and_then(|d| review_window_ends(d, calendar));
            if ends.is_none_or(|ends| today > ends) {
                return Err(Refusal::ReviewWindowClosed);
            }
            Ok(S::ReviewRequested)
        }
        (S::ReviewDecided, Step::RequestReview { .. }) => Err(Refusal::ReviewAlreadyRequested),
        (S::ReviewRequested, Step::DecideReview(decision)) => {
            if staff.is_some() && staff == case.decided_by {
                return Err(Refusal::SameHandler);
            }
            check_decision(decision)?;
            Ok(S::ReviewDecided)
        }
        (S::Submitted | S::Accepted | S::InProgress | S::WaitingForCustomer, Step::Withdraw) => Ok(S::Withdrawn),
        _ => Err(Refusal::NotNow),
    }
}

/// Whether a decided complaint the customer has not accepted closes by itself, counting from its
/// last decision (`last_decided_on`): a first decision once its review window is over (the
/// customer did not ask for a review); a review's decision, the bank's last word, after the same
/// number of days (the customer may still turn to mediation or the regulator, as it says).
pub fn closes_unanswered(
    status: Status,
    last_decided_on: Option<NaiveDate>,
    today: NaiveDate,
    calendar: &BankCalendar,
) -> bool {
    matches!(status, Status::Decided | Status::ReviewDecided)
        && last_decided_on.and_then(|d| review_window_ends(d, calendar)).is_some_and(|end| today > end)
}

/// Checks a rating of a complaint's outcome: once, after closing, 1 to 5.
pub fn check_rating(status: Status, already_rated: bool, stars: u8) -> Result<(), Refusal> {
    if status != Status::Closed {
        return Err(Refusal::NotNow);
    }
    if already_rated {
        return Err(Refusal::AlreadyRated);
    }
    if !(1..=5).contains(&stars) {
        return Err(Refusal::RatingOutOfRange);
    }
    Ok(())
}

/// Whether the first decision is still awaited (the time limit may change, a supervisor may
/// reassign).
fn awaiting_first_decision(status: Status) -> bool {
    matches!(status, Status::Accepted | Status::InProgress | Status::WaitingForCustomer)
}

/// A step only the complaint's handler takes, while its first decision is awaited; never one
/// the complaint is about.
fn handler_before_decision(case: &Case, staff_id: i64) -> Result<(), Refusal> {
    if case.recused.contains(&staff_id) {
        return Err(Refusal::Recused);
    }
    if case.handler != Some(staff_id) {
        return Err(Refusal::NotYours);
    }
    if !awaiting_first_decision(case.status) {
        return Err(Refusal::NotNow);
    }
    Ok(())
}

/// The time limit after the handler marks the case complex, with the reason the customer is
/// told: only its handler, only while the first decision is awaited, only once.
pub fn check_mark_complex(case: &Case, staff_id: i64, limit: TimeLimit, reason: &str) -> Result<TimeLimit, Refusal> {
    handler_before_decision(case, staff_id)?;
    if reason.trim().is_empty() {
        return Err(Refusal::MissingReason);
    }
    limit.mark_complex()
}

/// Whether a member of staff may write an internal note on a complaint: anyone on the
/// complaints desk except the staff it is about, until it is closed or withdrawn.
pub fn may_note(case: &Case, staff_id: i64) -> Result<(), Refusal> {
    if case.recused.contains(&staff_id) {
        return Err(Refusal::Recused);
    }
    if matches!(case.status, Status::Closed | Status::Withdrawn) {
        return Err(Refusal::NotNow);
    }
    Ok(())
}

/// Whether a supervisor may give a complaint to `assignee` (an agent or supervisor): only while
/// the first decision is awaited, never to the staff it is about. An unclaimed complaint is
/// accepted by the assignment; otherwise only its handler changes.
pub fn check_assign(case: &Case, supervisor: bool, assignee: i64) -> Result<Status, Refusal> {
    if !supervisor {
        return Err(Refusal::NotYours);
    }
    if case.recused.contains(&assignee) {
        return Err(Refusal::Recused);
    }
    match case.status {
        Status::Submitted => Ok(Status::Accepted),
        Status::Accepted | Status::InProgress | Status::WaitingForCustomer => Ok(case.status),
        _ => Err(Refusal::NotNow),
    }
}

/// Whether `by` (its handler, or a supervisor) may record that a complaint is about member of
/// staff `about`, who may then never handle it. Its current handler is reassigned first.
pub fn check_recusal(case: &Case, by: i64, supervisor: bool, about: i64) -> Result<(), Refusal> {
    if !supervisor && case.handler != Some(by) {
        return Err(Refusal::NotYours);
    }
    if case.status.is_final() || case.handler == Some(about) || case.recused.contains(&about) {
        return Err(Refusal::NotNow);
    }
    Ok(())
}

/// Whether the handler may stop the clock for an external appraisal (`pausing`) or start it again:
/// only while a decision is awaited, one pause at a time.
pub fn check_pause(case: &Case, staff_id: i64, paused: bool, pausing: bool) -> Result<(), Refusal> {
    if case.recused.contains(&staff_id) {
        return Err(Refusal::Recused);
    }
    if case.handler != Some(staff_id) {
        return Err(Refusal::NotYours);
    }
    let open = matches!(
        case.status,
        Status::Accepted | Status::InProgress | Status::WaitingForCustomer | Status::ReviewRequested
    );
    if !open || paused == pausing {
        return Err(Refusal::NotNow);
    }
    Ok(())
}

/// Whether the handler may ask a supervisor for `extra_days` beyond the complex limit, with a
/// reason the customer will be told: once per complaint, only for a complex case, while its first
/// decision is awaited, 1 to 30 days (60 in all).
pub fn check_extension_request(
    case: &Case,
    staff_id: i64,
    limit: TimeLimit,
    asked_before: bool,
    extra_days: u32,
    reason: &str,
) -> Result<(), Refusal> {
    handler_before_decision(case, staff_id)?;
    if asked_before {
        return Err(Refusal::AlreadyExtended);
    }
    limit.approve_extension(extra_days)?;
    if reason.trim().is_empty() {
        return Err(Refusal::MissingReason);
    }
    Ok(())
}

/// Whether `staff_id` may approve or refuse the extension `requested_by` asked for: a
/// supervisor, not the one who asked, not one the complaint is about, while the first decision
/// is awaited. A refusal needs its reason (for the handler).
pub fn check_extension_answer(
    case: &Case,
    staff_id: i64,
    supervisor: bool,
    requested_by: i64,
    approve: bool,
    reason: &str,
) -> Result<(), Refusal> {
    if case.recused.contains(&staff_id) {
        return Err(Refusal::Recused);
    }
    if !supervisor {
        return Err(Refusal::NotYours);
    }
    if staff_id == requested_by {
        return Err(Refusal::OwnRequest);
    }
    if !awaiting_first_decision(case.status) {
        return Err(Refusal::NotNow);
    }
    if !approve && reason.trim().is_empty() {
        return Err(Refusal::MissingReason);
    }
    Ok(())
}

/// What a complaint is about, for telling a repeat from a new matter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matter<'a> {
    pub customer_id: i64,
    pub category: &'a str,
    pub account_id: Option<i64>,
    pub transaction_id: Option<i64>,
    /// A branch visit it is about.
    pub appointment_id: Option<i64>,
}

impl Matter<'_> {
    /// What the matter is about, most precise first: the transaction it names, else the visit,
    /// else the account; `None` when it names none.
    fn subject(&self) -> Option<String> {
        match (self.transaction_id, self.appointment_id, self.account_id) {
            (Some(transaction), _, _) => Some(format!("t{transaction}")),
            (None, Some(visit), _) => Some(format!("v{visit}")),
            (None, None, Some(account)) => Some(format!("a{account}")),
            (None, None, None) => None,
        }
    }
}

/// Whether a new complaint repeats an open one on the same matter (and is merged into it): the
/// same customer and category, and the same transaction if either names one, else the same visit
/// if either names one, else the same account. Complaints naming none of them are never merged
/// (nothing says they are the same).
pub fn same_matter(open: &Matter<'_>, new: &Matter<'_>) -> bool {
    open.customer_id == new.customer_id
        && open.category == new.category
        && open.subject().is_some()
        && open.subject() == new.subject()
}

/// The key under which an open complaint waits for repeats of its matter: equal for two
/// complaints exactly when [`same_matter`] holds, `None` when nothing could repeat it.
pub fn matter_key(matter: &Matter<'_>) -> Option<String> {
    let subject = matter.subject()?;
    Some(format!("{}:{}:{subject}", matter.customer_id, matter.category))
}

/// The category of a complaint about a transaction reported from an account's history: the
/// account's product (the migration that moved the earlier reports says the same in SQL).
pub fn category_of_account(account_kind: &str) -> &'static str {
    match account_kind {
        "credit_card" => "cards",
        "loan" => "loans",
        "wealth" => "wealth_products",
        _ => "deposits",
    }
}

/// The kinds of thing a customer files.
pub const KINDS: [&str; 2] = ["complaint", "suggestion"];
/// What a complaint is about.
pub const CATEGORIES: [&str; 9] =
    ["service_attitude", "waiting_time", "fees", "deposits", "cards", "loans", "wealth_products", "e_banking", "other"];
/// How the customer wants to be contacted about it.
pub const CONTACTS: [&str; 3] = ["message", "sms", "phone"];
pub const TEXT_MIN: usize = 10;
pub const TEXT_MAX: usize = 2000;
pub const REVIEW_REASON_MAX: usize = 1000;

/// A filing form's problem, by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FilingProblem {
    MissingKind,
    MissingCategory,
    MissingContact,
    WhatTooShort,
    WhatTooLong,
    WantedTooLong,
}

impl FilingProblem {
    /// The field it is about and the problem's key, as the server reports it.
    pub fn field_and_key(self) -> (&'static str, &'static str) {
        match self {
            FilingProblem::MissingKind => ("kind", "required"),
            FilingProblem::MissingCategory => ("category", "required"),
            FilingProblem::MissingContact => ("contact", "required"),
            FilingProblem::WhatTooShort => ("what_happened", "too_short"),
            FilingProblem::WhatTooLong => ("what_happened", "too_long"),
            FilingProblem::WantedTooLong => ("wanted", "too_long"),
        }
    }
}

/// Checks a complaint or suggestion before it is sent (in the page) and when it arrives (on the
/// server). What the customer wants is optional; what happened needs some words.
pub fn check_filing(
    kind: &str,
    category: &str,
    contact: &str,
    what_happened: &str,
    wanted: &str,
) -> Vec<FilingProblem> {
    let mut problems = Vec::new();
    if !KINDS.contains(&kind) {
        problems.push(FilingProblem::MissingKind);
    }
    if !CATEGORIES.contains(&category) {
        problems.push(FilingProblem::MissingCategory);
    }
    if !CONTACTS.contains(&contact) {
        problems.push(FilingProblem::MissingContact);
    }
    let len = what_happened.trim().chars().count();
    if len < TEXT_MIN {
        problems.push(FilingProblem::WhatTooShort);
    } else if len > TEXT_MAX {
        problems.push(FilingProblem::WhatTooLong);
    }
    if wanted.trim().chars().count() > TEXT_MAX {
        problems.push(FilingProblem::WantedTooLong);
    }
    problems
}

/// A complaint's reference: the year it was received and its number, as `TS-2026-000123`.
pub fn reference(year: i32, number: i64) -> String {
    format!("TS-{year}-{number:06}")
}

/// The day after `day`, for callers that count by hand (tests, the demo data).
pub fn next_day(day: NaiveDate) -> NaiveDate {
    day + Duration::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_handler_asks_once_for_more_time_on_a_complex_case_and_another_supervisor_answers() {
        let handled = case;
        let case = handled(Status::InProgress);
        let ask = |case: &Case, by, limit, before, days, reason| {
            check_extension_request(case, by, limit, before, days, reason)
        };
        assert_eq!(ask(&case, 7, TimeLimit::Complex, false, 30, "appraisal"), Ok(()));
        assert_eq!(ask(&case, 7, TimeLimit::Complex, false, 1, "appraisal"), Ok(()));
        assert_eq!(ask(&case, 8, TimeLimit::Complex, false, 30, "appraisal"), Err(Refusal::NotYours));
        assert_eq!(ask(&case, 7, TimeLimit::Standard, false, 10, "appraisal"), Err(Refusal::NotComplex));
        assert_eq!(ask(&case, 7, TimeLimit::Complex, false, 31, "appraisal"), Err(Refusal::ExtensionTooLong));
        assert_eq!(ask(&case, 7, TimeLimit::Complex, false, 0, "appraisal"), Err(Refusal::ExtensionTooLong));
        assert_eq!(ask(&case, 7, TimeLimit::Complex, true, 10, "appraisal"), Err(Refusal::AlreadyExtended));
        let approved = TimeLimit::Approved { extra_days: 10 };
        assert_eq!(ask(&case, 7, approved, false, 10, "appraisal"), Err(Refusal::AlreadyExtended));
        assert_eq!(ask(&case, 7, TimeLimit::Complex, false, 10, " "), Err(Refusal::MissingReason));
        assert_eq!(ask(&handled(Status::Decided), 7, TimeLimit::Complex, false, 10, "x"), Err(Refusal::NotNow));
        let recused = Case { recused: vec![7], ..case.clone() };
        assert_eq!(ask(&recused, 7, TimeLimit::Complex, false, 10, "x"), Err(Refusal::Recused));
        assert_eq!(approved.days(), 40);
        assert_eq!(TimeLimit::Approved { extra_days: 30 }.days(), 60);

        let answer = check_extension_answer;
        assert_eq!(answer(&case, 9, true, 7, true, ""), Ok(()));
        assert_eq!(answer(&case, 9, true, 7, false, "the appraisal is not needed"), Ok(()));
        assert_eq!(answer(&case, 9, true, 7, false, " "), Err(Refusal::MissingReason));
        assert_eq!(answer(&case, 8, false, 7, true, ""), Err(Refusal::NotYours));
        assert_eq!(answer(&case, 7, true, 7, true, ""), Err(Refusal::OwnRequest));
        assert_eq!(answer(&handled(Status::Withdrawn), 9, true, 7, true, ""), Err(Refusal::NotNow));
        let about_supervisor = Case { recused: vec![9], ..case };
        assert_eq!(answer(&about_supervisor, 9, true, 7, true, ""), Err(Refusal::Recused));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The 2026 arrangement for the days the tests touch: National Day 1–7 October with the
    /// make-up working days 20 September (a Sunday) and 10 October (a Saturday).
    fn calendar() -> BankCalendar {
        BankCalendar {
            holidays: (1..=7).map(|day| d(2026, 10, day)).collect(),
            workdays: [d(2026, 9, 20), d(2026, 10, 10)].into(),
        }
    }

    #[test]
    fn counting_starts_the_day_after_receipt_and_ends_on_a_working_day() {
        let cal = BankCalendar::default();
        // Received Tuesday 3 March 2026: day 1 is the 4th, day 15 Wednesday the 18th.
        assert_eq!(decision_due(d(2026, 3, 3), TimeLimit::Standard, &[], &cal), Some(d(2026, 3, 18)));
        // Received Friday 6 March: day 15 is Saturday the 21st, moved to Monday the 23rd.
        assert_eq!(decision_due(d(2026, 3, 6), TimeLimit::Standard, &[], &cal), Some(d(2026, 3, 23)));
        // Sunday the 1st + 15 = Monday the 16th: no move.
        assert_eq!(decision_due(d(2026, 3, 1), TimeLimit::Standard, &[], &cal), Some(d(2026, 3, 16)));
    }

    #[test]
    fn month_and_year_ends_count_the_days_each_month_has() {
        let cal = BankCalendar::default();
        // 16 Feb 2026 + 15 = 3 March (February has 28 days).
        assert_eq!(decision_due(d(2026, 2, 16), TimeLimit::Standard, &[], &cal), Some(d(2026, 3, 3)));
        // Leap year: 16 Feb 2028 + 15 = 2 March.
        assert_eq!(decision_due(d(2028, 2, 16), TimeLimit::Standard, &[], &cal), Some(d(2028, 3, 2)));
        // 31 January + 30 = 2 March 2026 (a Monday).
        assert_eq!(decision_due(d(2026, 1, 31), TimeLimit::Complex, &[], &cal), Some(d(2026, 3, 2)));
        // 20 December 2026 + 15 = 4 January 2027 (a Monday).
        assert_eq!(decision_due(d(2026, 12, 20), TimeLimit::Standard, &[], &cal), Some(d(2027, 1, 4)));
        // 30 April + 15 = 15 May (a Friday).
        assert_eq!(decision_due(d(2026, 4, 30), TimeLimit::Standard, &[], &cal), Some(d(2026, 5, 15)));
    }

    #[test]
    fn a_deadline_on_a_holiday_moves_past_it_and_a_make_up_day_counts_as_working() {
        let cal = calendar();
        // 16 September + 15 = 1 October, National Day: the next working day is the 8th.
        assert_eq!(decision_due(d(2026, 9, 16), TimeLimit::Standard, &[], &cal), Some(d(2026, 10, 8)));
        // 25 September + 15 = Saturday 10 October, a make-up working day: stays.
        assert_eq!(decision_due(d(2026, 9, 25), TimeLimit::Standard, &[], &cal), Some(d(2026, 10, 10)));
        // 5 September + 15 = Sunday 20 September, a make-up working day: stays.
        assert_eq!(decision_due(d(2026, 9, 5), TimeLimit::Standard, &[], &cal), Some(d(2026, 9, 20)));
        // Without the arrangement the same Sunday would move to Monday.
        assert_eq!(
            decision_due(d(2026, 9, 5), TimeLimit::Standard, &[], &BankCalendar::default()),
            Some(d(2026, 9, 21))
        );
        // Holidays inside the period still count as calendar days.
        assert_eq!(decision_due(d(2026, 9, 28), TimeLimit::Standard, &[], &cal), Some(d(2026, 10, 13)));
    }

    #[test]
    fn the_limits_are_15_30_and_at_most_60_days() {
        let cal = BankCalendar::default();
        let received = d(2026, 3, 3);
        assert_eq!(decision_due(received, TimeLimit::Standard, &[], &cal), Some(d(2026, 3, 18)));
        assert_eq!(decision_due(received, TimeLimit::Complex, &[], &cal), Some(d(2026, 4, 2)));
        let most = TimeLimit::Complex.approve_extension(30).unwrap();
        assert_eq!(most.days(), 60);
        // 3 March + 60 = 2 May (a Saturday) → Monday 4 May.
        assert_eq!(decision_due(received, most, &[], &cal), Some(d(2026, 5, 4)));
        assert_eq!(TimeLimit::Complex.approve_extension(1).unwrap().days(), 31);
    }

    #[test]
    fn extensions_go_standard_then_complex_then_approved_once() {
        assert_eq!(TimeLimit::Standard.mark_complex(), Ok(TimeLimit::Complex));
        assert_eq!(TimeLimit::Complex.mark_complex(), Err(Refusal::AlreadyExtended));
        assert_eq!(TimeLimit::Standard.approve_extension(10), Err(Refusal::NotComplex));
        assert_eq!(TimeLimit::Complex.approve_extension(0), Err(Refusal::ExtensionTooLong));
        assert_eq!(TimeLimit::Complex.approve_extension(31), Err(Refusal::ExtensionTooLong));
        let approved = TimeLimit::Complex.approve_extension(30).unwrap();
        assert_eq!(approved.approve_extension(1), Err(Refusal::AlreadyExtended));
        assert_eq!(approved.mark_complex(), Err(Refusal::AlreadyExtended));
        // Even a stored value past the cap counts 60 at most.
        assert_eq!(TimeLimit::Approved { extra_days: 90 }.days(), 60);
    }

    #[test]
    fn paused_days_do_not_count_and_an_open_pause_stops_the_clock() {
        let cal = BankCalendar::default();
        let received = d(2026, 3, 3);
        // An appraisal from the 10th until the 15th: the 10th..14th (5 days) do not count.
        let pause = Pause { from: d(2026, 3, 10), until: Some(d(2026, 3, 15)) };
        assert_eq!(decision_due(received, TimeLimit::Standard, &[pause], &cal), Some(d(2026, 3, 23)));
        // Two pauses add up; overlapping ones count each day once.
        let second = Pause { from: d(2026, 3, 20), until: Some(d(2026, 3, 22)) };
        let overlapping = Pause { from: d(2026, 3, 12), until: Some(d(2026, 3, 14)) };
        assert_eq!(
            decision_due(received, TimeLimit::Standard, &[pause, second, overlapping], &cal),
            Some(d(2026, 3, 25))
        );
        // A pause from before receipt only removes the days after it.
        let early = Pause { from: d(2026, 3, 1), until: Some(d(2026, 3, 5)) };
        assert_eq!(decision_due(received, TimeLimit::Standard, &[early], &cal), Some(d(2026, 3, 19)));
        // Still under way: no deadline until it ends.
        let open = Pause { from: d(2026, 3, 10), until: None };
        assert_eq!(decision_due(received, TimeLimit::Standard, &[open], &cal), None);
        assert_eq!(urgency(d(2026, 3, 30), None), Urgency::Paused);
        // A pause of zero days changes nothing.
        let empty = Pause { from: d(2026, 3, 10), until: Some(d(2026, 3, 10)) };
        assert_eq!(decision_due(received, TimeLimit::Standard, &[empty], &cal), Some(d(2026, 3, 18)));
    }

    #[test]
    fn urgency_edges() {
        let due = Some(d(2026, 3, 18));
        assert_eq!(urgency(d(2026, 3, 14), due), Urgency::OnTrack { days_left: 4 });
        assert_eq!(urgency(d(2026, 3, 15), due), Urgency::DueSoon { days_left: 3 });
        assert_eq!(urgency(d(2026, 3, 18), due), Urgency::DueSoon { days_left: 0 });
        assert_eq!(urgency(d(2026, 3, 19), due), Urgency::Overdue { days_late: 1 });
    }

    fn case(status: Status) -> Case {
        Case {
            status,
            handler: Some(7),
            decided_by: None,
            decided_on: None,
            review_requested: false,
            recused: Vec::new(),
        }
    }

    fn decision() -> Decision {
        Decision { facts: "Checked the ledger.".into(), grounds: "Fee schedule 3.2.".into(), remedy: String::new() }
    }

    const STAFF: Actor = Actor::Staff { staff_id: 7 };

    /// Every step, by the actor it belongs to.
    fn steps() -> Vec<(Actor, Step)> {
        vec![
            (STAFF, Step::Accept),
            (STAFF, Step::Reply),
            (STAFF, Step::AskCustomer),
            (STAFF, Step::Call),
            (Actor::Customer, Step::AddInformation),
            (STAFF, Step::Decide(decision())),
            (Actor::Customer, Step::AcceptDecision),
            (Actor::Customer, Step::RequestReview { reason: "The fee was not on the schedule I signed.".into() }),
            (Actor::Staff { staff_id: 8 }, Step::DecideReview(decision())),
            (Actor::Customer, Step::Withdraw),
        ]
    }

    #[test]
    fn the_state_machine_allows_exactly_these_steps() {
        use Status as S;
        let today = d(2026, 3, 20);
        let cal = BankCalendar::default();
        let legal: Vec<(S, &str, S)> = vec![
            (S::Submitted, "Accept", S::Accepted),
            (S::Submitted, "AddInformation", S::Submitted),
            (S::Submitted, "Withdraw", S::Withdrawn),
            (S::Accepted, "Reply", S::InProgress),
            (S::Accepted, "AskCustomer", S::WaitingForCustomer),
            (S::Accepted, "Call", S::InProgress),
            (S::Accepted, "AddInformation", S::Accepted),
            (S::Accepted, "Decide", S::Decided),
            (S::Accepted, "Withdraw", S::Withdrawn),
            (S::InProgress, "Reply", S::InProgress),
            (S::InProgress, "AskCustomer", S::WaitingForCustomer),
            (S::InProgress, "Call", S::InProgress),
            (S::InProgress, "AddInformation", S::InProgress),
            (S::InProgress, "Decide", S::Decided),
            (S::InProgress, "Withdraw", S::Withdrawn),
            (S::WaitingForCustomer, "Reply", S::InProgress),
            (S::WaitingForCustomer, "Call", S::InProgress),
            (S::WaitingForCustomer, "AddInformation", S::InProgress),
            (S::WaitingForCustomer, "Decide", S::Decided),
            (S::WaitingForCustomer, "Withdraw", S::Withdrawn),
            (S::Decided, "AcceptDecision", S::Closed),
            (S::Decided, "RequestReview", S::ReviewRequested),
            (S::ReviewRequested, "AddInformation", S::ReviewRequested),
            (S::ReviewRequested, "DecideReview", S::ReviewDecided),
            (S::ReviewDecided, "AcceptDecision", S::Closed),
        ];
        for status in Status::ALL {
            for (actor, step) in steps() {
                let name = format!("{step:?}");
                let name = name.split(['(', ' ']).next().unwrap().to_owned();
                let mut c = case(status);
                c.decided_by = Some(7);
                c.decided_on = Some(d(2026, 3, 18));
                if status == S::Submitted {
                    c.handler = None;
                }
                let got = next_status(&c, actor, &step, today, &cal);
                let want = legal.iter().find(|(s, n, _)| *s == status && *n == name).map(|(_, _, to)| *to);
                match want {
                    Some(to) => assert_eq!(got, Ok(to), "{status:?} {name}"),
                    None => assert!(got.is_err(), "{status:?} {name} should be refused, got {got:?}"),
                }
            }
        }
    }

    #[test]
    fn steps_belong_to_their_side() {
        let cal = BankCalendar::default();
        let today = d(2026, 3, 20);
        let c = case(Status::InProgress);
        assert_eq!(next_status(&c, Actor::Customer, &Step::Reply, today, &cal), Err(Refusal::NotYours));
        assert_eq!(next_status(&c, Actor::Customer, &Step::Decide(decision()), today, &cal), Err(Refusal::NotYours));
        assert_eq!(next_status(&c, STAFF, &Step::Withdraw, today, &cal), Err(Refusal::NotYours));
        assert_eq!(next_status(&c, STAFF, &Step::AddInformation, today, &cal), Err(Refusal::NotYours));
        // Another member of staff cannot act on a complaint someone else handles.
        let other = Actor::Staff { staff_id: 9 };
        assert_eq!(next_status(&c, other, &Step::Reply, today, &cal), Err(Refusal::NotYours));
        assert_eq!(next_status(&case(Status::Accepted), other, &Step::Accept, today, &cal), Err(Refusal::NotYours));
    }

    #[test]
    fn a_recused_member_of_staff_can_take_no_step() {
        let cal = BankCalendar::default();
        let today = d(2026, 3, 20);
        let mut c = case(Status::Submitted);
        c.handler = None;
        c.recused = vec![7];
        assert_eq!(next_status(&c, STAFF, &Step::Accept, today, &cal), Err(Refusal::Recused));
        let mut review = case(Status::ReviewRequested);
        review.decided_by = Some(8);
        review.recused = vec![7];
        assert_eq!(next_status(&review, STAFF, &Step::DecideReview(decision()), today, &cal), Err(Refusal::Recused));
    }

    #[test]
    fn a_decision_needs_facts_and_grounds() {
        let cal = BankCalendar::default();
        let today = d(2026, 3, 20);
        let c = case(Status::InProgress);
        let no_facts = Decision { facts: "  ".into(), ..decision() };
        let no_grounds = Decision { grounds: String::new(), ..decision() };
        assert_eq!(next_status(&c, STAFF, &Step::Decide(no_facts), today, &cal), Err(Refusal::MissingFacts));
        assert_eq!(next_status(&c, STAFF, &Step::Decide(no_grounds), today, &cal), Err(Refusal::MissingGrounds));
        // The remedy may be empty (nothing to put right).
        assert_eq!(next_status(&c, STAFF, &Step::Decide(decision()), today, &cal), Ok(Status::Decided));
    }

    #[test]
    fn a_review_is_asked_for_once_within_30_days_and_decided_by_someone_else() {
        let cal = calendar();
        let mut c = case(Status::Decided);
        c.decided_by = Some(7);
        // Received the decision on 3 March: the window ends on 2 April.
        c.decided_on = Some(d(2026, 3, 3));
        assert_eq!(review_window_ends(d(2026, 3, 3), &cal), Some(d(2026, 4, 2)));
        let ask = Step::RequestReview { reason: "The fee was not on the schedule.".into() };
        assert_eq!(next_status(&c, Actor::Customer, &ask, d(2026, 4, 2), &cal), Ok(Status::ReviewRequested));
        assert_eq!(next_status(&c, Actor::Customer, &ask, d(2026, 4, 3), &cal), Err(Refusal::ReviewWindowClosed));
        let blank = Step::RequestReview { reason: " ".into() };
        assert_eq!(next_status(&c, Actor::Customer, &blank, d(2026, 3, 10), &cal), Err(Refusal::MissingReason));
        // Once.
        c.review_requested = true;
        assert_eq!(next_status(&c, Actor::Customer, &ask, d(2026, 3, 10), &cal), Err(Refusal::ReviewAlreadyRequested));
        let mut reviewed = case(Status::ReviewDecided);
        reviewed.review_requested = true;
        assert_eq!(
            next_status(&reviewed, Actor::Customer, &ask, d(2026, 3, 10), &cal),
            Err(Refusal::ReviewAlreadyRequested)
        );
        // The review: not by the first decision's author, by anyone else not recused.
        let mut review = case(Status::ReviewRequested);
        review.decided_by = Some(7);
        assert_eq!(
            next_status(&review, STAFF, &Step::DecideReview(decision()), d(2026, 3, 10), &cal),
            Err(Refusal::SameHandler)
        );
        let other = Actor::Staff { staff_id: 8 };
        assert_eq!(
            next_status(&review, other, &Step::DecideReview(decision()), d(2026, 3, 10), &cal),
            Ok(Status::ReviewDecided)
        );
        // A window ending on a holiday moves past it: decision received 1 September 2026 +
        // 30 = 1 October (National Day) → 8 October.
        assert_eq!(review_window_ends(d(2026, 9, 1), &cal), Some(d(2026, 10, 8)));
        // The review's own deadline: 30 days from its request.
        assert_eq!(last_day(d(2026, 3, 10), REVIEW_DAYS, &[], &cal), Some(d(2026, 4, 9)));
    }

    #[test]
    fn an_unanswered_decision_or_review_decision_closes_after_the_window() {
        let cal = BankCalendar::default();
        let decided = Some(d(2026, 3, 3));
        assert!(!closes_unanswered(Status::Decided, decided, d(2026, 4, 2), &cal));
        assert!(closes_unanswered(Status::Decided, decided, d(2026, 4, 3), &cal));
        assert!(!closes_unanswered(Status::ReviewRequested, decided, d(2026, 6, 1), &cal));
        // A review decided on 10 April 2026 (a Friday): 30 days → 10 May, a Sunday → Monday 11 May.
        let reviewed = Some(d(2026, 4, 10));
        assert!(!closes_unanswered(Status::ReviewDecided, reviewed, d(2026, 5, 11), &cal));
        assert!(closes_unanswered(Status::ReviewDecided, reviewed, d(2026, 5, 12), &cal));
        for status in [Status::Closed, Status::Withdrawn, Status::InProgress] {
            assert!(!closes_unanswered(status, reviewed, d(2027, 1, 1), &cal));
        }
        assert!(!closes_unanswered(Status::Decided, None, d(2027, 1, 1), &cal));
    }

    #[test]
    fn a_rating_is_once_1_to_5_after_closing() {
        assert_eq!(check_rating(Status::Closed, false, 5), Ok(()));
        assert_eq!(check_rating(Status::Closed, false, 1), Ok(()));
        assert_eq!(check_rating(Status::Closed, false, 0), Err(Refusal::RatingOutOfRange));
        assert_eq!(check_rating(Status::Closed, false, 6), Err(Refusal::RatingOutOfRange));
        assert_eq!(check_rating(Status::Closed, true, 4), Err(Refusal::AlreadyRated));
        assert_eq!(check_rating(Status::Decided, false, 4), Err(Refusal::NotNow));
        assert_eq!(check_rating(Status::Withdrawn, false, 4), Err(Refusal::NotNow));
    }

    #[test]
    fn the_same_matter_is_the_same_transaction_or_else_the_same_visit_or_else_the_same_account() {
        let open = Matter {
            customer_id: 1,
            category: "fees",
            account_id: Some(10),
            transaction_id: Some(100),
            appointment_id: None,
        };
        assert!(same_matter(&open, &open.clone()));
        assert!(!same_matter(&open, &Matter { transaction_id: Some(101), ..open.clone() }));
        assert!(!same_matter(&open, &Matter { category: "cards", ..open.clone() }));
        assert!(!same_matter(&open, &Matter { customer_id: 2, ..open.clone() }));
        assert!(!same_matter(&open, &Matter { transaction_id: None, ..open.clone() }));
        let account = Matter { transaction_id: None, ..open.clone() };
        assert!(same_matter(&account, &account.clone()));
        assert!(!same_matter(&account, &Matter { account_id: Some(11), ..account.clone() }));
        let nothing = Matter { account_id: None, transaction_id: None, ..open.clone() };
        assert!(!same_matter(&nothing, &nothing.clone()));
        let visit = Matter { appointment_id: Some(7), category: "waiting_time", ..nothing.clone() };
        assert!(same_matter(&visit, &visit.clone()));
        assert!(!same_matter(&visit, &Matter { appointment_id: Some(8), ..visit.clone() }));
        assert!(!same_matter(&visit, &Matter { category: "service_attitude", ..visit.clone() }));
        assert!(!same_matter(&visit, &Matter { appointment_id: None, ..visit.clone() }));
        // A visit and an account named together are about the visit.
        let visit_and_account = Matter { account_id: Some(10), ..visit.clone() };
        assert!(same_matter(&visit, &visit_and_account));
        assert_eq!(matter_key(&visit).as_deref(), Some("1:waiting_time:v7"));
        // The stored key agrees with the rule on every pair.
        let all = [
            open.clone(),
            Matter { transaction_id: Some(101), ..open.clone() },
            Matter { category: "cards", ..open.clone() },
            Matter { customer_id: 2, ..open.clone() },
            account.clone(),
            Matter { account_id: Some(11), ..account.clone() },
            nothing.clone(),
            visit.clone(),
            Matter { appointment_id: Some(8), ..visit.clone() },
            visit_and_account.clone(),
            Matter { appointment_id: Some(7), ..open.clone() },
        ];
        for a in &all {
            for b in &all {
                let keys_meet = matter_key(a).is_some() && matter_key(a) == matter_key(b);
                assert_eq!(keys_meet, same_matter(a, b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn a_reported_transaction_is_about_its_accounts_product() {
        assert_eq!(category_of_account("credit_card"), "cards");
        assert_eq!(category_of_account("loan"), "loans");
        assert_eq!(category_of_account("wealth"), "wealth_products");
        assert_eq!(category_of_account("demand"), "deposits");
        assert_eq!(category_of_account("time_deposit"), "deposits");
        for kind in ["credit_card", "loan", "wealth", "demand", "time_deposit"] {
            assert!(CATEGORIES.contains(&category_of_account(kind)));
        }
    }

    #[test]
    fn statuses_round_trip_and_group() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("lost"), None);
        assert!(Status::ReviewRequested.awaits_decision() && !Status::Decided.awaits_decision());
        assert!(Status::Closed.is_final() && Status::Withdrawn.is_final() && !Status::Decided.is_final());
    }

    #[test]
    fn the_filing_form_needs_its_choices_and_some_words() {
        let what = "The counter charged me a fee twice.";
        assert!(check_filing("complaint", "fees", "sms", what, "").is_empty());
        assert_eq!(
            check_filing("", "", "", "short", ""),
            vec![
                FilingProblem::MissingKind,
                FilingProblem::MissingCategory,
                FilingProblem::MissingContact,
                FilingProblem::WhatTooShort
            ]
        );
        assert_eq!(check_filing("praise", "fees", "sms", what, ""), vec![FilingProblem::MissingKind]);
        assert_eq!(
            check_filing("suggestion", "other", "phone", &"字".repeat(TEXT_MAX + 1), &"x".repeat(TEXT_MAX + 1)),
            vec![FilingProblem::WhatTooLong, FilingProblem::WantedTooLong]
        );
        // Exactly at the edges: accepted.
        assert!(check_filing("complaint", "other", "message", &"字".repeat(TEXT_MIN), "").is_empty());
        assert!(check_filing("complaint", "other", "message", &"字".repeat(TEXT_MAX), "").is_empty());
        assert_eq!(FilingProblem::WhatTooShort.field_and_key(), ("what_happened", "too_short"));
    }

    #[test]
    fn references_are_year_and_six_digits() {
        assert_eq!(reference(2026, 123), "TS-2026-000123");
        assert_eq!(reference(2027, 1_234_567), "TS-2027-1234567");
        assert_eq!(next_day(d(2026, 12, 31)), d(2027, 1, 1));
    }

    #[test]
    fn only_the_handler_marks_a_case_complex_once_with_a_reason() {
        let case = case(Status::InProgress);
        assert_eq!(check_mark_complex(&case, 7, TimeLimit::Standard, "需调取录像"), Ok(TimeLimit::Complex));
        assert_eq!(check_mark_complex(&case, 8, TimeLimit::Standard, "x"), Err(Refusal::NotYours));
        assert_eq!(check_mark_complex(&case, 7, TimeLimit::Standard, "  "), Err(Refusal::MissingReason));
        assert_eq!(check_mark_complex(&case, 7, TimeLimit::Complex, "x"), Err(Refusal::AlreadyExtended));
        let decided = Case { status: Status::Decided, ..case.clone() };
        assert_eq!(check_mark_complex(&decided, 7, TimeLimit::Standard, "x"), Err(Refusal::NotNow));
        let unclaimed = Case { status: Status::Submitted, handler: None, ..case.clone() };
        assert_eq!(check_mark_complex(&unclaimed, 7, TimeLimit::Standard, "x"), Err(Refusal::NotYours));
        let about_them = Case { recused: vec![7], ..case };
        assert_eq!(check_mark_complex(&about_them, 7, TimeLimit::Standard, "x"), Err(Refusal::Recused));
    }

    #[test]
    fn notes_are_for_the_desk_but_not_for_the_staff_a_complaint_is_about() {
        let case = case(Status::Submitted);
        assert_eq!(may_note(&case, 3), Ok(()));
        assert_eq!(may_note(&Case { recused: vec![3], ..case.clone() }, 3), Err(Refusal::Recused));
        assert_eq!(may_note(&Case { status: Status::Closed, ..case }, 3), Err(Refusal::NotNow));
    }

    #[test]
    fn only_supervisors_assign_and_never_to_the_staff_a_complaint_is_about() {
        assert_eq!(check_assign(&Case { handler: None, ..case(Status::Submitted) }, true, 8), Ok(Status::Accepted));
        assert_eq!(check_assign(&case(Status::InProgress), true, 8), Ok(Status::InProgress), "a reassignment");
        assert_eq!(check_assign(&case(Status::InProgress), false, 8), Err(Refusal::NotYours));
        let about = Case { recused: vec![8], ..case(Status::InProgress) };
        assert_eq!(check_assign(&about, true, 8), Err(Refusal::Recused));
        for status in [Status::Decided, Status::ReviewRequested, Status::Closed, Status::Withdrawn] {
            assert_eq!(check_assign(&case(status), true, 8), Err(Refusal::NotNow), "{status:?}");
        }
    }

    #[test]
    fn the_handler_or_a_supervisor_records_who_a_complaint_is_about() {
        let c = case(Status::InProgress);
        assert_eq!(check_recusal(&c, 7, false, 9), Ok(()), "its handler");
        assert_eq!(check_recusal(&c, 8, true, 9), Ok(()), "a supervisor");
        assert_eq!(check_recusal(&c, 8, false, 9), Err(Refusal::NotYours), "another agent");
        assert_eq!(check_recusal(&c, 8, true, 7), Err(Refusal::NotNow), "the handler: reassign first");
        assert_eq!(check_recusal(&Case { recused: vec![9], ..c.clone() }, 7, false, 9), Err(Refusal::NotNow));
        assert_eq!(check_recusal(&case(Status::Closed), 7, false, 9), Err(Refusal::NotNow));
    }

    #[test]
    fn the_handler_pauses_the_clock_once_and_resumes_it() {
        let c = case(Status::InProgress);
        assert_eq!(check_pause(&c, 7, false, true), Ok(()));
        assert_eq!(check_pause(&c, 7, true, true), Err(Refusal::NotNow), "already paused");
        assert_eq!(check_pause(&c, 7, true, false), Ok(()));
        assert_eq!(check_pause(&c, 7, false, false), Err(Refusal::NotNow), "nothing to resume");
        assert_eq!(check_pause(&c, 8, false, true), Err(Refusal::NotYours));
        assert_eq!(check_pause(&case(Status::ReviewRequested), 7, false, true), Ok(()));
        assert_eq!(check_pause(&case(Status::Decided), 7, false, true), Err(Refusal::NotNow));
        assert_eq!(check_pause(&Case { recused: vec![7], ..c }, 7, false, true), Err(Refusal::Recused));
    }
}
