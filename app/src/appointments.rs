//! Branch appointments: booking, moving and cancelling a visit.

use crate::i18n::*;
use crate::layout::AreaPage;
use leptos::prelude::*;

#[component]
pub fn AppointmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AreaPage
            title=Signal::derive(move || t_string!(i18n, nav.appointments).to_string())
            lead=Signal::derive(move || t_string!(i18n, area.appointments_lead).to_string())
        />
    }
}
