//! Money and dates written the way each locale reads them. Pure functions, shared by the server
//! render and the browser, so both print the same characters (hydration depends on it).

use crate::i18n::Locale;
use crate::money::Money;
use chrono::{Datelike, NaiveDate};

fn symbol(code: &str, locale: Locale) -> Option<&'static str> {
    Some(match (code, locale) {
        ("CNY", _) => "¥",
        ("USD", Locale::zh_CN) => "US$",
        ("USD", Locale::en) => "$",
        ("EUR", _) => "€",
        ("GBP", _) => "£",
        ("HKD", _) => "HK$",
        ("JPY", Locale::zh_CN) => "JP¥",
        ("JPY", Locale::en) => "JP¥",
        _ => return None,
    })
}

/// Groups an unsigned integer's digits in threes: 1234567 → "1,234,567".
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "¥1,234.56", "-¥20.00", "US$5.00"; an unknown currency falls back to its code ("CHF 5.00").
/// The minus sign is U+2212 so that a screen reader says "minus", and colour is never the only cue.
pub fn format_money(money: Money, locale: Locale) -> String {
    let plain = money.plain_abs();
    let (whole, frac) = plain.split_once('.').map_or((plain.as_str(), None), |(w, f)| (w, Some(f)));
    let mut number = group_thousands(whole);
    if let Some(frac) = frac {
        number.push('.');
        number.push_str(frac);
    }
    let sign = if money.minor < 0 { "\u{2212}" } else { "" };
    match symbol(money.currency.code(), locale) {
        Some(sym) => format!("{sign}{sym}{number}"),
        None => format!("{sign}{} {number}", money.currency.code()),
    }
}

/// Like [`format_money`] but with an explicit "+" on credits: for transaction lists.
pub fn format_signed_money(money: Money, locale: Locale) -> String {
    let text = format_money(money, locale);
    if money.minor > 0 { format!("+{text}") } else { text }
}

const EN_MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// "2026年11月22日" / "22 Nov 2026".
pub fn format_date(date: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::zh_CN => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
        Locale::en => format!("{} {} {}", date.day(), EN_MONTHS[date.month0() as usize], date.year()),
    }
}

/// "2026年11月22日 14:30" / "22 Nov 2026 14:30": a moment (unix seconds) in China Standard Time,
/// where the bank and its branches are (UTC+8, no daylight saving).
pub fn format_datetime(unix_secs: i64, locale: Locale) -> String {
    let local = chrono::DateTime::from_timestamp(unix_secs + 8 * 3600, 0).map(|d| d.naive_utc()).unwrap_or_default();
    format!("{} {}", format_date(local.date(), locale), local.format("%H:%M"))
}

/// Items listed as a reader of `locale` lists them: "照片.png、收据.pdf" / "photo.png, receipt.pdf".
pub fn format_list<'a>(items: impl IntoIterator<Item = &'a str>, locale: Locale) -> String {
    let separator = match locale {
        Locale::zh_CN => "、",
        Locale::en => ", ",
    };
    items.into_iter().collect::<Vec<_>>().join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn cny(minor: i64) -> Money {
        Money::new(minor, Currency::CNY)
    }

    #[test]
    fn lists_use_the_readers_separator() {
        assert_eq!(format_list(["照片.png", "收据.pdf"], Locale::zh_CN), "照片.png、收据.pdf");
        assert_eq!(format_list(["photo.png", "receipt.pdf"], Locale::en), "photo.png, receipt.pdf");
        assert_eq!(format_list(["one"], Locale::en), "one");
        assert_eq!(format_list([], Locale::zh_CN), "");
    }

    #[test]
    fn yuan_amounts_are_grouped_with_two_decimals_in_both_locales() {
        for locale in [Locale::zh_CN, Locale::en] {
            assert_eq!(format_money(cny(123_456), locale), "¥1,234.56");
            assert_eq!(format_money(cny(0), locale), "¥0.00");
            assert_eq!(format_money(cny(5), locale), "¥0.05");
            assert_eq!(format_money(cny(10_000_000_000), locale), "¥100,000,000.00");
        }
    }

    #[test]
    fn negative_amounts_carry_a_real_minus_sign() {
        assert_eq!(format_money(cny(-2_000), Locale::en), "\u{2212}¥20.00");
        assert_eq!(format_signed_money(cny(2_000), Locale::en), "+¥20.00");
        assert_eq!(format_signed_money(cny(-2_000), Locale::en), "\u{2212}¥20.00");
        assert_eq!(format_signed_money(cny(0), Locale::en), "¥0.00");
    }

    #[test]
    fn foreign_currencies_use_their_symbol_or_code() {
        let usd = Money::new(500, Currency::USD);
        assert_eq!(format_money(usd, Locale::zh_CN), "US$5.00");
        assert_eq!(format_money(usd, Locale::en), "$5.00");
        let chf = Money::new(500, Currency::parse("CHF").unwrap());
        assert_eq!(format_money(chf, Locale::en), "CHF 5.00");
    }

    #[test]
    fn moments_are_shown_in_china_standard_time() {
        // 2026-11-22 06:30 UTC is 14:30 in Beijing.
        let t =
            chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap().and_hms_opt(6, 30, 0).unwrap().and_utc().timestamp();
        assert_eq!(format_datetime(t, Locale::zh_CN), "2026年11月22日 14:30");
        assert_eq!(format_datetime(t, Locale::en), "22 Nov 2026 14:30");
        // 20:00 UTC is already the next day there.
        assert_eq!(format_datetime(t + 13 * 3600 + 30 * 60, Locale::en), "23 Nov 2026 04:00");
    }

    #[test]
    fn dates_read_naturally_in_each_locale() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(format_date(d, Locale::zh_CN), "2026年11月22日");
        assert_eq!(format_date(d, Locale::en), "22 Nov 2026");
        let d = NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
        assert_eq!(format_date(d, Locale::en), "5 Jan 2027");
    }
}
