//! A translated text in a view: `tr!(i18n, key)`, what leptos_i18n's `tr!(i18n, key)` shows.
//!
//! `t!` expands, at each place it is written, to a closure of its own: each is a type of its own,
//! for which the view code (building, hydrating and updating a reactive text, and the erased view
//! around it) is compiled again. `tr!` hands one function, [`text`], the key's lookup as a plain
//! function pointer, so every text of the portal is the one closure type `text` returns.

use crate::i18n::Locale;
use leptos_i18n::I18nContext;

/// The text `lookup` gives for the page's language, read again when the language changes.
pub fn text(
    i18n: I18nContext<Locale>,
    lookup: fn(Locale) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || lookup(i18n.get_locale())
}
