//! Changing a password (signed in: current password, then a code) and resetting a forgotten
//! one (login ID and registered mobile, then a code). The rules for a new password are shown as
//! the person types, and checked again on the server.

use super::rules::{PasswordRule, password_problems};
use super::{Challenge, CodeField, SignInRefusal, sign_in_error_text};
use crate::error::AppError;
use crate::form::TextField;
use crate::i18n::*;
use crate::layout::PageTitle;
use crate::resource::settled;
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

/// The reset in progress in this browser, for as long as its code is valid: the challenge and
/// where its code went (`<id>.<masked phone as hex>`). Never looked up: a reset whose ID and mobile
/// do not belong together has a challenge that leads nowhere, and must look the same.
pub const RESET_COOKIE: &str = "portal_reset";

/// Forgotten password, step one: a code to the registered mobile, if the ID and the mobile belong
/// together; either way the page goes on to the code step.
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
    let challenge = server::refused_or_internal(
        super::service::start_password_reset(&server::deps(&state), &login_id, &mobile, &crate::audit::client(), now)
            .await,
    )?;
    let valid_secs = super::service::code_policy(&state.settings).valid_secs;
    server::append_cookies(vec![server::cookie(
        RESET_COOKIE,
        &reset_cookie::value(&challenge),
        valid_secs,
        state.settings.https,
    )]);
    crate::form::on_to(RESET_PAGE);
    Ok(challenge)
}

/// Step two: the code and the new password, twice. Done, or the code spent, the reset is over.
#[server(endpoint = "password-reset/finish")]
pub async fn finish_password_reset(
    challenge_id: String,
    code: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use super::server;
    if new_password != confirm_password {
        return Err(AppError::Invalid { field: "confirm_password".into(), problem: "mismatch".into() });
    }
    let state = crate::guard::state()?;
    let now = state.now();
    server::rate_limit(&state, now)?;
    let deps = server::deps(&state);
    let result = server::refused_or_internal(
        super::service::finish_password_reset(&deps, &challenge_id, &code, &new_password, &crate::audit::client(), now)
            .await,
    );
    if matches!(result, Ok(()) | Err(AppError::SignIn(SignInRefusal::CodeExpired))) {
        server::append_cookies(vec![server::cookie(RESET_COOKIE, "", 0, state.settings.https)]);
    }
    if result.is_ok() {
        crate::form::on_to(&format!("{RESET_PAGE}?done={RESET_DONE}"));
    }
    result
}

/// "Start again" on the code step: forgets the reset in progress.
#[server(endpoint = "password-reset/restart")]
pub async fn restart_password_reset() -> Result<(), AppError> {
    let state = crate::guard::state()?;
    super::server::append_cookies(vec![super::server::cookie(RESET_COOKIE, "", 0, state.settings.https)]);
    crate::form::on_to(RESET_PAGE);
    Ok(())
}

/// Which step the forgotten-password page shows: the code step while this browser has a reset
/// in progress.
#[server(endpoint = "password-reset/progress")]
pub async fn password_reset_progress() -> Result<Option<Challenge>, AppError> {
    let Some(parts) = use_context::<http::request::Parts>() else { return Ok(None) };
    Ok(crate::state::cookie_value(&parts.headers, RESET_COOKIE).and_then(|value| reset_cookie::read(&value)))
}

#[cfg(feature = "ssr")]
mod reset_cookie {
    use super::Challenge;

    /// The cookie's value: the challenge's id, then where the code went as hex (a mobile number
    /// typed any way is still a valid header).
    pub fn value(challenge: &Challenge) -> String {
        format!("{}.{}", challenge.id, hex::encode(challenge.masked_phone.as_bytes()))
    }

    pub fn read(value: &str) -> Option<Challenge> {
        let (id, phone) = value.split_once('.')?;
        let masked_phone = String::from_utf8(hex::decode(phone).ok()?).ok()?;
        (!id.is_empty()).then(|| Challenge { id: id.to_owned(), masked_phone })
    }
}

/// The forgotten-password page, where its steps' forms come back to.
#[cfg(feature = "ssr")]
const RESET_PAGE: &str = "/forgot-password";
/// What the page's address says when the reset is done.
const RESET_DONE: &str = "reset";

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
///
/// Plain HTML forms, as on the sign-in page: posted to the steps' server functions, which answer
/// with a redirect back here (a refusal comes back in the address), and checked before they are
/// sent ([`crate::form::CheckedForms`]). Which step shows is the reset this browser has in progress
/// ([`password_reset_progress`]). So the page works before the app has loaded, and in islands mode
/// it needs no code of its own. The new password's rules are listed; the server checks them, and
/// its refusal marks which are kept and which are not.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let started = crate::form::refusal::<StartPasswordReset>();
    let finished = crate::form::refusal::<FinishPasswordReset>();
    let progress = crate::resource::streamed(|| (), |_| password_reset_progress());
    let done = crate::form::done(RESET_DONE);
    let steps = move || {
        let (started, finished) = (started.clone(), finished.clone());
        view! {
            <Suspense fallback=|| ()>
                {move || {
                    let (started, finished) = (started.clone(), finished.clone());
                    Suspend::new(async move {
                        match settled(progress.await).await.ok().flatten() {
                            Some(challenge) => view! { <ResetCodeStep challenge refusal=finished /> }.into_any(),
                            // A refusal of the code step here: its code can no longer be entered.
                            None => view! { <ResetStartStep refusal=started.or(finished) /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        }
    };
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, password.reset_title).to_string()) />
        <section class="page narrow">
            <h1>{tr!(i18n, password.reset_title)}</h1>
            <Show when=done fallback=steps>
                <crate::form::DoneNote what=RESET_DONE>{tr!(i18n, password.reset_done)}</crate::form::DoneNote>
                <p><a class="button primary" href="/sign-in">{tr!(i18n, nav.sign_in)}</a></p>
            </Show>
        </section>
    }
}

/// A refusal the page says in its error box (not one that belongs to a field).
fn refusal_text(refusal: &Option<AppError>, of_a_field: impl Fn(&AppError) -> bool, locale: Locale) -> Option<String> {
    refusal.as_ref().filter(|e| !of_a_field(e)).map(|e| sign_in_error_text(e, locale))
}

fn refused_field(refusal: &Option<AppError>, name: &str) -> bool {
    matches!(refusal, Some(AppError::Invalid { field, .. }) if field == name)
}

/// Step one: the login ID and the registered mobile.
#[component]
fn ResetStartStep(refusal: Option<AppError>) -> impl IntoView {
    let i18n = use_i18n();
    let (missing_login, missing_mobile) = (refused_field(&refusal, "login_id"), refused_field(&refusal, "mobile"));
    let message = move || refusal_text(&refusal, |e| matches!(e, AppError::Invalid { .. }), i18n.get_locale());
    view! {
        <p class="lead">{tr!(i18n, password.reset_lead)}</p>
        <crate::form::CheckedForms>
            <form class="form" method="post" action={crate::form::post_to::<StartPasswordReset>()}>
                <crate::form::PlainField
                    id="login-id"
                    name="login_id"
                    label=Signal::derive(move || t_string!(i18n, sign_in.login_id).to_string())
                    hint=Signal::derive(move || t_string!(i18n, sign_in.login_id_hint).to_string())
                    error=Signal::derive(move || t_string!(i18n, sign_in.required_login_id).to_string())
                    refused=missing_login
                    autocomplete="username"
                    autofocus=missing_login
                />
                <crate::form::PlainField
                    id="mobile"
                    name="mobile"
                    label=Signal::derive(move || t_string!(i18n, password.mobile_label).to_string())
                    error=Signal::derive(move || t_string!(i18n, password.mobile_required).to_string())
                    refused=missing_mobile
                    input_type="tel"
                    autocomplete="tel"
                    inputmode="tel"
                    autofocus=missing_mobile
                />
                <p role="alert" class="error-box">{message}</p>
                <button type="submit" class="button primary">{tr!(i18n, password.send_code)}</button>
            </form>
        </crate::form::CheckedForms>
    }
}

/// Step two: the code, and the new password twice; "Start again" forgets the reset.
#[component]
fn ResetCodeStep(challenge: Challenge, refusal: Option<AppError>) -> impl IntoView {
    let i18n = use_i18n();
    let broken = match &refusal {
        Some(AppError::SignIn(SignInRefusal::WeakPassword { rules })) => rules.clone(),
        _ => Vec::new(),
    };
    let weak = !broken.is_empty() || refused_field(&refusal, "new_password");
    let mismatch = refused_field(&refusal, "confirm_password");
    let of_a_field =
        |e: &AppError| matches!(e, AppError::Invalid { .. } | AppError::SignIn(SignInRefusal::WeakPassword { .. }));
    let message = move || refusal_text(&refusal, of_a_field, i18n.get_locale());
    let masked_phone = challenge.masked_phone;
    view! {
        <crate::form::CheckedForms>
            <form class="form" method="post" action={crate::form::post_to::<FinishPasswordReset>()}>
                <p class="notice">{tr!(i18n, password.reset_code_note)}</p>
                <input type="hidden" name="challenge_id" value=challenge.id />
                <crate::form::PlainField
                    id="code"
                    name="code"
                    label=Signal::derive(move || t_string!(i18n, sign_in.code_label).to_string())
                    hint=Signal::derive(move || td_string!(i18n.get_locale(), sign_in.code_lead, phone = masked_phone.clone()).to_string())
                    error=Signal::derive(move || t_string!(i18n, sign_in.code_required).to_string())
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    maxlength=6
                    autofocus=!weak && !mismatch
                />
                <crate::form::PlainField
                    id="new-password"
                    name="new_password"
                    label=Signal::derive(move || t_string!(i18n, password.new_label).to_string())
                    hint=Signal::derive(move || t_string!(i18n, password.rules_hint).to_string())
                    error=Signal::derive(move || t_string!(i18n, password.weak).to_string())
                    refused=weak
                    input_type="password"
                    autocomplete="new-password"
                    minlength=8
                    autofocus=weak
                />
                <ul class="password-rules">
                    {RULES
                        .iter()
                        .map(|rule| {
                            let rule = *rule;
                            // Whether the password sent kept it: known once the server has said.
                            let met = (!broken.is_empty()).then(|| !broken.contains(&rule));
                            view! {
                                <li class:met=met == Some(true)>
                                    {met.map(|met| view! {
                                        <span class="rule-state">
                                            {move || if met { t_string!(i18n, password.rule_met) } else { t_string!(i18n, password.rule_not_met) }}
                                        </span>
                                        " "
                                    })}
                                    {move || rule_text(rule, i18n.get_locale())}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <crate::form::PlainField
                    id="confirm-password"
                    name="confirm_password"
                    label=Signal::derive(move || t_string!(i18n, password.confirm_label).to_string())
                    error=Signal::derive(move || t_string!(i18n, password.mismatch).to_string())
                    refused=mismatch
                    input_type="password"
                    autocomplete="new-password"
                    autofocus=mismatch
                />
                <p role="alert" class="error-box">{message}</p>
                <button type="submit" class="button primary">{tr!(i18n, password.reset_submit)}</button>
            </form>
            <form class="form" method="post" action={crate::form::post_to::<RestartPasswordReset>()}>
                <button type="submit" class="button">{tr!(i18n, sign_in.start_over)}</button>
            </form>
        </crate::form::CheckedForms>
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

    #[cfg(feature = "ssr")]
    #[test]
    fn the_reset_cookie_carries_the_challenge_and_where_its_code_went() {
        let challenge = Challenge { id: "9f3a".into(), masked_phone: "138****0001".into() };
        let value = reset_cookie::value(&challenge);
        assert!(value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.'), "{value}");
        let read = reset_cookie::read(&value).unwrap();
        assert_eq!((read.id.as_str(), read.masked_phone.as_str()), ("9f3a", "138****0001"));
        // What anyone typed as a mobile number comes back as typed.
        let odd = Challenge { id: "1".into(), masked_phone: "1; x=\"y\" 中".into() };
        assert_eq!(reset_cookie::read(&reset_cookie::value(&odd)).unwrap().masked_phone, odd.masked_phone);
        for broken in ["", "9f3a", ".3133", "9f3a.zz"] {
            assert!(reset_cookie::read(broken).is_none(), "{broken}");
        }
    }
}
