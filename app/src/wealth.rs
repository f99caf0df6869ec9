//! Wealth-product risk questionnaires and the suitability check.

use crate::i18n::*;
use crate::layout::AreaPage;
use leptos::prelude::*;

#[component]
pub fn WealthPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AreaPage
            title=Signal::derive(move || t_string!(i18n, nav.wealth).to_string())
            lead=Signal::derive(move || t_string!(i18n, area.wealth_lead).to_string())
        />
    }
}
