//! Balances and transactions: every account, the consolidated view, history and export.

use crate::i18n::*;
use crate::layout::AreaPage;
use leptos::prelude::*;

#[component]
pub fn AccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AreaPage
            title=Signal::derive(move || t_string!(i18n, nav.accounts).to_string())
            lead=Signal::derive(move || t_string!(i18n, area.accounts_lead).to_string())
        />
    }
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
}
