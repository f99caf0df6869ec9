//! Which language a request is answered in, and where the language switch may send it back.

use app::i18n::Locale;
use app::shell::{is_site_path, parse_locale};

/// The cookie, if it names a supported language; else the first supported language in
/// Accept-Language by quality (a region-less "zh" counts as zh-CN, "en-GB" as en); else `default`.
pub fn negotiate_locale(cookie: Option<&str>, accept_language: Option<&str>, default: Locale) -> Locale {
    if let Some(locale) = cookie.and_then(parse_locale) {
        return locale;
    }
    let Some(header) = accept_language else { return default };
    let mut ranked: Vec<(u16, usize, Locale)> = header
        .split(',')
        .enumerate()
        .filter_map(|(position, item)| {
            let mut parts = item.trim().split(';');
            let tag = parts.next()?.trim().to_ascii_lowercase();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1000), |q| q.parse::<f32>().ok().map(|q| (q.clamp(0.0, 1.0) * 1000.0) as u16))?;
            let locale = match tag.split('-').next()? {
                // Simplified Chinese is the portal's only Chinese; readers of zh-TW/zh-HK read it too.
                "zh" => Locale::zh_CN,
                "en" => Locale::en,
                _ => return None,
            };
            (quality > 0).then_some((quality, position, locale))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.first().map_or(default, |(_, _, locale)| *locale)
}

/// Only a path on this site: "/x?y" is kept; "//evil", "https://evil", "\\evil" become "/".
pub fn safe_return_path(back: Option<&str>) -> String {
    back.filter(|p| is_site_path(p)).unwrap_or("/").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_wins_over_the_browser() {
        assert_eq!(negotiate_locale(Some("en"), Some("zh-CN,zh;q=0.9"), Locale::zh_CN), Locale::en);
    }

    #[test]
    fn an_unknown_cookie_falls_back_to_the_browser() {
        assert_eq!(negotiate_locale(Some("fr"), Some("en-US,en;q=0.9"), Locale::zh_CN), Locale::en);
    }

    #[test]
    fn accept_language_is_ranked_by_quality_then_order() {
        assert_eq!(negotiate_locale(None, Some("fr;q=1, en;q=0.5, zh;q=0.8"), Locale::en), Locale::zh_CN);
        assert_eq!(negotiate_locale(None, Some("en-GB, zh-CN"), Locale::zh_CN), Locale::en);
        assert_eq!(negotiate_locale(None, Some("de, fr"), Locale::en), Locale::en);
        assert_eq!(negotiate_locale(None, Some("en;q=0"), Locale::zh_CN), Locale::zh_CN);
    }

    #[test]
    fn without_any_hint_the_configured_default_is_used() {
        assert_eq!(negotiate_locale(None, None, Locale::zh_CN), Locale::zh_CN);
        assert_eq!(negotiate_locale(None, None, Locale::en), Locale::en);
        assert_eq!(negotiate_locale(None, Some("garbage;;q=x"), Locale::en), Locale::en);
    }

    #[test]
    fn the_language_switch_only_returns_to_this_site() {
        assert_eq!(safe_return_path(Some("/accounts?from=2026-01-01")), "/accounts?from=2026-01-01");
        for bad in ["//evil.example", "https://evil.example", "/\\evil.example", "", "accounts"] {
            assert_eq!(safe_return_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_return_path(None), "/");
    }
}
