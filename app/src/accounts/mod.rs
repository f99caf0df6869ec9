//! Balances and transactions: every account of the customer, the consolidated view, one
//! account's details and its history with filters.
//!
//! `rules` and `filter` are the pure rules; `service` the SQL (always scoped to the signed-in
//! customer); `overview` and `detail` the pages. The server functions below stay thin.

pub mod charts;
pub mod detail;
#[cfg(feature = "ssr")]
pub mod export;
pub mod filter;
pub mod overview;
pub mod report;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
pub mod statement;

use crate::error::AppError;
use crate::money::Currency;
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use overview::AccountsPage;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Demand,
    TimeDeposit,
    CreditCard,
    Loan,
    Wealth,
}

impl AccountKind {
    /// In the order the overview groups them.
    pub const ALL: [AccountKind; 5] = [
        AccountKind::Demand,
        AccountKind::TimeDeposit,
        AccountKind::CreditCard,
        AccountKind::Loan,
        AccountKind::Wealth,
    ];

    pub fn parse(name: &str) -> Option<AccountKind> {
        Some(match name {
            "demand" => AccountKind::Demand,
            "time_deposit" => AccountKind::TimeDeposit,
            "credit_card" => AccountKind::CreditCard,
            "loan" => AccountKind::Loan,
            "wealth" => AccountKind::Wealth,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Frozen,
    Closed,
    Dormant,
}

impl AccountStatus {
    pub fn parse(name: &str) -> Option<AccountStatus> {
        Some(match name {
            "active" => AccountStatus::Active,
            "frozen" => AccountStatus::Frozen,
            "closed" => AccountStatus::Closed,
            "dormant" => AccountStatus::Dormant,
            _ => return None,
        })
    }
}

/// One account as the customer's lists show it. Only the masked number ever leaves the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: i64,
    pub kind: AccountKind,
    pub product_name: String,
    pub masked_number: String,
    pub currency: Currency,
    /// Cards and loans run negative while something is owed.
    pub ledger_minor: i64,
    pub available_minor: i64,
    /// Cards: the credit limit; loans: the original principal.
    pub limit_minor: Option<i64>,
    /// Annual rate in basis points.
    pub rate_bp: Option<i64>,
    pub opened_on: NaiveDate,
    pub matures_on: Option<NaiveDate>,
    pub due_day: Option<u32>,
    pub status: AccountStatus,
}

/// The signed-in home: every account, the totals per currency, and what is coming up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub accounts: Vec<AccountSummary>,
    pub totals: Vec<rules::CurrencyTotals>,
    pub upcoming: Vec<rules::Upcoming>,
    /// When the figures were read (unix seconds).
    pub as_of: i64,
}

/// One transaction in a history list. Amounts are in the account's currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxRow {
    pub id: i64,
    pub booked_at: i64,
    pub description: String,
    pub counterparty: String,
    pub category: String,
    pub amount_minor: i64,
    pub balance_after_minor: i64,
}

/// A page of history, newest first, and the cursor to the next (older) page if there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub rows: Vec<TxRow>,
    pub next: Option<String>,
}

/// Transactions per page of history.
pub const PAGE_SIZE: i64 = 50;

/// Today in China (UTC+8), where the bank's dates are.
pub fn china_today(unix_secs: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp(unix_secs + 8 * 3600, 0).map(|d| d.date_naive()).unwrap_or_default()
}

/// The customer's own accounts that a server-rendered page has read: its parts (the summary, the
/// history, the charts) each check that the account is the customer's, and this makes that one
/// query per page. `shell::App` provides one for each render; a server function called on its
/// own (from the browser) reads the database.
#[cfg(feature = "ssr")]
#[derive(Clone, Default)]
pub struct AccountsRead(std::sync::Arc<std::sync::Mutex<std::collections::HashMap<(i64, i64), AccountCell>>>);

#[cfg(feature = "ssr")]
type AccountCell = std::sync::Arc<tokio::sync::OnceCell<Option<AccountSummary>>>;

/// One of the customer's own accounts, or none (another customer's, or no such account).
#[cfg(feature = "ssr")]
pub async fn own_account(
    pool: &sqlx::AnyPool,
    customer_id: i64,
    account_id: i64,
) -> Result<Option<AccountSummary>, AppError> {
    let read = || service::account_of(pool, customer_id, account_id);
    let Some(page) = use_context::<AccountsRead>() else { return read().await.map_err(AppError::internal) };
    let cell = {
        let mut cells = page.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cells.entry((customer_id, account_id)).or_default().clone()
    };
    cell.get_or_try_init(read).await.cloned().map_err(AppError::internal)
}

#[server(endpoint = "accounts/overview")]
pub async fn accounts_overview() -> Result<Overview, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    let now = state.now();
    let accounts = service::accounts_of(&state.pool, customer_id).await.map_err(AppError::internal)?;
    Ok(Overview {
        totals: rules::consolidate(&accounts),
        upcoming: rules::upcoming(&accounts, china_today(now), 30),
        accounts,
        as_of: now,
    })
}

/// One of the customer's own accounts; anyone else's answers `NotFound`.
#[server(endpoint = "accounts/account")]
pub async fn account(account_id: i64) -> Result<AccountSummary, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    own_account(&state.pool, customer_id, account_id).await?.ok_or(AppError::NotFound)
}

/// A page of the account's history under `filter`, after `cursor` (from the previous page).
/// JSON in: the filter is a nested, mostly empty structure that a form encoding would drop.
#[server(endpoint = "accounts/history", input = leptos::server_fn::codec::Json)]
pub async fn account_history(
    account_id: i64,
    filter: filter::FilterQuery,
    cursor: Option<String>,
) -> Result<HistoryPage, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    let today = china_today(state.now());
    let filter = filter
        .check(today)
        .map_err(|problems| AppError::Invalid { field: "filter".into(), problem: format!("{problems:?}") })?;
    let after = match cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(text) => Some(
            service::decode_cursor(&state.signing_key, account_id, text)
                .ok_or_else(|| AppError::Invalid { field: "cursor".into(), problem: "tampered".into() })?,
        ),
        None => None,
    };
    if own_account(&state.pool, customer_id, account_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    service::history(&state.pool, &state.signing_key, account_id, &filter, after, PAGE_SIZE)
        .await
        .map_err(AppError::internal)
}

/// "Show full number", step one: a fresh code to the customer's phone (their own account only).
#[server(endpoint = "accounts/reveal/start")]
pub async fn start_reveal_number(account_id: i64) -> Result<crate::auth::Challenge, AppError> {
    use crate::auth::server;
    let (state, who, customer_id) = crate::guard::require_customer_in_person("reveal_number").await?;
    if own_account(&state.pool, customer_id, account_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let now = state.now();
    let purpose = crate::auth::service::Purpose::RevealNumber;
    server::refused_or_internal(
        crate::auth::service::start_confirmation(&server::deps(&state), &who, purpose, &crate::audit::client(), now)
            .await,
    )
}

/// Step two: the code. Answers the full number in groups of four, and records that it was shown.
#[server(endpoint = "accounts/reveal/finish")]
pub async fn reveal_number(account_id: i64, challenge_id: String, code: String) -> Result<String, AppError> {
    use crate::auth::server;
    let (state, who, customer_id) = crate::guard::require_customer_in_person("reveal_number").await?;
    let now = state.now();
    let (deps, client) = (server::deps(&state), crate::audit::client());
    let purpose = crate::auth::service::Purpose::RevealNumber;
    server::refused_or_internal(
        crate::auth::service::confirm(&deps, &who, &challenge_id, purpose, &code, &client, now).await,
    )?;
    let number = service::full_number_of(&state.pool, customer_id, account_id)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    let detail = serde_json::json!({ "account_id": account_id }).to_string();
    crate::audit::record(&state.pool, &who, "account_number_revealed", now, &detail)
        .await
        .map_err(AppError::internal)?;
    Ok(group_digits(&number))
}

/// "6222021234567890123" → "6222 0212 3456 7890 123".
pub fn group_digits(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(|c| !c.is_whitespace()).collect();
    digits.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// "6222 **** **** 1234": the first four and the last four digits, the rest hidden. Numbers too
/// short to hide anything are hidden whole.
pub fn mask_account_number(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() < 12 {
        return "*".repeat(digits.len().max(8));
    }
    let head: String = digits[..4].iter().collect();
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("{head} **** **** {tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_the_first_and_last_four_digits() {
        assert_eq!(mask_account_number("6222021234567890123"), "6222 **** **** 0123");
        assert_eq!(mask_account_number("6222 0212 3456 7890"), "6222 **** **** 7890");
    }

    #[test]
    fn short_numbers_are_hidden_entirely() {
        assert_eq!(mask_account_number("12345678"), "********");
        assert!(!mask_account_number("1234567890").contains('1'));
    }

    #[test]
    fn full_numbers_read_in_groups_of_four() {
        assert_eq!(group_digits("6222021234567890123"), "6222 0212 3456 7890 123");
        assert_eq!(group_digits("6222 0212"), "6222 0212");
    }

    #[test]
    fn the_bank_day_is_china_time() {
        // 2026-11-22 17:00 UTC is already the 23rd in Shanghai.
        assert_eq!(china_today(1_795_366_800).to_string(), "2026-11-23");
    }
}
