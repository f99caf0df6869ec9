//! CSV export of a filtered history: UTF-8 with a byte-order mark (so spreadsheet programs read
//! Chinese right), a header row in the reader's language, amounts as plain numbers, and every
//! text field escaped (RFC 4180) and kept from being read as a formula.

use super::TxRow;
use crate::i18n::Locale;
use crate::money::{Currency, Money};
use leptos_i18n::td_string;

/// At most this many rows go into one file; a longer history needs a shorter period.
pub const MAX_ROWS: usize = 100_000;

/// One CSV field: quoted when it holds a comma, quote or line break (quotes doubled); text that
/// a spreadsheet would run as a formula (= + - @ or a tab at the start) is prefixed with '.
pub fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

/// The whole file for `rows` of an account in `currency`.
pub fn csv(rows: &[TxRow], currency: Currency, locale: Locale) -> String {
    let header = [
        td_string!(locale, export.col_time).to_string(),
        td_string!(locale, export.col_description).to_string(),
        td_string!(locale, export.col_counterparty).to_string(),
        td_string!(locale, export.col_category).to_string(),
        td_string!(locale, export.col_currency).to_string(),
        td_string!(locale, export.col_amount).to_string(),
        td_string!(locale, export.col_balance).to_string(),
    ];
    let mut out = String::from("\u{feff}");
    out.push_str(&header.iter().map(|h| field(h)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    let plain = |minor: i64| {
        let money = Money::new(minor, currency);
        if minor < 0 { format!("-{}", money.plain_abs()) } else { money.plain_abs() }
    };
    for row in rows {
        let time = chrono::DateTime::from_timestamp(row.booked_at + 8 * 3600, 0)
            .map(|d| d.naive_utc().format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let line = [
            time,
            field(&row.description),
            field(&row.counterparty),
            field(&super::detail::category_name(&row.category, locale)),
            currency.code().to_owned(),
            plain(row.amount_minor),
            plain(row.balance_after_minor),
        ];
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The file for the signed-in customer's account under the URL's filter: its name and body, and
/// the cookies a renewed session sets. `NotFound` for anyone else's account.
#[cfg(feature = "ssr")]
pub async fn export(
    state: &crate::state::AppState,
    parts: &http::request::Parts,
    account_id: i64,
    query: super::filter::FilterQuery,
    locale: Locale,
) -> Result<(String, String, Vec<http::HeaderValue>), crate::error::AppError> {
    use crate::error::AppError;
    let (who, cookies) = crate::guard::session_of(state, parts).await?;
    let who = who.ok_or(AppError::Unauthenticated)?;
    let customer_id = who.customer_id().ok_or(AppError::Forbidden)?;
    let today = super::china_today(state.now());
    let filter = query
        .check(today)
        .map_err(|problems| AppError::Invalid { field: "filter".into(), problem: format!("{problems:?}") })?;
    let account = super::service::account_of(&state.pool, customer_id, account_id)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    let mut rows = Vec::new();
    let mut after = None;
    loop {
        let page = super::service::history(&state.pool, &state.signing_key, account_id, &filter, after, 5_000)
            .await
            .map_err(AppError::internal)?;
        rows.extend(page.rows);
        after = page.next.and_then(|c| super::service::decode_cursor(&state.signing_key, account_id, &c));
        if after.is_none() || rows.len() >= MAX_ROWS {
            break;
        }
    }
    rows.truncate(MAX_ROWS);
    let tail: String = account.masked_number.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    let name = format!("transactions-{tail}-{}-{}.csv", filter.from, filter.to);
    Ok((name, csv(&rows, account.currency, locale), cookies))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(description: &str, counterparty: &str, amount: i64) -> TxRow {
        TxRow {
            id: 1,
            booked_at: 1_795_305_600,
            description: description.into(),
            counterparty: counterparty.into(),
            category: "dining".into(),
            amount_minor: amount,
            balance_after_minor: 123_456,
        }
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_escaped() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn text_that_looks_like_a_formula_is_not_run() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+86 138"), "'+86 138");
        assert_eq!(field("@SUM"), "'@SUM");
    }

    #[test]
    fn the_file_has_a_bom_a_header_in_the_language_and_plain_amounts() {
        let text = csv(&[row("餐饮消费, 晚饭", "老盛昌", -2_550)], Currency::CNY, Locale::zh_CN);
        assert!(text.starts_with("\u{feff}时间,"));
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[1], "2026-11-22 08:00,\"餐饮消费, 晚饭\",老盛昌,餐饮,CNY,-25.50,1234.56");
        let en = csv(&[], Currency::USD, Locale::en);
        assert!(en.starts_with("\u{feff}Time,Description,"));
    }
}
