//! Satisfaction after a branch visit. When staff check a visitor in, the customer is asked once
//! (a message with a link, and a notice on the visit's page) to rate the visit: the waiting time,
//! the staff's attitude and how well the matter was handled, 1 to 5 each, and a comment. A low
//! rating (1 or 2 on any question) offers to turn the comment into a complaint about the visit,
//! pre-filled and linked to it (`/complaints/new?visit=ID`), so that whoever checked the visitor in
//! never handles it.
//!
//! One rating per visit, by the visit's own customer: the visit is the rating's primary key, and
//! the server function asks who is signed in, so staff can never rate for a customer.
//!
//! The rules are the pure functions below; `rate_visit` is the server function, `ssr` its SQL and
//! the request sent at check-in; `VisitRatingSection` is what the visit's page shows.

use super::{Appointment, AppointmentStatus};
use crate::error::AppError;
use crate::form::{Stars, stars_chosen};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

/// The longest comment.
pub const COMMENT_MAX: usize = 1000;
/// A score at or below this is low: the customer is offered to complain.
pub const LOW_SCORE: u8 = 2;

/// A customer's rating of a visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRating {
    pub waiting: u8,
    pub attitude: u8,
    pub handling: u8,
    pub comment: String,
}

impl VisitRating {
    /// 1 or 2 on any question.
    pub fn is_low(&self) -> bool {
        [self.waiting, self.attitude, self.handling].into_iter().any(|s| s <= LOW_SCORE)
    }

    /// The complaint category a low rating's complaint starts with: the question scored lowest
    /// (on a tie, the staff's attitude before the waiting time before the handling).
    pub fn complaint_category(&self) -> &'static str {
        let lowest = self.attitude.min(self.waiting).min(self.handling);
        if self.attitude == lowest {
            "service_attitude"
        } else if self.waiting == lowest {
            "waiting_time"
        } else {
            "other"
        }
    }
}

/// What is wrong with a rating as sent, by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RatingProblem {
    MissingWaiting,
    MissingAttitude,
    MissingHandling,
    CommentTooLong,
}

impl RatingProblem {
    /// The field it is about, as the server reports it (`Invalid { field, problem }`).
    pub fn field(self) -> &'static str {
        match self {
            RatingProblem::MissingWaiting => "waiting",
            RatingProblem::MissingAttitude => "attitude",
            RatingProblem::MissingHandling => "handling",
            RatingProblem::CommentTooLong => "comment",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            RatingProblem::CommentTooLong => "too_long",
            _ => "required",
        }
    }
}

/// Every problem of a rating: each score must be 1 to 5 (0 means not chosen), the comment at most
/// `COMMENT_MAX` characters.
pub fn check_rating(waiting: u8, attitude: u8, handling: u8, comment: &str) -> Vec<RatingProblem> {
    let mut problems = Vec::new();
    let scored = |s: u8| (1..=5).contains(&s);
    if !scored(waiting) {
        problems.push(RatingProblem::MissingWaiting);
    }
    if !scored(attitude) {
        problems.push(RatingProblem::MissingAttitude);
    }
    if !scored(handling) {
        problems.push(RatingProblem::MissingHandling);
    }
    if comment.trim().chars().count() > COMMENT_MAX {
        problems.push(RatingProblem::CommentTooLong);
    }
    problems
}

/// Why a visit cannot be rated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateRefusal {
    /// Only a visit staff checked in can be rated (not one booked, missed, moved or cancelled).
    NotCheckedIn,
    AlreadyRated,
}

impl RateRefusal {
    pub fn key(self) -> &'static str {
        match self {
            RateRefusal::NotCheckedIn => "not_checked_in",
            RateRefusal::AlreadyRated => "already_rated",
        }
    }
}

/// Whether a visit in `status`, rated before or not, may be rated now.
pub fn may_rate(status: AppointmentStatus, rated: bool) -> Result<(), RateRefusal> {
    if status != AppointmentStatus::CheckedIn {
        return Err(RateRefusal::NotCheckedIn);
    }
    if rated {
        return Err(RateRefusal::AlreadyRated);
    }
    Ok(())
}

/// The customer rates one of their own visits that staff checked in, once. Anyone else's visit
/// answers `NotFound`; staff are refused (403) like on every customer function.
#[server(endpoint = "appointments/rate")]
pub async fn rate_visit(
    appointment_id: i64,
    waiting: u8,
    attitude: u8,
    handling: u8,
    comment: String,
) -> Result<VisitRating, AppError> {
    if let Some(problem) = check_rating(waiting, attitude, handling, &comment).first() {
        return Err(AppError::Invalid { field: problem.field().into(), problem: problem.key().into() });
    }
    let (state, who, customer_id) = crate::guard::require_customer().await?;
    let now = state.now();
    let rating = VisitRating { waiting, attitude, handling, comment: comment.trim().to_owned() };
    ssr::rate(&state.pool, customer_id, appointment_id, &rating, now).await?;
    let detail = serde_json::json!({ "appointment_id": appointment_id }).to_string();
    crate::audit::record(&state.pool, &who, "visit_rated", now, &detail).await.map_err(AppError::internal)?;
    Ok(rating)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{RateRefusal, VisitRating, may_rate};
    use crate::appointments::AppointmentStatus;
    use crate::error::AppError;
    use crate::state::AppState;
    use sqlx::AnyPool;

    /// Stores the rating of one of `customer_id`'s visits; `NotFound` for anyone else's, and the
    /// refusal when it is not checked in or already rated (the primary key makes a second
    /// rating, even sent twice at once, find the first).
    pub async fn rate(
        pool: &AnyPool,
        customer_id: i64,
        appointment_id: i64,
        rating: &VisitRating,
        now: i64,
    ) -> Result<(), AppError> {
        let visit: Option<(String, i64)> = sqlx::query_as(
            "SELECT a.status, (SELECT COUNT(*) FROM visit_ratings r WHERE r.appointment_id = a.id) \
             FROM appointments a WHERE a.id = $1 AND a.customer_id = $2",
        )
        .bind(appointment_id)
        .bind(customer_id)
        .fetch_optional(pool)
        .await
        .map_err(AppError::internal)?;
        let (status, rated) = visit.ok_or(AppError::NotFound)?;
        let status = AppointmentStatus::parse(&status).unwrap_or(AppointmentStatus::Cancelled);
        may_rate(status, rated > 0).map_err(refused)?;
        let stored = sqlx::query(
            "INSERT INTO visit_ratings (appointment_id, customer_id, waiting, attitude, handling, comment, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (appointment_id) DO NOTHING",
        )
        .bind(appointment_id)
        .bind(customer_id)
        .bind(i64::from(rating.waiting))
        .bind(i64::from(rating.attitude))
        .bind(i64::from(rating.handling))
        .bind(&rating.comment)
        .bind(now)
        .execute(pool)
        .await
        .map_err(AppError::internal)?;
        if stored.rows_affected() == 0 {
            return Err(refused(RateRefusal::AlreadyRated));
        }
        Ok(())
    }

    fn refused(refusal: RateRefusal) -> AppError {
        AppError::Invalid { field: "rating".into(), problem: refusal.key().into() }
    }

    /// After a check-in: the customer is asked, once, to rate the visit (a message with a link to
    /// the rating on the visit's page).
    pub async fn ask(state: &AppState, customer_id: i64, appointment_id: i64, now: i64) -> Result<(), sqlx::Error> {
        use crate::messages::{MessageKind, service::NewMessage};
        let visit = crate::appointments::service::appointments_of(
            &state.pool,
            &state.settings,
            customer_id,
            Some(appointment_id),
            now,
        )
        .await?
        .pop();
        let Some(visit) = visit else { return Ok(()) };
        let key = format!("visit_rating:{appointment_id}");
        let params = crate::messages::MessageParams {
            rate: Some(format!("/appointments/{appointment_id}#rate")),
            ..crate::appointments::service::appointment_params(&visit)
        };
        let message = NewMessage {
            customer_id,
            kind: MessageKind::VisitRating,
            params,
            account_id: None,
            dedupe_key: Some(&key),
        };
        crate::messages::service::post(&state.pool, &state.gateway, message, now).await?;
        Ok(())
    }
}

fn problem_text(field: &str, problem: &str, locale: Locale) -> String {
    match (field, problem) {
        (_, "not_checked_in") => td_string!(locale, rating.refused_not_checked_in).to_string(),
        (_, "already_rated") => td_string!(locale, rating.refused_already_rated).to_string(),
        ("comment", _) => td_string!(locale, rating.comment_too_long, max = COMMENT_MAX).to_string(),
        _ => td_string!(locale, rating.score_required).to_string(),
    }
}

/// On a checked-in visit's page: the rating form, or the rating given (and, when it was low, the
/// offer to turn it into a complaint). A rating just sent loads the page again (`done=rated`),
/// which thanks the customer above the rating.
#[component]
pub fn VisitRatingSection(appointment: Appointment) -> impl IntoView {
    let i18n = use_i18n();
    let id = appointment.id;
    let content = match appointment.rating {
        Some(given) => view! { <RatingGiven id given /> }.into_any(),
        None => view! { <RatingForm id /> }.into_any(),
    };
    view! {
        <section id="rate" class="visit-rating" aria-labelledby="rate-heading">
            <h2 id="rate-heading">{tr!(i18n, rating.title)}</h2>
            <crate::form::DoneNote what="rated">{tr!(i18n, rating.thanks)}</crate::form::DoneNote>
            {content}
        </section>
    }
}

#[component]
fn RatingGiven(id: i64, given: VisitRating) -> impl IntoView {
    let i18n = use_i18n();
    let low = given.is_low();
    let (waiting, attitude, handling) = (given.waiting, given.attitude, given.handling);
    let comment = given.comment.clone();
    view! {
        <dl class="figures">
            <div><dt>{tr!(i18n, rating.waiting)}</dt><dd>{move || td_string!(i18n.get_locale(), rating.stars, n = waiting).to_string()}</dd></div>
            <div><dt>{tr!(i18n, rating.attitude)}</dt><dd>{move || td_string!(i18n.get_locale(), rating.stars, n = attitude).to_string()}</dd></div>
            <div><dt>{tr!(i18n, rating.handling)}</dt><dd>{move || td_string!(i18n.get_locale(), rating.stars, n = handling).to_string()}</dd></div>
            {(!comment.is_empty()).then(|| view! { <div><dt>{tr!(i18n, rating.comment)}</dt><dd class="prose">{comment.clone()}</dd></div> })}
        </dl>
        {low.then(|| view! {
            <div class="notice">
                <p>{tr!(i18n, rating.low_offer)}</p>
                <p><a class="button primary" href=format!("/complaints/new?visit={id}")>{tr!(i18n, rating.to_complaint)}</a></p>
            </div>
        })}
    }
}

/// The rating form, with its questions checked before it is sent: an island in islands mode.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
fn RatingForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let rate = ServerAction::<RateVisit>::new();
    Effect::new(move |_| {
        if matches!(rate.value().get(), Some(Ok(_))) {
            crate::shell::load_page(&format!("/appointments/{id}?done=rated#rate"));
        }
    });
    let live = crate::form::hydrated();
    let (waiting, attitude, handling) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let comment = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<RatingProblem>::new());
    let error_for = move |wanted: RatingProblem| {
        Signal::derive(move || {
            problems
                .with(|ps| ps.contains(&wanted))
                .then(|| problem_text(wanted.field(), wanted.key(), i18n.get_locale()))
        })
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let [waiting, attitude, handling] = [waiting, attitude, handling].map(stars_chosen);
        problems.set(check_rating(waiting, attitude, handling, &comment.get_untracked()));
        if problems.with_untracked(Vec::is_empty) {
            rate.dispatch(RateVisit {
                appointment_id: id,
                waiting,
                attitude,
                handling,
                comment: comment.get_untracked(),
            });
        }
    };
    let refusal = move || {
        rate.value().get().and_then(Result::err).map(|e| match e {
            AppError::Invalid { field, problem } => problem_text(&field, &problem, i18n.get_locale()),
            _ => t_string!(i18n, error.generic).to_string(),
        })
    };
    let comment_error = error_for(RatingProblem::CommentTooLong);
    view! {
        <p class="notice">{tr!(i18n, rating.ask)}</p>
        <form class="form" method="post" novalidate on:submit=on_submit>
            <Stars
                name="waiting"
                legend=Signal::derive(move || t_string!(i18n, rating.waiting_question).to_string())
                value=waiting
                error=error_for(RatingProblem::MissingWaiting)
            />
            <Stars
                name="attitude"
                legend=Signal::derive(move || t_string!(i18n, rating.attitude_question).to_string())
                value=attitude
                error=error_for(RatingProblem::MissingAttitude)
            />
            <Stars
                name="handling"
                legend=Signal::derive(move || t_string!(i18n, rating.handling_question).to_string())
                value=handling
                error=error_for(RatingProblem::MissingHandling)
            />
            <div class="field">
                <label for="rating-comment">{tr!(i18n, rating.comment_optional)}</label>
                <textarea
                    id="rating-comment"
                    name="comment"
                    rows="3"
                    maxlength=COMMENT_MAX
                    aria-describedby=move || comment_error.with(Option::is_some).then_some("rating-comment-error")
                    aria-invalid=move || comment_error.with(Option::is_some).to_string()
                    prop:value=comment
                    on:input=move |ev| comment.set(event_target_value(&ev))
                ></textarea>
                {move || comment_error.get().map(|m| view! { <p class="error" id="rating-comment-error">{m}</p> })}
            </div>
            <p role="alert" class="error-box">{refusal}</p>
            <p>
                <button type="submit" class="button primary" disabled=move || !live.get() || rate.pending().get()>
                    {tr!(i18n, rating.send)}
                </button>
            </p>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rated(waiting: u8, attitude: u8, handling: u8) -> VisitRating {
        VisitRating { waiting, attitude, handling, comment: String::new() }
    }

    #[test]
    fn every_score_is_one_to_five_and_the_comment_limited() {
        assert!(check_rating(1, 5, 3, "").is_empty());
        assert_eq!(check_rating(0, 5, 3, ""), vec![RatingProblem::MissingWaiting]);
        assert_eq!(check_rating(1, 6, 3, ""), vec![RatingProblem::MissingAttitude]);
        assert_eq!(check_rating(1, 5, 0, ""), vec![RatingProblem::MissingHandling]);
        assert!(check_rating(5, 5, 5, &"好".repeat(COMMENT_MAX)).is_empty());
        assert_eq!(check_rating(5, 5, 5, &"好".repeat(COMMENT_MAX + 1)), vec![RatingProblem::CommentTooLong]);
        assert_eq!(check_rating(0, 0, 0, "").len(), 3);
    }

    #[test]
    fn a_two_on_any_question_is_low_a_three_is_not() {
        assert!(!rated(3, 3, 3).is_low());
        assert!(rated(2, 5, 5).is_low());
        assert!(rated(5, 2, 5).is_low());
        assert!(rated(5, 5, 1).is_low());
        assert!(!rated(5, 5, 5).is_low());
    }

    #[test]
    fn the_complaint_is_about_the_lowest_question_attitude_first_on_a_tie() {
        assert_eq!(rated(1, 4, 5).complaint_category(), "waiting_time");
        assert_eq!(rated(4, 1, 5).complaint_category(), "service_attitude");
        assert_eq!(rated(4, 5, 1).complaint_category(), "other");
        assert_eq!(rated(2, 2, 2).complaint_category(), "service_attitude");
        assert_eq!(rated(1, 3, 1).complaint_category(), "waiting_time");
    }

    #[test]
    fn only_a_checked_in_visit_is_rated_and_only_once() {
        assert_eq!(may_rate(AppointmentStatus::CheckedIn, false), Ok(()));
        assert_eq!(may_rate(AppointmentStatus::CheckedIn, true), Err(RateRefusal::AlreadyRated));
        for status in [
            AppointmentStatus::Booked,
            AppointmentStatus::NoShow,
            AppointmentStatus::Moved,
            AppointmentStatus::Cancelled,
        ] {
            assert_eq!(may_rate(status, false), Err(RateRefusal::NotCheckedIn));
        }
    }
}
