//! The public landing page: what the portal does and the way in.

use crate::i18n::*;
use crate::layout::PageTitle;
use leptos::prelude::*;

#[component]
pub fn LandingPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, portal_name).to_string()) />
        <section class="hero">
            <h1>{tr!(i18n, landing.title)}</h1>
            <p class="lead">{tr!(i18n, landing.lead)}</p>
            <p><a class="button primary" href="/sign-in">{tr!(i18n, landing.cta_sign_in)}</a></p>
        </section>
        <section class="page" aria-labelledby="jobs-heading">
            <h2 id="jobs-heading">{tr!(i18n, landing.jobs_heading)}</h2>
            <ul class="cards">
                <li class="card">
                    <h3>{tr!(i18n, landing.job_accounts_title)}</h3>
                    <p>{tr!(i18n, landing.job_accounts_body)}</p>
                </li>
                <li class="card">
                    <h3>{tr!(i18n, landing.job_appointments_title)}</h3>
                    <p>{tr!(i18n, landing.job_appointments_body)}</p>
                </li>
                <li class="card">
                    <h3>{tr!(i18n, landing.job_complaints_title)}</h3>
                    <p>{tr!(i18n, landing.job_complaints_body)}</p>
                </li>
                <li class="card">
                    <h3>{tr!(i18n, landing.job_wealth_title)}</h3>
                    <p>{tr!(i18n, landing.job_wealth_body)}</p>
                </li>
            </ul>
            <aside class="safety" aria-labelledby="safety-heading">
                <h2 id="safety-heading">{tr!(i18n, landing.safety_heading)}</h2>
                <p>{tr!(i18n, landing.safety_body)}</p>
            </aside>
        </section>
    }
}
