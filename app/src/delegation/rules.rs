//! The rules of finding a customer to help, as pure functions: what a search asks for, and how a
//! customer's details are masked in the results (staff see who it is, not their data).

use serde::{Deserialize, Serialize};

/// What a search on `/staff/customers` looks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Query {
    /// "C000012".
    CustomerNo(String),
    /// An 11-digit mobile number.
    Mobile(String),
    /// A full name, or its start (at least two characters).
    Name(String),
}

impl Query {
    pub fn kind(&self) -> &'static str {
        match self {
            Query::CustomerNo(_) => "customer_no",
            Query::Mobile(_) => "mobile",
            Query::Name(_) => "name",
        }
    }
}

/// The longest name searched for.
pub const NAME_MAX: usize = 20;

/// Reads a search: a customer number (any case), a mobile number (spaces and dashes ignored), or
/// a name of 2 to 20 characters without digits. `None` for anything else.
pub fn parse_query(text: &str) -> Option<Query> {
    let text = text.trim();
    let upper = text.to_uppercase();
    if upper.len() == 7 && upper.starts_with('C') && upper[1..].chars().all(|c| c.is_ascii_digit()) {
        return Some(Query::CustomerNo(upper));
    }
    let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.chars().all(|c| c.is_ascii_digit()) && !digits.is_empty() {
        return (digits.len() == 11 && digits.starts_with('1')).then_some(Query::Mobile(digits));
    }
    let n = text.chars().count();
    ((2..=NAME_MAX).contains(&n) && !text.chars().any(|c| c.is_ascii_digit() || c.is_control()))
        .then(|| Query::Name(text.to_owned()))
}

/// "王*明" style masking: the family name shown, the given name hidden ("王**" for 王小明). A
/// name in Latin letters keeps its first letter.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.filter(|c| !c.is_whitespace()).count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
        None => "*".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_is_a_number_a_mobile_or_a_name() {
        assert_eq!(parse_query(" c000012 "), Some(Query::CustomerNo("C000012".into())));
        assert_eq!(parse_query("138-0000 0012"), Some(Query::Mobile("13800000012".into())));
        assert_eq!(parse_query("王小明"), Some(Query::Name("王小明".into())));
        assert_eq!(parse_query("王"), None, "one character finds too many");
        assert_eq!(parse_query("1380000"), None, "a part of a number is not searched");
        assert_eq!(parse_query("23800000012"), None);
        assert_eq!(parse_query("王1"), None);
        assert_eq!(parse_query(""), None);
        assert_eq!(parse_query(&"王".repeat(NAME_MAX + 1)), None);
        assert_eq!(parse_query("C00001"), None);
    }

    #[test]
    fn only_the_family_name_shows() {
        assert_eq!(mask_name("王小明"), "王**");
        assert_eq!(mask_name("李娜"), "李*");
        assert_eq!(mask_name("Li Na"), "L***");
        assert_eq!(mask_name("王"), "王*");
        assert_eq!(mask_name(""), "*");
    }
}
