//! Messages: alerts, reminders and notices sent to the customer.

use crate::i18n::*;
use crate::layout::AreaPage;
use leptos::prelude::*;

#[component]
pub fn MessagesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AreaPage
            title=Signal::derive(move || t_string!(i18n, nav.messages).to_string())
            lead=Signal::derive(move || t_string!(i18n, area.messages_lead).to_string())
        />
    }
}
