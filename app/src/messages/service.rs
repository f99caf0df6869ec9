//! The messages SQL: the inbox (always scoped to the signed-in customer), alert settings and
//! preferences, posting a message (stored, then sent as the customer wishes), and the alert
//! job that `server alerts` and the server's timer run.

use super::alerts::{AlertSettings, BalanceAlert, balance_alert, due_reminder};
use super::{MessageItem, MessageKind, MessageParams, Preferences, message_text};
use crate::accounts::{AccountSummary, china_today};
use crate::notify::{Channel, Gateway, Message};
use sqlx::AnyPool;
use std::collections::HashMap;

type InboxRow = (i64, String, String, Option<i64>, i64, Option<i64>);

pub async fn inbox(pool: &AnyPool, customer_id: i64, limit: i64) -> Result<Vec<MessageItem>, sqlx::Error> {
    let rows: Vec<InboxRow> = sqlx::query_as(
        "SELECT id, kind, params, account_id, created_at, read_at FROM notifications \
         WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(customer_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, params, account_id, created_at, read_at)| MessageItem {
            id,
            kind: MessageKind::parse(&kind),
            params: serde_json::from_str(&params).unwrap_or_default(),
            account_id,
            created_at,
            read: read_at.is_some(),
        })
        .collect())
}

/// A customer's unread messages, to follow with the customer's id: `{UNREAD_OF} = $1` (here), or
/// `{UNREAD_OF} = c.id` in a query about the customer (the header's, `auth::service`).
pub const UNREAD_OF: &str = "FROM notifications n WHERE n.read_at IS NULL AND n.customer_id";

pub async fn unread_count(pool: &AnyPool, customer_id: i64) -> Result<u32, sqlx::Error> {
    let n: i64 =
        sqlx::query_scalar(&format!("SELECT COUNT(*) {UNREAD_OF} = $1")).bind(customer_id).fetch_one(pool).await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Marks one message (`Some(id)`) or all of the customer's messages read. Answers how many of
/// the customer's messages matched: 0 for a message that is not theirs.
pub async fn mark_read(pool: &AnyPool, customer_id: i64, id: Option<i64>, now: i64) -> Result<u64, sqlx::Error> {
    let done = match id {
        Some(id) => {
            sqlx::query("UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE customer_id = $2 AND id = $3")
                .bind(now)
                .bind(customer_id)
                .bind(id)
                .execute(pool)
                .await?
        }
        None => {
            sqlx::query("UPDATE notifications SET read_at = $1 WHERE customer_id = $2 AND read_at IS NULL")
                .bind(now)
                .bind(customer_id)
                .execute(pool)
                .await?
        }
    };
    Ok(done.rows_affected())
}

fn settings_from(low_balance_minor: Option<i64>, due_reminder_days: Option<i64>) -> AlertSettings {
    let defaults = AlertSettings::default();
    AlertSettings {
        low_balance_minor,
        due_reminder_days: due_reminder_days.and_then(|d| u32::try_from(d).ok()).unwrap_or(defaults.due_reminder_days),
    }
}

/// The alert settings of the customer's own account; `None` for anyone else's.
pub async fn alert_settings_of(
    pool: &AnyPool,
    customer_id: i64,
    account_id: i64,
) -> Result<Option<AlertSettings>, sqlx::Error> {
    let row: Option<(Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT al.low_balance_minor, al.due_reminder_days FROM accounts a \
         LEFT JOIN account_alerts al ON al.account_id = a.id WHERE a.id = $1 AND a.customer_id = $2",
    )
    .bind(account_id)
    .bind(customer_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(low, days)| settings_from(low, days)))
}

/// Saves an account's settings (the caller checked the account is the customer's). A changed
/// threshold re-arms the balance alert.
pub async fn save_alert_settings(
    pool: &AnyPool,
    account_id: i64,
    settings: &AlertSettings,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO account_alerts (account_id, low_balance_minor, due_reminder_days, low_balance_alerted_at, updated_at) \
         VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (account_id) DO UPDATE SET \
         low_balance_minor = excluded.low_balance_minor, due_reminder_days = excluded.due_reminder_days, \
         low_balance_alerted_at = NULL, updated_at = excluded.updated_at",
    )
    .bind(account_id)
    .bind(settings.low_balance_minor)
    .bind(i64::from(settings.due_reminder_days))
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Where and how a customer is reached.
struct Contact {
    mobile: String,
    email: Option<String>,
    locale: crate::i18n::Locale,
    preferences: Preferences,
}

async fn contact_of(pool: &AnyPool, customer_id: i64) -> Result<Contact, sqlx::Error> {
    let (mobile, email, locale, sms, by_email): (String, Option<String>, String, Option<i64>, Option<i64>) =
        sqlx::query_as(
            "SELECT c.mobile, c.email, c.preferred_locale, p.sms, p.email FROM customers c \
             LEFT JOIN message_preferences p ON p.customer_id = c.id WHERE c.id = $1",
        )
        .bind(customer_id)
        .fetch_one(pool)
        .await?;
    let email = email.filter(|e| !e.trim().is_empty());
    Ok(Contact {
        preferences: Preferences {
            // Without a choice: SMS, the channel every customer has.
            sms: sms.is_none_or(|v| v != 0),
            email: by_email.is_some_and(|v| v != 0) && email.is_some(),
            has_email: email.is_some(),
        },
        mobile,
        email,
        locale: crate::shell::parse_locale(&locale).unwrap_or(crate::i18n::Locale::zh_CN),
    })
}

pub async fn preferences_of(pool: &AnyPool, customer_id: i64) -> Result<Preferences, sqlx::Error> {
    Ok(contact_of(pool, customer_id).await?.preferences)
}

pub async fn save_preferences(
    pool: &AnyPool,
    customer_id: i64,
    preferences: &Preferences,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO message_preferences (customer_id, sms, email, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (customer_id) DO UPDATE SET sms = excluded.sms, email = excluded.email, updated_at = excluded.updated_at",
    )
    .bind(customer_id)
    .bind(i64::from(preferences.sms))
    .bind(i64::from(preferences.email))
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// A message to post: what it is about, and what makes it unique (`dedupe_key`: posting the
/// same key again does nothing).
pub struct NewMessage<'a> {
    pub customer_id: i64,
    pub kind: MessageKind,
    pub params: MessageParams,
    pub account_id: Option<i64>,
    pub dedupe_key: Option<&'a str>,
}

/// Stores the message in the customer's inbox and sends it by SMS and/or e-mail as they chose,
/// in their language. `false` when a message with the same key was posted before (nothing is
/// stored or sent again). A gateway failure is logged: the message stays in the inbox.
pub async fn post(pool: &AnyPool, gateway: &Gateway, message: NewMessage<'_>, now: i64) -> Result<bool, sqlx::Error> {
    let contact = contact_of(pool, message.customer_id).await?;
    let (title, body) = message_text(message.kind, &message.params, contact.locale);
    let params = serde_json::to_string(&message.params).unwrap_or_else(|_| "{}".to_owned());
    let stored = sqlx::query(
        "INSERT INTO notifications (customer_id, kind, title, body, created_at, params, account_id, dedupe_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(message.customer_id)
    .bind(message.kind.as_str())
    .bind(&title)
    .bind(&body)
    .bind(now)
    .bind(params)
    .bind(message.account_id)
    .bind(message.dedupe_key)
    .execute(pool)
    .await?;
    if stored.rows_affected() == 0 {
        return Ok(false);
    }
    let mut routes = Vec::new();
    if contact.preferences.sms {
        routes.push((Channel::Sms, contact.mobile.clone()));
    }
    if let Some(address) = contact.email.clone().filter(|_| contact.preferences.email) {
        routes.push((Channel::Email, address));
    }
    for (channel, to) in routes {
        let outgoing = Message {
            channel,
            to,
            kind: format!("message_{}", message.kind.as_str()),
            body: format!("{title}: {body}"),
            sent_at: now,
        };
        if let Err(error) = gateway.send(&outgoing) {
            tracing::warn!(%error, customer_id = message.customer_id, kind = message.kind.as_str(), "a message could not be sent; it stays in the inbox");
        }
    }
    Ok(true)
}

/// What one run of the alert job did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AlertRun {
    pub balance_alerts: u32,
    pub due_reminders: u32,
}

fn account_label(account: &AccountSummary) -> String {
    format!("{} {}", account.product_name, account.masked_number)
}

/// Looks at every account that can alert (or only `account_id`) and posts what is due at
/// `now`: a balance alert once per fall below the threshold, and card and loan reminders once
/// per due date. Running it again posts nothing new, and several server instances may run it
/// at once: the database decides who posts.
pub async fn run_alerts(
    pool: &AnyPool,
    gateway: &Gateway,
    now: i64,
    account_id: Option<i64>,
) -> Result<AlertRun, sqlx::Error> {
    let today = china_today(now);
    let accounts = crate::accounts::service::alertable_accounts(pool, account_id).await?;
    let rows: Vec<(i64, Option<i64>, i64, Option<i64>)> = sqlx::query_as(
        "SELECT account_id, low_balance_minor, due_reminder_days, low_balance_alerted_at FROM account_alerts \
         WHERE $1 = 0 OR account_id = $1",
    )
    .bind(account_id.unwrap_or(0))
    .fetch_all(pool)
    .await?;
    let saved: HashMap<i64, (AlertSettings, bool)> = rows
        .into_iter()
        .map(|(id, low, days, alerted)| (id, (settings_from(low, Some(days)), alerted.is_some())))
        .collect();

    let mut run = AlertRun::default();
    for (customer_id, account) in accounts {
        let (settings, alerted) = saved.get(&account.id).copied().unwrap_or_default();
        let params = MessageParams {
            account: Some(account_label(&account)),
            currency: Some(account.currency),
            ..MessageParams::default()
        };
        match balance_alert(account.available_minor, settings.low_balance_minor, alerted) {
            BalanceAlert::Send => {
                // Only the instance that flips the flag posts.
                let claimed = sqlx::query(
                    "UPDATE account_alerts SET low_balance_alerted_at = $1 WHERE account_id = $2 AND low_balance_alerted_at IS NULL",
                )
                .bind(now)
                .bind(account.id)
                .execute(pool)
                .await?;
                if claimed.rows_affected() == 1 {
                    let key = format!("low_balance:{}:{now}", account.id);
                    let message = NewMessage {
                        customer_id,
                        kind: MessageKind::LowBalance,
                        params: MessageParams {
                            amount_minor: Some(account.available_minor),
                            threshold_minor: settings.low_balance_minor,
                            ..params.clone()
                        },
                        account_id: Some(account.id),
                        dedupe_key: Some(&key),
                    };
                    if post(pool, gateway, message, now).await? {
                        run.balance_alerts += 1;
                    }
                }
            }
            BalanceAlert::Rearm => {
                sqlx::query("UPDATE account_alerts SET low_balance_alerted_at = NULL WHERE account_id = $1")
                    .bind(account.id)
                    .execute(pool)
                    .await?;
            }
            BalanceAlert::Nothing => {}
        }
        if let Some(reminder) = due_reminder(&account, &settings, today) {
            let message = NewMessage {
                customer_id,
                kind: reminder.kind,
                params: MessageParams { amount_minor: Some(reminder.amount_minor), date: Some(reminder.due), ..params },
                account_id: Some(account.id),
                dedupe_key: Some(&reminder.dedupe_key),
            };
            if post(pool, gateway, message, now).await? {
                run.due_reminders += 1;
            }
        }
    }
    Ok(run)
}
