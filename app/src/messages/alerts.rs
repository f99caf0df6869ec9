//! The alert rules as pure functions: when an account's balance alert fires (once per fall
//! below the threshold), and which card and loan due dates are close enough to remind of.

use crate::accounts::rules::{loan_terms, minimum_payment, next_due};
use crate::accounts::{AccountKind, AccountStatus, AccountSummary};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Days before a card or loan due date the reminder goes out, unless the customer chose otherwise.
pub const DEFAULT_REMINDER_DAYS: u32 = 3;
pub const MAX_REMINDER_DAYS: u32 = 30;

/// One account's alert settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertSettings {
    /// Alert when the available balance falls below this (minor units); `None`: no alert.
    pub low_balance_minor: Option<i64>,
    /// Remind this many days before a card or loan due date (0: on the day).
    pub due_reminder_days: u32,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings { low_balance_minor: None, due_reminder_days: DEFAULT_REMINDER_DAYS }
    }
}

/// What is wrong with alert settings typed by a customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlertProblem {
    /// Not an amount in the account's currency, or not above zero.
    BadThreshold,
    /// Not a whole number of days from 0 to 30.
    BadReminderDays,
}

/// Reads the form: an empty threshold switches the balance alert off.
pub fn parse_alert_settings(
    low_balance: &str,
    reminder_days: &str,
    currency: crate::money::Currency,
) -> Result<AlertSettings, Vec<AlertProblem>> {
    let mut problems = Vec::new();
    let low_balance_minor = match low_balance.trim() {
        "" => None,
        text => match crate::money::Money::parse(text, currency) {
            Ok(m) if m.minor > 0 => Some(m.minor),
            _ => {
                problems.push(AlertProblem::BadThreshold);
                None
            }
        },
    };
    let due_reminder_days = match reminder_days.trim() {
        "" => DEFAULT_REMINDER_DAYS,
        text => match text.parse::<u32>() {
            Ok(d) if d <= MAX_REMINDER_DAYS => d,
            _ => {
                problems.push(AlertProblem::BadReminderDays);
                DEFAULT_REMINDER_DAYS
            }
        },
    };
    if problems.is_empty() { Ok(AlertSettings { low_balance_minor, due_reminder_days }) } else { Err(problems) }
}

/// What the alert job does about an account's balance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BalanceAlert {
    /// The balance is below the threshold and no alert went out for this fall: send one.
    Send,
    /// Back at or above the threshold after an alert: the next fall alerts again.
    Rearm,
    Nothing,
}

/// One alert per fall below the threshold: `alerted` says whether one already went out.
pub fn balance_alert(available_minor: i64, threshold_minor: Option<i64>, alerted: bool) -> BalanceAlert {
    match threshold_minor {
        Some(t) if available_minor < t && !alerted => BalanceAlert::Send,
        Some(t) if available_minor < t => BalanceAlert::Nothing,
        _ if alerted => BalanceAlert::Rearm,
        _ => BalanceAlert::Nothing,
    }
}

/// A card payment or loan instalment to remind the customer of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueReminder {
    pub kind: super::MessageKind,
    pub due: NaiveDate,
    /// The minimum card payment, or the loan instalment (minor units).
    pub amount_minor: i64,
    /// One reminder per account and due date, however often the job runs.
    pub dedupe_key: String,
}

/// The reminder due `today` for a card or loan, if its next due date is at most the chosen
/// number of days away and something is owed. Closed accounts get none.
pub fn due_reminder(account: &AccountSummary, settings: &AlertSettings, today: NaiveDate) -> Option<DueReminder> {
    if account.status == AccountStatus::Closed || account.ledger_minor >= 0 {
        return None;
    }
    let due = next_due(today, account.due_day?)?;
    if (due - today).num_days() > i64::from(settings.due_reminder_days) {
        return None;
    }
    let (kind, amount_minor, name) = match account.kind {
        AccountKind::CreditCard => (super::MessageKind::CardDue, minimum_payment(-account.ledger_minor), "card_due"),
        AccountKind::Loan => (super::MessageKind::LoanDue, loan_terms(account)?.instalment(), "loan_due"),
        _ => return None,
    };
    Some(DueReminder { kind, due, amount_minor, dedupe_key: format!("{name}:{}:{due}", account.id) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn card(owed: i64, due_day: u32) -> AccountSummary {
        AccountSummary {
            id: 7,
            kind: AccountKind::CreditCard,
            product_name: "Card".into(),
            masked_number: "6225 **** **** 0001".into(),
            currency: Currency::CNY,
            ledger_minor: -owed,
            available_minor: 5_000_000 - owed,
            limit_minor: Some(5_000_000),
            rate_bp: None,
            opened_on: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            matures_on: None,
            due_day: Some(due_day),
            status: AccountStatus::Active,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn a_fall_below_the_threshold_alerts_once_until_the_balance_recovers() {
        assert_eq!(balance_alert(900, Some(1000), false), BalanceAlert::Send);
        assert_eq!(balance_alert(800, Some(1000), true), BalanceAlert::Nothing, "no second alert for the same fall");
        assert_eq!(balance_alert(1000, Some(1000), true), BalanceAlert::Rearm, "at the threshold is not below it");
        assert_eq!(balance_alert(1000, Some(1000), false), BalanceAlert::Nothing);
        assert_eq!(balance_alert(5, None, false), BalanceAlert::Nothing, "no threshold, no alert");
        assert_eq!(balance_alert(5, None, true), BalanceAlert::Rearm, "switching off re-arms");
    }

    #[test]
    fn card_reminders_come_the_chosen_number_of_days_before_the_due_date() {
        let settings = AlertSettings::default();
        let reminder = due_reminder(&card(300_000, 25), &settings, day(22)).unwrap();
        assert_eq!(reminder.due, day(25));
        assert_eq!(reminder.amount_minor, 30_000, "10% of 3,000 yuan");
        assert_eq!(reminder.dedupe_key, "card_due:7:2026-11-25");
        assert!(due_reminder(&card(300_000, 25), &settings, day(21)).is_none(), "4 days ahead is too early");
        assert!(due_reminder(&card(300_000, 25), &settings, day(25)).is_some(), "on the day itself");
        let same_day_only = AlertSettings { due_reminder_days: 0, ..settings };
        assert!(due_reminder(&card(300_000, 25), &same_day_only, day(24)).is_none());
        assert!(due_reminder(&card(0, 25), &settings, day(24)).is_none(), "nothing owed, nothing to remind");
        let mut closed = card(300_000, 25);
        closed.status = AccountStatus::Closed;
        assert!(due_reminder(&closed, &settings, day(24)).is_none());
    }

    #[test]
    fn reminders_cross_the_month_end() {
        let reminder = due_reminder(&card(300_000, 1), &AlertSettings::default(), day(29)).unwrap();
        assert_eq!(reminder.due, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
    }

    #[test]
    fn loans_are_reminded_of_their_instalment() {
        let mut loan = card(10_000_000, 10);
        loan.kind = AccountKind::Loan;
        loan.limit_minor = Some(12_000_000);
        loan.rate_bp = Some(420);
        loan.opened_on = NaiveDate::from_ymd_opt(2024, 1, 10).unwrap();
        loan.matures_on = Some(NaiveDate::from_ymd_opt(2034, 1, 10).unwrap());
        let reminder = due_reminder(&loan, &AlertSettings::default(), day(8)).unwrap();
        assert_eq!(reminder.kind, crate::messages::MessageKind::LoanDue);
        assert_eq!(reminder.amount_minor, loan_terms(&loan).unwrap().instalment());
        assert!(reminder.dedupe_key.starts_with("loan_due:7:"));
    }

    #[test]
    fn the_form_names_each_bad_field_and_an_empty_threshold_means_off() {
        let cny = Currency::CNY;
        assert_eq!(
            parse_alert_settings("500", "5", cny),
            Ok(AlertSettings { low_balance_minor: Some(50_000), due_reminder_days: 5 })
        );
        assert_eq!(parse_alert_settings("", "", cny), Ok(AlertSettings::default()));
        assert_eq!(
            parse_alert_settings("abc", "31", cny),
            Err(vec![AlertProblem::BadThreshold, AlertProblem::BadReminderDays])
        );
        assert_eq!(parse_alert_settings("0", "3", cny), Err(vec![AlertProblem::BadThreshold]));
        assert_eq!(parse_alert_settings("-5", "3", cny), Err(vec![AlertProblem::BadThreshold]));
        assert_eq!(parse_alert_settings("10.001", "3", cny), Err(vec![AlertProblem::BadThreshold]));
        assert_eq!(parse_alert_settings("10", "2.5", cny), Err(vec![AlertProblem::BadReminderDays]));
    }
}
