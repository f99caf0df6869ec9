//! Messages: the customer's inbox of alerts, reminders and notices, with the unread count the
//! navigation shows; the account alerts behind them (low balance, card and loan due dates);
//! and how the customer wants to be reached besides (SMS, e-mail).
//!
//! `alerts` holds the rules as pure functions, `service` the SQL and the alert job (also run by
//! `server alerts`), `page` the Messages page and the settings forms. A message is stored as a
//! kind and its parameters, so it reads in whichever language the customer views it.

pub mod alerts;
pub mod page;
#[cfg(feature = "ssr")]
pub mod service;

use crate::error::AppError;
use crate::format::{format_date, format_money};
use crate::i18n::*;
use crate::money::{Currency, Money};
use alerts::AlertSettings;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

pub use page::MessagesPage;

/// What a message is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    LowBalance,
    CardDue,
    LoanDue,
    AppointmentBooked,
    AppointmentMoved,
    AppointmentCancelled,
    AppointmentReminder,
    /// The branch closed the time of a booked visit; the message links to booking again.
    AppointmentClosed,
    /// A complaint or suggestion was received (its reference, and the deadline rule).
    ComplaintReceived,
    /// A repeat of an open complaint was added to it.
    ComplaintMerged,
    /// The bank wrote on a complaint: a reply, or a question for the customer.
    ComplaintReply,
    /// The bank decided a complaint (or its review).
    ComplaintDecided,
    /// The bank needs longer than 15 days for a complex complaint (the reason is on its page).
    ComplaintExtended,
    /// A visit staff checked in: the customer is asked to rate it (the message links to the form).
    VisitRating,
    /// Staff approved or refused a retake that raised the risk level (`reference`: the level).
    AssessmentReviewed,
    /// Staff approved or refused a subscription that waited for review (`reference`).
    SubscriptionReviewed,
    /// The risk assessment expires on `date` (30 days' notice).
    AssessmentExpiring,
    /// A kind this version does not know (written by a newer one).
    #[serde(other)]
    Other,
}

impl MessageKind {
    /// The name stored in the database and written to the outbox.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::LowBalance => "low_balance",
            MessageKind::CardDue => "card_due",
            MessageKind::LoanDue => "loan_due",
            MessageKind::AppointmentBooked => "appointment_booked",
            MessageKind::AppointmentMoved => "appointment_moved",
            MessageKind::AppointmentCancelled => "appointment_cancelled",
            MessageKind::AppointmentReminder => "appointment_reminder",
            MessageKind::AppointmentClosed => "appointment_closed",
            MessageKind::ComplaintReceived => "complaint_received",
            MessageKind::ComplaintMerged => "complaint_merged",
            MessageKind::ComplaintReply => "complaint_reply",
            MessageKind::ComplaintDecided => "complaint_decided",
            MessageKind::ComplaintExtended => "complaint_extended",
            MessageKind::VisitRating => "visit_rating",
            MessageKind::AssessmentReviewed => "assessment_reviewed",
            MessageKind::SubscriptionReviewed => "subscription_reviewed",
            MessageKind::AssessmentExpiring => "assessment_expiring",
            MessageKind::Other => "other",
        }
    }

    pub fn parse(name: &str) -> MessageKind {
        match name {
            "low_balance" => MessageKind::LowBalance,
            "card_due" => MessageKind::CardDue,
            "loan_due" => MessageKind::LoanDue,
            "appointment_booked" => MessageKind::AppointmentBooked,
            "appointment_moved" => MessageKind::AppointmentMoved,
            "appointment_cancelled" => MessageKind::AppointmentCancelled,
            "appointment_reminder" => MessageKind::AppointmentReminder,
            "appointment_closed" => MessageKind::AppointmentClosed,
            "complaint_received" => MessageKind::ComplaintReceived,
            "complaint_merged" => MessageKind::ComplaintMerged,
            "complaint_reply" => MessageKind::ComplaintReply,
            "complaint_decided" => MessageKind::ComplaintDecided,
            "complaint_extended" => MessageKind::ComplaintExtended,
            "visit_rating" => MessageKind::VisitRating,
            "assessment_reviewed" => MessageKind::AssessmentReviewed,
            "subscription_reviewed" => MessageKind::SubscriptionReviewed,
            "assessment_expiring" => MessageKind::AssessmentExpiring,
            _ => MessageKind::Other,
        }
    }
}

/// The facts a message states, rendered into words per language when it is read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageParams {
    /// The account, as "product 6222 **** **** 0001".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_minor: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold_minor: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// An appointment's reference, branch, service and start (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<crate::appointments::Names>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<crate::appointments::Names>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<i64>,
    /// Where to book again (a path on this site), for a visit the branch had to cancel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rebook: Option<String>,
    /// Where to rate a visit (a path on this site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<String>,
    /// A review's outcome and, when refused, its reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One message in the inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageItem {
    pub id: i64,
    pub kind: MessageKind,
    pub params: MessageParams,
    pub account_id: Option<i64>,
    pub created_at: i64,
    pub read: bool,
}

/// How the customer wants alerts besides the Messages page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    pub sms: bool,
    pub email: bool,
    /// Whether the bank has an e-mail address for the customer at all.
    pub has_email: bool,
}

/// Messages shown on the page, newest first.
pub const INBOX_SIZE: i64 = 100;

/// A message's title and body in `locale`.
pub fn message_text(kind: MessageKind, p: &MessageParams, locale: Locale) -> (String, String) {
    let money = |minor: Option<i64>| {
        minor.zip(p.currency).map(|(m, c)| format_money(Money::new(m, c), locale)).unwrap_or_default()
    };
    let account = p.account.clone().unwrap_or_default();
    let date = p.date.map(|d| format_date(d, locale)).unwrap_or_default();
    match kind {
        MessageKind::LowBalance => (
            td_string!(locale, messages.low_balance_title).to_string(),
            td_string!(
                locale,
                messages.low_balance_body,
                account = account,
                amount = money(p.amount_minor),
                threshold = money(p.threshold_minor)
            )
            .to_string(),
        ),
        MessageKind::CardDue => (
            td_string!(locale, messages.card_due_title).to_string(),
            td_string!(locale, messages.card_due_body, account = account, date = date, amount = money(p.amount_minor))
                .to_string(),
        ),
        MessageKind::LoanDue => (
            td_string!(locale, messages.loan_due_title).to_string(),
            td_string!(locale, messages.loan_due_body, account = account, date = date, amount = money(p.amount_minor))
                .to_string(),
        ),
        MessageKind::AppointmentBooked
        | MessageKind::AppointmentMoved
        | MessageKind::AppointmentCancelled
        | MessageKind::AppointmentReminder
        | MessageKind::AppointmentClosed
        | MessageKind::VisitRating => {
            let branch = p.branch.as_ref().map(|n| n.get(locale).to_owned()).unwrap_or_default();
            let service = p.service.as_ref().map(|n| n.get(locale).to_owned()).unwrap_or_default();
            let time = p.starts_at.map(|t| crate::format::format_datetime(t, locale)).unwrap_or_default();
            let reference = p.reference.clone().unwrap_or_default();
            let title = match kind {
                MessageKind::AppointmentBooked => td_string!(locale, messages.appointment_booked_title),
                MessageKind::AppointmentMoved => td_string!(locale, messages.appointment_moved_title),
                MessageKind::AppointmentCancelled => td_string!(locale, messages.appointment_cancelled_title),
                MessageKind::AppointmentClosed => td_string!(locale, messages.appointment_closed_title),
                MessageKind::VisitRating => td_string!(locale, messages.visit_rating_title),
                _ => td_string!(locale, messages.appointment_reminder_title),
            };
            let body = if kind == MessageKind::VisitRating {
                td_string!(
                    locale,
                    messages.visit_rating_body,
                    service = service,
                    branch = branch,
                    time = time,
                    reference = reference
                )
                .to_string()
            } else if kind == MessageKind::AppointmentClosed {
                td_string!(
                    locale,
                    messages.appointment_closed_body,
                    service = service,
                    branch = branch,
                    time = time,
                    reference = reference
                )
                .to_string()
            } else if kind == MessageKind::AppointmentCancelled {
                td_string!(
                    locale,
                    messages.appointment_cancelled_body,
                    service = service,
                    branch = branch,
                    time = time,
                    reference = reference
                )
                .to_string()
            } else {
                td_string!(
                    locale,
                    messages.appointment_body,
                    service = service,
                    branch = branch,
                    time = time,
                    reference = reference
                )
                .to_string()
            };
            (title.to_string(), body)
        }
        MessageKind::ComplaintReceived | MessageKind::ComplaintMerged => {
            let reference = p.reference.clone().unwrap_or_default();
            if kind == MessageKind::ComplaintMerged {
                (
                    td_string!(locale, messages.complaint_merged_title).to_string(),
                    td_string!(locale, messages.complaint_merged_body, reference = reference).to_string(),
                )
            } else {
                (
                    td_string!(locale, messages.complaint_received_title).to_string(),
                    td_string!(locale, messages.complaint_received_body, reference = reference).to_string(),
                )
            }
        }
        MessageKind::ComplaintReply | MessageKind::ComplaintDecided | MessageKind::ComplaintExtended => {
            let reference = p.reference.clone().unwrap_or_default();
            let (title, body) = match kind {
                MessageKind::ComplaintReply => (
                    td_string!(locale, messages.complaint_reply_title),
                    td_string!(locale, messages.complaint_reply_body, reference = reference).to_string(),
                ),
                MessageKind::ComplaintDecided => (
                    td_string!(locale, messages.complaint_decided_title),
                    td_string!(locale, messages.complaint_decided_body, reference = reference).to_string(),
                ),
                _ => (
                    td_string!(locale, messages.complaint_extended_title),
                    td_string!(locale, messages.complaint_extended_body, reference = reference).to_string(),
                ),
            };
            (title.to_string(), body)
        }
        MessageKind::AssessmentReviewed | MessageKind::SubscriptionReviewed => {
            let reference = p.reference.clone().unwrap_or_default();
            let reason = p.reason.clone().unwrap_or_default();
            let body = match (kind, p.approved == Some(true)) {
                (MessageKind::AssessmentReviewed, true) => {
                    td_string!(locale, messages.assessment_approved_body, level = reference).to_string()
                }
                (MessageKind::AssessmentReviewed, false) => {
                    td_string!(locale, messages.assessment_refused_body, level = reference, reason = reason).to_string()
                }
                (_, true) => td_string!(locale, messages.subscription_approved_body, reference = reference).to_string(),
                (_, false) => {
                    td_string!(locale, messages.subscription_refused_body, reference = reference, reason = reason)
                        .to_string()
                }
            };
            (td_string!(locale, messages.wealth_reviewed_title).to_string(), body)
        }
        MessageKind::AssessmentExpiring => (
            td_string!(locale, messages.assessment_expiring_title).to_string(),
            td_string!(locale, messages.assessment_expiring_body, date = date).to_string(),
        ),
        MessageKind::Other => (td_string!(locale, messages.other_title).to_string(), String::new()),
    }
}

#[server(endpoint = "messages/list")]
pub async fn my_messages() -> Result<Vec<MessageItem>, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    service::inbox(&state.pool, customer_id, INBOX_SIZE).await.map_err(AppError::internal)
}

/// Unread messages of the signed-in customer, for the navigation; 0 for anyone else (the
/// header asks on every page, signed in or not).
#[server(endpoint = "messages/unread")]
pub async fn unread_messages() -> Result<u32, AppError> {
    let state = crate::guard::state()?;
    let Some(customer_id) = crate::guard::authenticated(&state).await?.and_then(|who| who.customer_id()) else {
        return Ok(0);
    };
    service::unread_count(&state.pool, customer_id).await.map_err(AppError::internal)
}

#[server(endpoint = "messages/read")]
pub async fn mark_message_read(message_id: i64) -> Result<(), AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    let now = state.now();
    match service::mark_read(&state.pool, customer_id, Some(message_id), now).await {
        Ok(0) => Err(AppError::NotFound),
        Ok(_) => {
            crate::form::back_saying("read");
            Ok(())
        }
        Err(e) => Err(AppError::internal(e)),
    }
}

#[server(endpoint = "messages/read-all")]
pub async fn mark_all_messages_read() -> Result<u64, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    let now = state.now();
    let marked = service::mark_read(&state.pool, customer_id, None, now).await.map_err(AppError::internal)?;
    crate::form::back_saying("all-read");
    Ok(marked)
}

/// The alert settings of one of the customer's own accounts; `NotFound` for anyone else's.
#[server(endpoint = "messages/account-alerts")]
pub async fn account_alerts(account_id: i64) -> Result<AlertSettings, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    service::alert_settings_of(&state.pool, customer_id, account_id)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)
}

/// Saves an account's alerts as typed (an empty threshold switches the balance alert off) and
/// runs the alert job for the account.
#[server(endpoint = "messages/account-alerts/save")]
pub async fn save_account_alerts(
    account_id: i64,
    low_balance: String,
    reminder_days: String,
) -> Result<AlertSettings, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    let account =
        crate::accounts::own_account(&state.pool, customer_id, account_id).await?.ok_or(AppError::NotFound)?;
    let settings =
        alerts::parse_alert_settings(&low_balance, &reminder_days, account.currency).map_err(|problems| {
            let field = match problems.first() {
                Some(alerts::AlertProblem::BadReminderDays) => "reminder_days",
                _ => "low_balance",
            };
            AppError::Invalid { field: field.into(), problem: "invalid".into() }
        })?;
    let now = state.now();
    service::save_alert_settings(&state.pool, account_id, &settings, now).await.map_err(AppError::internal)?;
    // A level set above what the account holds now is said at once, not at the job's next run.
    service::run_alerts(&state.pool, &state.gateway, now, Some(account_id)).await.map_err(AppError::internal)?;
    Ok(settings)
}

#[server(endpoint = "messages/preferences")]
pub async fn message_preferences() -> Result<Preferences, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    service::preferences_of(&state.pool, customer_id).await.map_err(AppError::internal)
}

/// E-mail can only be chosen when the bank has an address for the customer.
#[server(endpoint = "messages/preferences/save")]
pub async fn save_message_preferences(
    #[server(default)] sms: bool,
    #[server(default)] email: bool,
) -> Result<Preferences, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer_in_person("message_channels").await?;
    let current = service::preferences_of(&state.pool, customer_id).await.map_err(AppError::internal)?;
    if email && !current.has_email {
        return Err(AppError::Invalid { field: "email".into(), problem: "no_address".into() });
    }
    let now = state.now();
    let wanted = Preferences { sms, email, has_email: current.has_email };
    service::save_preferences(&state.pool, customer_id, &wanted, now).await.map_err(AppError::internal)?;
    crate::form::back_saying("channels-saved");
    Ok(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_unknown_ones_are_other() {
        for kind in [MessageKind::LowBalance, MessageKind::CardDue, MessageKind::LoanDue] {
            assert_eq!(MessageKind::parse(kind.as_str()), kind);
        }
        assert_eq!(MessageKind::parse("from_the_future"), MessageKind::Other);
    }

    #[test]
    fn messages_read_in_both_languages_with_their_figures() {
        let params = MessageParams {
            account: Some("活期储蓄 6222 **** **** 0001".into()),
            currency: Some(Currency::CNY),
            amount_minor: Some(12_345),
            threshold_minor: Some(100_000),
            ..MessageParams::default()
        };
        let (title, body) = message_text(MessageKind::LowBalance, &params, Locale::zh_CN);
        assert!(!title.is_empty());
        assert!(body.contains("¥123.45") && body.contains("¥1,000.00") && body.contains("0001"), "{body}");
        let (title_en, body_en) = message_text(MessageKind::LowBalance, &params, Locale::en);
        assert_ne!(title, title_en);
        assert!(body_en.contains("¥123.45"), "{body_en}");
        let due = MessageParams { date: NaiveDate::from_ymd_opt(2026, 12, 5), ..params };
        let (_, body) = message_text(MessageKind::CardDue, &due, Locale::en);
        assert!(body.contains("5 Dec 2026"), "{body}");
    }
}
