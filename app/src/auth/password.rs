//! Changing a password (signed in: current password, then a code) and resetting a forgotten
//! one (login ID and registered mobile, then a code). The rules for a new password are shown as
//! the person types, and checked again on the server.

use super::rules::{PasswordRule, password_problems};
use super::{Challenge, CodeField, SignInRefusal, sign_in_error_text};
use crate::error::AppError;
use crate::form::TextField;
use crate::i18n::*;
use crate::layout::PageTitle;
use leptos::prelude::*;
use leptos_i18n::td_string;

#[server(endpoint = "settings/password/start")]
pub async fn start_password_change(current_password: String) -> Result<Challenge, AppError> {
    use super::server;
    if current_password.is_empty() {
        return Err(AppError::Invalid { field: "password".into(), problem: "required".into() });
    }
    let (state, who, _) = crate::guard::require_customer_in_person("password").await?;
    let now = state.now();
    server::refused_or_internal(
        super::service::start_password_change(
            &server::deps(&state),
            &who,
            &current_password,
            &crate::audit::client(),
            now,
        )
        .await,
    )
}

#[server(endpoint = "settings/password/finish")]
pub async fn finish_password_change(challenge_id: String, code: String, new_password: String) -> Result<(), AppError> {
    use super::server;
    let (state, who, _) = crate::guard::require_customer_in_person("password").await?;
    let now = state.now();
    let deps = server::deps(&state);
    server::refused_or_internal(
        super::service::finish_password_change(
            &deps,
            &who,
            &challenge_id,
            &code,
            &new_password,
            &crate::audit::client(),
            now,
        )
        .await,
    )
}

#[server(endpoint = "password-reset/start")]
pub async fn start_password_reset(login_id: String, mobile: String) -> Result<Challenge, AppError> {
    use super::server;
    if login_id.trim().is_empty() {
        return Err(AppError::Invalid { field: "login_id".into(), problem: "required".into() });
    }
    if mobile.trim().is_empty() {
        return Err(AppError::Invalid { field: "mobile".into(), problem: "required".into() });
    }
    let state = crate::guard::state()?;
    let now = state.now();
    server::rate_limit(&state, now)?;
    server::refused_or_internal(
        super::service::start_password_reset(&server::deps(&state), &login_id, &mobile, &crate::audit::client(), now)
            .await,
    )
}

#[server(endpoint = "password-reset/finish")]
pub async fn finish_password_reset(challenge_id: String, code: String, new_password: String) -> Result<(), AppError> {
    use super::server;
    let state = crate::guard::state()?;
    let now = state.now();
    server::rate_limit(&state, now)?;
    let deps = server::deps(&state);
    server::refused_or_internal(
        super::service::finish_password_reset(&deps, &challenge_id, &code, &new_password, &crate::audit::client(), now)
            .await,
    )
}

const RULES: [PasswordRule; 4] =
    [PasswordRule::Length, PasswordRule::LettersAndDigits, PasswordRule::NotTheLoginId, PasswordRule::NotASequence];

fn rule_text(rule: PasswordRule, locale: Locale) -> String {
    match rule {
        PasswordRule::Length => td_string!(locale, password.rule_length),
        PasswordRule::LettersAndDigits => td_string!(locale, password.rule_letters_digits),
        PasswordRule::NotTheLoginId => td_string!(locale, password.rule_not_login_id),
        PasswordRule::NotASequence => td_string!(locale, password.rule_not_sequence),
    }
    .to_string()
}

/// The new password twice, with the rules ticked off as the person types (a word, not only a
/// colour, says which are met). `identifiers` are names the password must not contain; the
/// server adds the ones the page does not know.
#[component]
fn NewPasswordFields(
    password: RwSignal<String>,
    confirm: RwSignal<String>,
    #[prop(into)] identifiers: Signal<Vec<String>>,
    /// Rules the server said were broken on the last attempt.
    #[prop(into)]
    refused: Signal<Vec<PasswordRule>>,
    /// The form was submitted: show what is still wrong.
    tried: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let broken = move || {
        let ids = identifiers.get();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut rules = password_problems(&password.get(), &ids);
        for rule in refused.get() {
            if !rules.contains(&rule) {
                rules.push(rule);
            }
        }
        rules
    };
    let mismatch = move || tried.get() && password.with(|p| confirm.with(|c| p != c));
    view! {
        <TextField
            id="new-password"
            name="new_password"
            label=Signal::derive(move || t_string!(i18n, password.new_label).to_string())
            hint=Signal::derive(move || t_string!(i18n, password.rules_hint).to_string())
            error=Signal::derive(move || (tried.get() && !broken().is_empty()).then(|| t_string!(i18n, password.weak).to_string()))
            value=password
            input_type="password"
            autocomplete="new-password"
        />
        // Not a live region itself (it would speak at every keystroke): the count below changes
        // only when a rule is met or lost.
        <p class="sr-only" role="status">
            {move || {
                let met = if password.with(String::is_empty) { 0 } else { RULES.len().saturating_sub(broken().len()) };
                td_string!(i18n.get_locale(), password.rules_met_count, n = met, total = RULES.len()).to_string()
            }}
        </p>
        <ul class="password-rules">
            {RULES
                .iter()
                .map(|rule| {
                    let rule = *rule;
                    let met = move || !password.with(String::is_empty) && !broken().contains(&rule);
                    view! {
                        <li class:met=met>
                            <span class="rule-state">
                                {move || if met() { t_string!(i18n, password.rule_met) } else { t_string!(i18n, password.rule_not_met) }}
                            </span>
                            " "
                            {move || rule_text(rule, i18n.get_locale())}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <TextField
            id="confirm-password"
            name="confirm_password"
            label=Signal::derive(move || t_string!(i18n, password.confirm_label).to_string())
            error=Signal::derive(move || mismatch().then(|| t_string!(i18n, password.mismatch).to_string()))
            value=confirm
            input_type="password"
            autocomplete="new-password"
        />
    }
}

/// Whether the new password may be sent: the rules the page can check hold and both entries match.
fn new_password_ready(password: &str, confirm: &str, identifiers: &[String]) -> bool {
    let ids: Vec<&str> = identifiers.iter().map(String::as_str).collect();
    password_problems(password, &ids).is_empty() && password == confirm
}

fn refused_rules(result: Option<Result<(), AppError>>) -> Vec<PasswordRule> {
    match result {
        Some(Err(AppError::SignIn(SignInRefusal::WeakPassword { rules }))) => rules,
        _ => Vec::new(),
    }
}

/// `/settings/password`: current password, then the code and the new password.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, password.change_title).to_string()) />
        <section class="page narrow">
            <h1>{tr!(i18n, password.change_title)}</h1>
            <ChangePasswordForm />
        </section>
    }
}

/// The change itself, both steps: an island in islands mode.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn ChangePasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(String::new());
    let current_missing = RwSignal::new(false);
    let (code, new_password, confirm, tried) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(false),
    );
    let start = ServerAction::<StartPasswordChange>::new();
    let finish = ServerAction::<FinishPasswordChange>::new();
    crate::announce::announce_success(finish.value(), |l| td_string!(l, password.changed).to_string());
    let live = crate::form::hydrated();
    let challenge = move || start.value().get().and_then(Result::ok);
    let error_of = move |e: AppError| sign_in_error_text(&e, i18n.get_locale());
    let done = move || matches!(finish.value().get(), Some(Ok(())));

    let on_start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        current_missing.set(current.with_untracked(String::is_empty));
        if !current_missing.get_untracked() {
            start.dispatch(StartPasswordChange { current_password: current.get_untracked() });
        }
    };
    let on_finish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let ready = new_password.with_untracked(|p| confirm.with_untracked(|c| new_password_ready(p, c, &[])));
        if let (true, Some(c)) = (ready, challenge()) {
            finish.dispatch(FinishPasswordChange {
                challenge_id: c.id,
                code: code.get_untracked(),
                new_password: new_password.get_untracked(),
            });
        }
    };

    view! {
            {move || {
                if done() {
                    return view! {
                        <p class="notice">{tr!(i18n, password.changed)}</p>
                        <p><a class="button" href="/settings">{tr!(i18n, password.back_to_settings)}</a></p>
                    }
                    .into_any();
                }
                match challenge() {
                    None => view! {
                        <p class="lead">{tr!(i18n, password.change_lead)}</p>
                        <form class="form" method="post" novalidate on:submit=on_start>
                            <TextField
                                id="current-password"
                                name="current_password"
                                label=Signal::derive(move || t_string!(i18n, password.current_label).to_string())
                                error=Signal::derive(move || current_missing.get().then(|| t_string!(i18n, sign_in.required_password).to_string()))
                                value=current
                                input_type="password"
                                autocomplete="current-password"
                            />
                            <p role="alert" class="error-box">{move || start.value().get().and_then(Result::err).map(error_of)}</p>
                            <button type="submit" class="button primary" disabled=move || !live.get() || start.pending().get()>
                                {tr!(i18n, password.send_code)}
                            </button>
                        </form>
                    }
                    .into_any(),
                    Some(c) => view! {
                        <form class="form" method="post" novalidate on:submit=on_finish>
                            <CodeField id="code" code masked_phone=c.masked_phone />
                            <NewPasswordFields
                                password=new_password
                                confirm
                                identifiers=Signal::derive(Vec::new)
                                refused=Signal::derive(move || refused_rules(finish.value().get()))
                                tried
                            />
                            <p role="alert" class="error-box">{move || finish.value().get().and_then(Result::err).map(error_of)}</p>
                            <button type="submit" class="button primary" disabled=move || finish.pending().get()>
                                {tr!(i18n, password.change_submit)}
                            </button>
                        </form>
                    }
                    .into_any(),
                }
            }}
    }
}

/// `/forgot-password`: login ID and registered mobile, then the code and the new password.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let (login_id, mobile) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let missing = RwSignal::new((false, false));
    let (code, new_password, confirm, tried) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(false),
    );
    let start = ServerAction::<StartPasswordReset>::new();
    let finish = ServerAction::<FinishPasswordReset>::new();
    crate::announce::announce_success(finish.value(), |l| td_string!(l, password.reset_done).to_string());
    let live = crate::form::hydrated();
    let challenge = move || start.value().get().and_then(Result::ok);
    let error_of = move |e: AppError| sign_in_error_text(&e, i18n.get_locale());
    let done = move || matches!(finish.value().get(), Some(Ok(())));
    let identifiers = Signal::derive(move || vec![login_id.get().trim().to_owned(), mobile.get().trim().to_owned()]);

    let on_start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (l, m) = (login_id.get_untracked(), mobile.get_untracked());
        missing.set((l.trim().is_empty(), m.trim().is_empty()));
        if !l.trim().is_empty() && !m.trim().is_empty() {
            start.dispatch(StartPasswordReset { login_id: l, mobile: m });
        }
    };
    let on_finish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let ready = new_password
            .with_untracked(|p| confirm.with_untracked(|c| new_password_ready(p, c, &identifiers.get_untracked())));
        if let (true, Some(c)) = (ready, challenge()) {
            finish.dispatch(FinishPasswordReset {
                challenge_id: c.id,
                code: code.get_untracked(),
                new_password: new_password.get_untracked(),
            });
        }
    };
    let start_over = move |_| {
        start.value().set(None);
        finish.value().set(None);
        code.set(String::new());
        tried.set(false);
        crate::announce::focus_when_shown("login-id");
    };

    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, password.reset_title).to_string()) />
        <section class="page narrow">
            <h1>{tr!(i18n, password.reset_title)}</h1>
            {move || {
                if done() {
                    return view! {
                        <p class="notice">{tr!(i18n, password.reset_done)}</p>
                        <p><a class="button primary" href="/sign-in">{tr!(i18n, nav.sign_in)}</a></p>
                    }
                    .into_any();
                }
                match challenge() {
                    None => view! {
                        <p class="lead">{tr!(i18n, password.reset_lead)}</p>
                        <form class="form" method="post" novalidate on:submit=on_start>
                            <TextField
                                id="login-id"
                                name="login_id"
                                label=Signal::derive(move || t_string!(i18n, sign_in.login_id).to_string())
                                hint=Signal::derive(move || t_string!(i18n, sign_in.login_id_hint).to_string())
                                error=Signal::derive(move || missing.get().0.then(|| t_string!(i18n, sign_in.required_login_id).to_string()))
                                value=login_id
                                autocomplete="username"
                            />
                            <TextField
                                id="mobile"
                                name="mobile"
                                label=Signal::derive(move || t_string!(i18n, password.mobile_label).to_string())
                                error=Signal::derive(move || missing.get().1.then(|| t_string!(i18n, password.mobile_required).to_string()))
                                value=mobile
                                input_type="tel"
                                autocomplete="tel"
                                inputmode="tel"
                            />
                            <p role="alert" class="error-box">{move || start.value().get().and_then(Result::err).map(error_of)}</p>
                            <button type="submit" class="button primary" disabled=move || !live.get() || start.pending().get()>
                                {tr!(i18n, password.send_code)}
                            </button>
                        </form>
                    }
                    .into_any(),
                    Some(c) => view! {
                        <form class="form" method="post" novalidate on:submit=on_finish>
                            <p class="notice">{tr!(i18n, password.reset_code_note)}</p>
                            <CodeField id="code" code masked_phone=c.masked_phone />
                            <NewPasswordFields
                                password=new_password
                                confirm
                                identifiers
                                refused=Signal::derive(move || refused_rules(finish.value().get()))
                                tried
                            />
                            <p role="alert" class="error-box">{move || finish.value().get().and_then(Result::err).map(error_of)}</p>
                            <button type="submit" class="button primary" disabled=move || finish.pending().get()>
                                {tr!(i18n, password.reset_submit)}
                            </button>
                            <button type="button" class="button" on:click=start_over>{tr!(i18n, sign_in.start_over)}</button>
                        </form>
                    }
                    .into_any(),
                }
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_is_sent_only_when_it_keeps_the_rules_and_both_entries_match() {
        let ids = vec!["C000001".to_owned()];
        assert!(new_password_ready("Harbour7Lantern", "Harbour7Lantern", &ids));
        assert!(!new_password_ready("Harbour7Lantern", "Harbour7Lanterm", &ids), "entries differ");
        assert!(!new_password_ready("c000001x9", "c000001x9", &ids), "contains the customer number");
        assert!(!new_password_ready("short1", "short1", &ids));
    }
}
