//! Money as integer minor units plus an ISO 4217 currency code: never floating point.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A three-letter currency code, upper case (`CNY`, `USD` …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("a currency code is three letters A–Z, got {0:?}")]
    BadCurrency(String),
    #[error("not an amount: {0:?}")]
    BadAmount(String),
    #[error("amount out of range")]
    Overflow,
}

impl Currency {
    pub const CNY: Currency = Currency(*b"CNY");
    pub const USD: Currency = Currency(*b"USD");

    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        let bytes = code.as_bytes();
        if bytes.len() == 3 && bytes.iter().all(u8::is_ascii_uppercase) {
            Ok(Currency([bytes[0], bytes[1], bytes[2]]))
        } else {
            Err(MoneyError::BadCurrency(code.to_owned()))
        }
    }

    pub fn code(&self) -> &str {
        // Only ASCII upper-case letters are ever stored (see `parse`).
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point. Every currency the bank books has two, except the yen.
    pub fn exponent(&self) -> u32 {
        match &self.0 {
            b"JPY" | b"KRW" => 0,
            _ => 2,
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.code().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount in minor units (fen for CNY). Signed: debits are negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// Parses a decimal amount typed by a person ("1,234.5", "-20", "0.07") in `currency`.
    /// More decimals than the currency has are refused rather than rounded.
    pub fn parse(input: &str, currency: Currency) -> Result<Self, MoneyError> {
        let bad = || MoneyError::BadAmount(input.to_owned());
        let cleaned: String = input.trim().chars().filter(|c| *c != ',').collect();
        let (negative, digits) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let exp = currency.exponent() as usize;
        if whole.is_empty() && frac.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || frac.len() > exp
        {
            return Err(bad());
        }
        let scale = 10i64.pow(exp as u32);
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| MoneyError::Overflow)? };
        let frac_padded = format!("{frac:0<exp$}");
        let frac: i64 = if exp == 0 { 0 } else { frac_padded.parse().map_err(|_| bad())? };
        let minor = whole.checked_mul(scale).and_then(|w| w.checked_add(frac)).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(if negative { -minor } else { minor }, currency))
    }

    /// The absolute amount as a plain decimal string without grouping ("1234.56").
    pub fn plain_abs(&self) -> String {
        let exp = self.currency.exponent();
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return abs.to_string();
        }
        let scale = 10u64.pow(exp);
        format!("{}.{:0width$}", abs / scale, abs % scale, width = exp as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes_must_be_three_upper_case_letters() {
        assert_eq!(Currency::parse("CNY").unwrap().code(), "CNY");
        for bad in ["cny", "CN", "CNYY", "C1Y", ""] {
            assert!(Currency::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn amounts_parse_to_minor_units() {
        let cny = Currency::CNY;
        assert_eq!(Money::parse("1,234.56", cny).unwrap().minor, 123_456);
        assert_eq!(Money::parse("-20", cny).unwrap().minor, -2_000);
        assert_eq!(Money::parse("0.7", cny).unwrap().minor, 70);
        assert_eq!(Money::parse(".07", cny).unwrap().minor, 7);
        assert_eq!(Money::parse("+5", cny).unwrap().minor, 500);
    }

    #[test]
    fn amounts_with_too_many_decimals_or_junk_are_refused() {
        let cny = Currency::CNY;
        for bad in ["1.234", "abc", "", "-", "1.2.3", "12a", "."] {
            assert!(Money::parse(bad, cny).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(Money::parse("99999999999999999999", cny), Err(MoneyError::Overflow));
    }

    #[test]
    fn plain_abs_keeps_the_currency_decimals() {
        assert_eq!(Money::new(-123_456, Currency::CNY).plain_abs(), "1234.56");
        assert_eq!(Money::new(5, Currency::CNY).plain_abs(), "0.05");
        assert_eq!(Money::new(1200, Currency::parse("JPY").unwrap()).plain_abs(), "1200");
    }
}
