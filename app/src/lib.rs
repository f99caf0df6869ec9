//! The customer self-service portal: everything that renders, on the server and in the browser.
//!
//! One module per job (accounts, appointments, complaints, wealth, messages, settings, auth),
//! each holding its shared types, server functions and pages. `shell` wires them into routes;
//! `layout` is the chrome around every page; `form`, `format`, `money` and `error` are shared by all.
// Without type erasure (`--cfg erase_components`, which every build here has; see README, Speed)
// the views nest deeper than the default limit of 128.
#![recursion_limit = "256"]

/// A translated text in a view, in the page's language: see [`text`].
macro_rules! tr {
    ($i18n:expr, $($key:tt)+) => {
        $crate::text::text($i18n, |locale| $crate::i18n::td_string!(locale, $($key)+))
    };
}

pub mod accounts;
pub mod announce;
pub mod appointments;
#[cfg(feature = "ssr")]
pub mod audit;
pub mod auth;
pub mod complaints;
pub mod delegation;
pub mod display;
pub mod error;
pub mod form;
pub mod format;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod landing;
pub mod layout;
pub mod messages;
pub mod money;
#[cfg(feature = "ssr")]
pub mod notify;
pub mod pages;
pub mod resource;
pub mod settings;
pub mod shell;
pub mod staff;
#[cfg(feature = "ssr")]
pub mod state;
pub mod text;
pub mod wealth;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

/// Name of the cookie that remembers the customer's language (read on the server first).
pub const LOCALE_COOKIE: &str = "portal_locale";

/// A preference this browser keeps for a year, site-wide (the language, elder mode, the theme):
/// the `Set-Cookie` value the server sends, and what the page writes to `document.cookie`.
pub fn preference_cookie(name: &str, value: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax{secure}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_preference_is_kept_a_year_site_wide_and_secure_on_https() {
        assert_eq!(
            super::preference_cookie("portal_locale", "en", false),
            "portal_locale=en; Path=/; Max-Age=31536000; SameSite=Lax"
        );
        assert_eq!(
            super::preference_cookie("portal_theme", "dark", true),
            "portal_theme=dark; Path=/; Max-Age=31536000; SameSite=Lax; Secure"
        );
    }
}

/// The browser entry point: attaches the reactive app to the server-rendered HTML. Hydration is
/// asynchronous (the page's own code may still be loading, see `pages`); once the whole page is
/// live, `<html>` gets `data-hydrated` (what the browser tests wait for: the frame around the page
/// goes live before the page's code has arrived).
#[cfg(all(feature = "hydrate", not(feature = "islands")))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::document;
    console_error_panic_hook::set_once();
    let Some(body) = document().body() else { return };
    wasm_bindgen_futures::spawn_local(async move {
        leptos::mount::hydrate_from_async(body, shell::App).await.forget();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
}

/// The browser entry point in islands mode: starts the reactive system; the loader
/// (`shell::AppLoader`) then hydrates each island the page holds, by its exported function.
#[cfg(all(feature = "hydrate", feature = "islands"))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
