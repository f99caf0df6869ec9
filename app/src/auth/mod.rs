//! Signing in and out: who is asking (roles), session tokens, and the sign-in page.
//! The credential check, one-time codes and the session flow arrive with the sign-in feature.

pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod token;

use crate::i18n::*;
use crate::layout::PageTitle;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Who a session belongs to. Customers and staff never share pages or server functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Agent,
    BranchStaff,
    Supervisor,
}

impl Role {
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Customer)
    }
}

/// What is wrong with a sign-in form before it is sent: the fields a person must fill in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInProblem {
    MissingLoginId,
    MissingPassword,
}

pub fn check_sign_in_form(login_id: &str, password: &str) -> Vec<SignInProblem> {
    let mut problems = Vec::new();
    if login_id.trim().is_empty() {
        problems.push(SignInProblem::MissingLoginId);
    }
    if password.is_empty() {
        problems.push(SignInProblem::MissingPassword);
    }
    problems
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let login_id = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<SignInProblem>::new());
    let submitted = RwSignal::new(false);
    let has = move |p: SignInProblem| problems.with(|ps| ps.contains(&p));

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problems.set(check_sign_in_form(&login_id.get_untracked(), &password.get_untracked()));
        submitted.set(problems.with_untracked(Vec::is_empty));
    };

    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, sign_in.title).to_string()) />
        <section class="page narrow">
            <h1>{t!(i18n, sign_in.title)}</h1>
            <p class="lead">{t!(i18n, sign_in.lead)}</p>
            <form class="form" method="get" action="/sign-in" novalidate on:submit=on_submit>
                <div class="field">
                    <label for="login-id">{t!(i18n, sign_in.login_id)}</label>
                    <p class="hint" id="login-id-hint">{t!(i18n, sign_in.login_id_hint)}</p>
                    <input
                        id="login-id"
                        name="login_id"
                        type="text"
                        inputmode="text"
                        autocomplete="username"
                        required
                        aria-describedby=move || {
                            if has(SignInProblem::MissingLoginId) { "login-id-hint login-id-error" } else { "login-id-hint" }
                        }
                        aria-invalid=move || has(SignInProblem::MissingLoginId).to_string()
                        prop:value=login_id
                        on:input=move |ev| login_id.set(event_target_value(&ev))
                    />
                    <Show when=move || has(SignInProblem::MissingLoginId)>
                        <p class="error" id="login-id-error">{t!(i18n, sign_in.required_login_id)}</p>
                    </Show>
                </div>
                <div class="field">
                    <label for="password">{t!(i18n, sign_in.password)}</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        aria-describedby=move || has(SignInProblem::MissingPassword).then_some("password-error")
                        aria-invalid=move || has(SignInProblem::MissingPassword).to_string()
                        prop:value=password
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                    <Show when=move || has(SignInProblem::MissingPassword)>
                        <p class="error" id="password-error">{t!(i18n, sign_in.required_password)}</p>
                    </Show>
                </div>
                <button type="submit" class="button primary">{t!(i18n, sign_in.submit)}</button>
                <p role="status" class="status">
                    <Show when=move || submitted.get()>{t!(i18n, sign_in.not_yet)}</Show>
                </p>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_fields_are_required_and_blank_login_ids_do_not_count() {
        assert_eq!(check_sign_in_form("  ", ""), vec![SignInProblem::MissingLoginId, SignInProblem::MissingPassword]);
        assert_eq!(check_sign_in_form("C000001", ""), vec![SignInProblem::MissingPassword]);
        assert!(check_sign_in_form("13800000001", "secret").is_empty());
    }
}
