//! The transaction-history filter: what the URL carries (so a filtered view can be bookmarked and
//! survives a reload), how it is read and checked, and how it is written back into a URL.

use chrono::{Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The filter exactly as the URL's query carries it (all text, all optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterQuery {
    /// "7d", "30d", "3m", "12m" or "custom" (then `from` and `to`).
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// "in" or "out".
    pub dir: Option<String>,
    /// Amount range in yuan (absolute amounts).
    pub min: Option<String>,
    pub max: Option<String>,
    /// Text in the description or counterparty.
    pub q: Option<String>,
    pub category: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    In,
    Out,
}

/// A checked filter, ready for the query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// Inclusive dates (China time).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub direction: Option<Direction>,
    pub min_minor: Option<i64>,
    pub max_minor: Option<i64>,
    pub text: Option<String>,
    pub category: Option<String>,
}

/// What is wrong with a filter, field by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FilterProblem {
    BadPeriod,
    BadFrom,
    BadTo,
    /// `from` after `to`.
    Reversed,
    /// A custom range longer than 24 months, or reaching back further than that.
    TooLong,
    BadMin,
    BadMax,
    /// Minimum above maximum.
    AmountsReversed,
    BadDirection,
}

pub const PERIODS: [&str; 4] = ["7d", "30d", "3m", "12m"];
/// The categories transactions are booked under.
pub const CATEGORIES: [&str; 14] = [
    "salary",
    "transfer_in",
    "transfer_out",
    "interest",
    "groceries",
    "dining",
    "transport",
    "shopping",
    "health",
    "entertainment",
    "card_repayment",
    "loan_repayment",
    "deposit",
    "investment",
];
pub const DEFAULT_PERIOD: &str = "3m";
/// The furthest back history goes.
pub const MAX_MONTHS: u32 = 24;

fn amount(text: &Option<String>) -> Option<Result<i64, ()>> {
    let text = text.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
    Some(
        crate::money::Money::parse(text, crate::money::Currency::CNY)
            .ok()
            .filter(|m| m.minor >= 0)
            .map(|m| m.minor)
            .ok_or(()),
    )
}

fn non_empty(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(|t| t.chars().take(100).collect())
}

impl FilterQuery {
    /// The filter this query asks for on `today`, or every problem with it.
    pub fn check(&self, today: NaiveDate) -> Result<Filter, Vec<FilterProblem>> {
        let mut problems = Vec::new();
        let earliest = today.checked_sub_months(Months::new(MAX_MONTHS)).unwrap_or(today);
        let period = non_empty(&self.period).unwrap_or_else(|| DEFAULT_PERIOD.to_owned());
        let (from, to) = match period.as_str() {
            "7d" => (today - Duration::days(6), today),
            "30d" => (today - Duration::days(29), today),
            "3m" => (today.checked_sub_months(Months::new(3)).unwrap_or(today) + Duration::days(1), today),
            "12m" => (today.checked_sub_months(Months::new(12)).unwrap_or(today) + Duration::days(1), today),
            "custom" => {
                let mut parse = |t: &Option<String>, problem| match non_empty(t).map(|t| t.parse::<NaiveDate>()) {
                    Some(Ok(d)) => Some(d),
                    _ => {
                        problems.push(problem);
                        None
                    }
                };
                let from = parse(&self.from, FilterProblem::BadFrom);
                let to = parse(&self.to, FilterProblem::BadTo);
                match (from, to) {
                    (Some(f), Some(t)) if f > t => {
                        problems.push(FilterProblem::Reversed);
                        (f, t)
                    }
                    (Some(f), Some(t)) if f < earliest => {
                        problems.push(FilterProblem::TooLong);
                        (f, t)
                    }
                    (Some(f), Some(t)) => (f, t),
                    _ => (today, today),
                }
            }
            _ => {
                problems.push(FilterProblem::BadPeriod);
                (today, today)
            }
        };
        let direction = match non_empty(&self.dir).as_deref() {
            None => None,
            Some("in") => Some(Direction::In),
            Some("out") => Some(Direction::Out),
            Some(_) => {
                problems.push(FilterProblem::BadDirection);
                None
            }
        };
        let min = amount(&self.min).transpose().unwrap_or_else(|()| {
            problems.push(FilterProblem::BadMin);
            None
        });
        let max = amount(&self.max).transpose().unwrap_or_else(|()| {
            problems.push(FilterProblem::BadMax);
            None
        });
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            problems.push(FilterProblem::AmountsReversed);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Filter {
            from,
            to,
            direction,
            min_minor: min,
            max_minor: max,
            text: non_empty(&self.q),
            category: non_empty(&self.category),
        })
    }

    /// The query string for this filter ("period=custom&from=…"), empty fields left out, values
    /// percent-encoded.
    pub fn to_query(&self) -> String {
        let fields = [
            ("period", &self.period),
            ("from", &self.from),
            ("to", &self.to),
            ("dir", &self.dir),
            ("min", &self.min),
            ("max", &self.max),
            ("q", &self.q),
            ("category", &self.category),
        ];
        fields
            .iter()
            .filter_map(|(k, v)| non_empty(v).map(|v| format!("{k}={}", encode(&v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        "2026-11-22".parse().unwrap()
    }

    fn q(pairs: &[(&str, &str)]) -> FilterQuery {
        let mut f = FilterQuery::default();
        for (k, v) in pairs {
            let v = Some((*v).to_owned());
            match *k {
                "period" => f.period = v,
                "from" => f.from = v,
                "to" => f.to = v,
                "dir" => f.dir = v,
                "min" => f.min = v,
                "max" => f.max = v,
                "q" => f.q = v,
                "category" => f.category = v,
                _ => unreachable!(),
            }
        }
        f
    }

    #[test]
    fn presets_end_today_and_the_default_is_three_months() {
        let f = q(&[]).check(today()).unwrap();
        assert_eq!((f.from.to_string(), f.to.to_string()), ("2026-08-23".into(), "2026-11-22".into()));
        assert_eq!(q(&[("period", "7d")]).check(today()).unwrap().from.to_string(), "2026-11-16");
        assert_eq!(q(&[("period", "12m")]).check(today()).unwrap().from.to_string(), "2025-11-23");
    }

    #[test]
    fn a_custom_range_must_be_real_dates_in_order_within_24_months() {
        let ok = q(&[("period", "custom"), ("from", "2025-01-01"), ("to", "2025-02-01")]).check(today()).unwrap();
        assert_eq!(ok.from.to_string(), "2025-01-01");
        assert_eq!(
            q(&[("period", "custom"), ("from", "2025-03-01"), ("to", "2025-02-01")]).check(today()),
            Err(vec![FilterProblem::Reversed])
        );
        assert_eq!(
            q(&[("period", "custom"), ("from", "2024-11-01"), ("to", "2025-02-01")]).check(today()),
            Err(vec![FilterProblem::TooLong])
        );
        assert_eq!(
            q(&[("period", "custom"), ("from", "yesterday")]).check(today()),
            Err(vec![FilterProblem::BadFrom, FilterProblem::BadTo])
        );
        assert_eq!(q(&[("period", "forever")]).check(today()), Err(vec![FilterProblem::BadPeriod]));
    }

    #[test]
    fn amounts_are_yuan_not_negative_and_in_order() {
        let f = q(&[("min", "10"), ("max", "1,000.5"), ("dir", "out")]).check(today()).unwrap();
        assert_eq!((f.min_minor, f.max_minor, f.direction), (Some(1_000), Some(100_050), Some(Direction::Out)));
        assert_eq!(q(&[("min", "abc")]).check(today()), Err(vec![FilterProblem::BadMin]));
        assert_eq!(q(&[("min", "-5")]).check(today()), Err(vec![FilterProblem::BadMin]));
        assert_eq!(q(&[("min", "9"), ("max", "1")]).check(today()), Err(vec![FilterProblem::AmountsReversed]));
        assert_eq!(q(&[("dir", "sideways")]).check(today()), Err(vec![FilterProblem::BadDirection]));
    }

    #[test]
    fn the_query_string_round_trips_and_encodes_text() {
        let f = q(&[("period", "30d"), ("q", "星巴克 & co"), ("min", "")]);
        assert_eq!(f.to_query(), "period=30d&q=%E6%98%9F%E5%B7%B4%E5%85%8B%20%26%20co");
    }
}
