//! Complaints and suggestions: filing, following to a decision, rating the outcome.
//!
//! `rules` holds the rules as pure functions (the deadline clock, the state machine, the review
//! window, what counts as the same matter, the filing form's checks). The pages and the SQL
//! come next; until then the page below says what is coming.

pub mod rules;

use crate::i18n::*;
use crate::layout::AreaPage;
use leptos::prelude::*;

#[component]
pub fn ComplaintsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AreaPage
            title=Signal::derive(move || t_string!(i18n, nav.complaints).to_string())
            lead=Signal::derive(move || t_string!(i18n, area.complaints_lead).to_string())
        />
    }
}
