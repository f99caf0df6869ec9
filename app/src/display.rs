//! How the portal is shown: elder mode (长辈模式: large text, big targets, one column) and the
//! colour theme (the device's, or light or dark by choice).
//!
//! Both are remembered per browser in cookies the server reads for the first response (the
//! `<html>` element's `class="elder"` and `data-theme`, set in `shell`), so they hold with or
//! without WASM; a signed-in customer's choice is also kept with their profile and set again when
//! they sign in on another device. Switching is a plain GET to `/display` (the server's handler
//! sets the cookies, saves the profile and sends the browser back), like the language switch.
//! Customers aged 65 or more are offered elder mode once after signing in, by an inline notice.

use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use serde::{Deserialize, Serialize};

pub const ELDER_COOKIE: &str = "portal_elder";
pub const THEME_COOKIE: &str = "portal_theme";

/// The colour theme chosen; `System` follows the device (`prefers-color-scheme`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(text: &str) -> Option<Theme> {
        [Theme::System, Theme::Light, Theme::Dark].into_iter().find(|t| t.as_str() == text)
    }
}

/// How this browser shows the portal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Display {
    pub elder: bool,
    pub theme: Theme,
}

impl Display {
    /// From the cookies' values ("1" for elder mode; "light" or "dark").
    pub fn from_cookies(elder: Option<&str>, theme: Option<&str>) -> Display {
        Display { elder: elder == Some("1"), theme: theme.and_then(Theme::parse).unwrap_or_default() }
    }

    /// A request's display, from its cookies (on the server: the page, the display switch and the
    /// page cache all read it here, so they agree).
    #[cfg(feature = "ssr")]
    pub fn of_request(headers: &http::HeaderMap) -> Display {
        let cookie = |name| crate::state::cookie_value(headers, name);
        Display::from_cookies(cookie(ELDER_COOKIE).as_deref(), cookie(THEME_COOKIE).as_deref())
    }

    /// The `<html>` element's class for this display.
    pub fn html_class(self) -> Option<&'static str> {
        self.elder.then_some("elder")
    }

    /// The `<html>` element's `data-theme` (none: the device's).
    pub fn data_theme(self) -> Option<&'static str> {
        (self.theme != Theme::System).then(|| self.theme.as_str())
    }
}

/// How the request being rendered (on the server) or the page (in the browser) is shown: both
/// read what the server put on `<html>`, so the first render agrees with the server's.
pub fn current() -> Display {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().map(|parts| Display::of_request(&parts.headers)).unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let html = document().document_element();
        let elder = html.as_ref().is_some_and(|h| h.class_list().contains("elder"));
        let theme = html.and_then(|h| h.get_attribute("data-theme")).and_then(|t| Theme::parse(&t)).unwrap_or_default();
        Display { elder, theme }
    }
}

/// The address that switches the display and comes back to this page (with its query).
fn switch_href(field: &str, value: &str, path: &str, search: &str) -> String {
    format!("/display?{field}={value}&back={}", crate::auth::encode_next(path, search))
}

/// The elder-mode switch in the header of every page: a link (it works without WASM) naming what
/// it does ("开启长辈模式" / "关闭长辈模式").
#[component]
pub fn ElderSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let on = current().elder;
    let href =
        move || switch_href("elder", if on { "0" } else { "1" }, &location.pathname.get(), &location.search.get());
    view! {
        <a class="elder-switch" href=href rel="external">
            {move || if on { t_string!(i18n, display.elder_off) } else { t_string!(i18n, display.elder_on) }}
        </a>
    }
}

/// One choice of a setting, as a link; the current one marked.
#[component]
fn Choice(
    field: &'static str,
    value: &'static str,
    chosen: bool,
    #[prop(into)] label: Signal<String>,
) -> impl IntoView {
    let location = use_location();
    let href = move || switch_href(field, value, &location.pathname.get(), &location.search.get());
    view! {
        <li>
            <a class="button" class:primary=chosen href=href rel="external" aria-current=chosen.then_some("true")>
                {label}
            </a>
        </li>
    }
}

/// Settings: elder mode and the colour theme, each a set of links (the current one marked).
#[component]
pub fn DisplaySettings() -> impl IntoView {
    let i18n = use_i18n();
    let now = current();
    let text = move |key: fn(Locale) -> String| Signal::derive(move || key(i18n.get_locale()));
    view! {
        <h2 id="display-heading">{tr!(i18n, display.title)}</h2>
        <p>{tr!(i18n, display.lead)}</p>
        <h3 id="elder-heading">{tr!(i18n, display.elder_title)}</h3>
        <ul class="choice-links" aria-labelledby="elder-heading">
            <Choice field="elder" value="1" chosen=now.elder label=text(|l| td_string!(l, display.elder_choice_on).to_string()) />
            <Choice field="elder" value="0" chosen=!now.elder label=text(|l| td_string!(l, display.elder_choice_off).to_string()) />
        </ul>
        <h3 id="theme-heading">{tr!(i18n, display.theme_title)}</h3>
        <ul class="choice-links" aria-labelledby="theme-heading">
            <Choice field="theme" value="system" chosen={now.theme == Theme::System} label=text(|l| td_string!(l, display.theme_system).to_string()) />
            <Choice field="theme" value="light" chosen={now.theme == Theme::Light} label=text(|l| td_string!(l, display.theme_light).to_string()) />
            <Choice field="theme" value="dark" chosen={now.theme == Theme::Dark} label=text(|l| td_string!(l, display.theme_dark).to_string()) />
        </ul>
    }
}

/// In the browser: puts on `<html>` what the display cookies now say (signing in may have set
/// them from the customer's profile).
pub fn apply_cookies() {
    #[cfg(feature = "hydrate")]
    {
        use leptos::web_sys::js_sys::Reflect;
        let doc = document();
        let cookies = Reflect::get(&doc, &"cookie".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        let value =
            |name: &str| cookies.split("; ").find_map(|c| c.strip_prefix(name)?.strip_prefix('=')).map(str::to_owned);
        let display = Display::from_cookies(value(ELDER_COOKIE).as_deref(), value(THEME_COOKIE).as_deref());
        if let Some(html) = doc.document_element() {
            let _ = html.class_list().toggle_with_force("elder", display.elder);
            let _ = match display.theme {
                Theme::System => html.remove_attribute("data-theme"),
                theme => html.set_attribute("data-theme", theme.as_str()),
            };
        }
    }
}

/// The once-only offer of elder mode to a customer aged 65 or more who has never chosen: an
/// inline notice at the top of the page, never a pop-up.
#[component]
pub fn ElderOffer() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let href = move |value: &'static str| {
        move || switch_href("elder", value, &location.pathname.get(), &location.search.get())
    };
    view! {
        <section class="notice elder-offer" aria-labelledby="elder-offer-title">
            <h2 id="elder-offer-title">{tr!(i18n, display.offer_title)}</h2>
            <p>{tr!(i18n, display.offer_body)}</p>
            <p class="actions">
                <a class="button primary" href=href("1") rel="external">{tr!(i18n, display.offer_yes)}</a>
                " "
                <a class="button" href=href("0") rel="external">{tr!(i18n, display.offer_no)}</a>
            </p>
        </section>
    }
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::{Display, Theme};
    use sqlx::AnyPool;

    /// Keeps a customer's choice with their profile (only what was chosen now).
    pub async fn save(
        pool: &AnyPool,
        customer_id: i64,
        elder: Option<bool>,
        theme: Option<Theme>,
    ) -> Result<(), sqlx::Error> {
        if let Some(elder) = elder {
            sqlx::query("UPDATE customers SET elder_mode = $1 WHERE id = $2")
                .bind(i64::from(elder))
                .bind(customer_id)
                .execute(pool)
                .await?;
        }
        if let Some(theme) = theme {
            let stored = match theme {
                Theme::System => None,
                other => Some(other.as_str()),
            };
            sqlx::query("UPDATE customers SET theme = $1 WHERE id = $2")
                .bind(stored)
                .bind(customer_id)
                .execute(pool)
                .await?;
        }
        Ok(())
    }

    /// A customer's kept choice, if they ever made one (elder mode, theme).
    pub async fn kept(pool: &AnyPool, customer_id: i64) -> Result<(Option<bool>, Display), sqlx::Error> {
        let (elder, theme): (Option<i64>, Option<String>) =
            sqlx::query_as("SELECT elder_mode, theme FROM customers WHERE id = $1")
                .bind(customer_id)
                .fetch_one(pool)
                .await?;
        let display =
            Display { elder: elder == Some(1), theme: theme.as_deref().and_then(Theme::parse).unwrap_or_default() };
        Ok((elder.map(|e| e == 1), display))
    }

    /// Whether to offer elder mode: aged 65 or more on `today` (`birth_date` as stored,
    /// YYYY-MM-DD), never chosen (`chosen`: the stored choice), not on already in this browser.
    pub fn offer_elder(chosen: Option<i64>, birth_date: &str, today: chrono::NaiveDate, on_here: bool) -> bool {
        !on_here
            && chosen.is_none()
            && birth_date
                .parse::<chrono::NaiveDate>()
                .is_ok_and(|birth| crate::wealth::rules::age_on(birth, today) >= super::ELDER_AGE)
    }

    /// The `Set-Cookie` values that remember `display` in this browser for a year (readable by the
    /// page's script: they hold no secret).
    pub fn cookies(display: Display, secure: bool) -> Vec<http::HeaderValue> {
        let elder = if display.elder { "1" } else { "0" };
        [(super::ELDER_COOKIE, elder), (super::THEME_COOKIE, display.theme.as_str())]
            .into_iter()
            .filter_map(|(name, value)| {
                http::HeaderValue::from_str(&crate::preference_cookie(name, value, secure)).ok()
            })
            .collect()
    }
}

/// Customers this old or older are offered elder mode.
pub const ELDER_AGE: u32 = 65;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookies_are_read_strictly() {
        assert_eq!(Display::from_cookies(Some("1"), Some("dark")), Display { elder: true, theme: Theme::Dark });
        assert_eq!(Display::from_cookies(Some("yes"), Some("purple")), Display::default());
        assert_eq!(Display::from_cookies(None, Some("light")).theme, Theme::Light);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn elder_mode_is_offered_from_65_once_and_not_when_on() {
        use service::offer_elder;
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert!(offer_elder(None, "1961-12-03", today, false), "65 today");
        assert!(!offer_elder(None, "1961-12-04", today, false), "65 tomorrow");
        assert!(!offer_elder(Some(0), "1950-01-01", today, false), "chose no");
        assert!(!offer_elder(Some(1), "1950-01-01", today, false), "chose yes");
        assert!(!offer_elder(None, "1950-01-01", today, true), "on in this browser");
        assert!(!offer_elder(None, "", today, false), "no birth date");
    }

    #[test]
    fn a_switch_comes_back_to_the_page_with_its_query() {
        assert_eq!(switch_href("elder", "1", "/accounts", ""), "/display?elder=1&back=/accounts");
        // The router's query comes without its "?" (leptos_router's Location::search).
        assert_eq!(
            switch_href("theme", "dark", "/wealth", "risk=3&term=open"),
            "/display?theme=dark&back=/wealth?risk=3%26term=open"
        );
    }
}
