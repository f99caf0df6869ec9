//! Settings: password, security activity, language and notification preferences.

use crate::i18n::*;
use crate::layout::AreaPage;
use leptos::prelude::*;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AreaPage
            title=Signal::derive(move || t_string!(i18n, nav.settings).to_string())
            lead=Signal::derive(move || t_string!(i18n, area.settings_lead).to_string())
        />
    }
}
