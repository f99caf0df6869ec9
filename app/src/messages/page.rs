//! The Messages page, the unread count in the navigation, and the two forms that decide what
//! the customer hears about: an account's alerts (on the account page) and the channels (on the
//! settings page).

use super::alerts::{AlertProblem, AlertSettings, MAX_REMINDER_DAYS, parse_alert_settings};
use super::{MarkAllMessagesRead, MarkMessageRead, SaveAccountAlerts, SaveMessagePreferences, message_text};
use crate::accounts::{AccountKind, AccountSummary};
use crate::error::AppError;
use crate::form::TextField;
use crate::format::format_datetime;
use crate::i18n::*;
use crate::layout::PageTitle;
use crate::money::Money;
use crate::resource::settled;
use leptos::prelude::*;

/// The unread count every page's navigation shows, re-read after signing in or out, on every
/// page change (marking a message read is a page load of its own).
#[derive(Clone, Copy)]
pub struct Inbox {
    pub unread: crate::resource::Resource<Result<u32, AppError>>,
}

pub fn provide_inbox() {
    let session = crate::auth::use_session();
    let location = leptos_router::hooks::use_location();
    let unread = crate::resource::streamed(
        move || (session.version.get(), location.pathname.get()),
        move |_| async move {
            // The server renders the count that came with the session's viewer (one query for
            // the whole header); the browser asks again as the customer moves around.
            if cfg!(feature = "ssr") {
                session.viewer.await.map(|viewer| viewer.map_or(0, |viewer| viewer.unread))
            } else {
                super::unread_messages().await
            }
        },
    );
    provide_context(Inbox { unread });
}

pub fn use_inbox() -> Inbox {
    expect_context::<Inbox>()
}

/// "Messages" in the navigation, with the number of unread messages said in words too.
#[component]
pub fn MessagesNavLink(unread: u32) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <crate::layout::NavLink href="/messages">
            {tr!(i18n, nav.messages)}
            {(unread > 0).then(|| view! {
                " " <span class="count">{unread}<span class="sr-only">{tr!(i18n, nav.unread)}</span></span>
            })}
        </crate::layout::NavLink>
    }
}

/// `/messages`: alerts, reminders and notices, newest first, unread ones marked in words.
#[component]
pub fn MessagesPage() -> impl IntoView {
    let i18n = use_i18n();
    let messages = crate::resource::streamed(|| (), |_| super::my_messages());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, nav.messages).to_string()) />
        <section class="page">
            <h1>{tr!(i18n, nav.messages)}</h1>
            <p class="lead">{tr!(i18n, messages.lead)}</p>
            <p><a href="/settings#message-preferences">{tr!(i18n, messages.preferences_link)}</a></p>
            <Transition fallback=move || view! { <p role="status">{tr!(i18n, settings.loading)}</p> }>
                {move || Suspend::new(async move {
                    match settled(messages.await).await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">{tr!(i18n, messages.empty)}</p> }.into_any(),
                        Ok(list) => view! { <MessageList list /> }.into_any(),
                        Err(_) => view! { <p class="error-box" role="alert">{tr!(i18n, error.generic)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The inbox with its "mark read" buttons. They are plain HTML forms (`form::post_to`): after
/// one, the page comes back with the message marked, the navigation's count as the server now
/// has it, and what was done said at the top. So in islands mode the page loads no code for it.
#[component]
pub fn MessageList(list: Vec<super::MessageItem>) -> impl IntoView {
    use crate::form::{DoneNote, post_to, refusal};
    let i18n = use_i18n();
    let unread = list.iter().filter(|m| !m.read).count();
    let failed = refusal::<MarkMessageRead>().is_some() || refusal::<MarkAllMessagesRead>().is_some();
    view! {
        <DoneNote what="read">{tr!(i18n, announce.marked_read)}</DoneNote>
        <DoneNote what="all-read">{tr!(i18n, announce.all_read)}</DoneNote>
        <p role="alert" class="error-box">{move || failed.then(|| t_string!(i18n, error.generic))}</p>
        <div class="message-summary">
            <p>{move || leptos_i18n::td_string!(i18n.get_locale(), messages.unread_summary, n = unread).to_string()}</p>
            {(unread > 0).then(|| view! {
                <form method="post" action={post_to::<MarkAllMessagesRead>()}>
                    <button type="submit" class="button">{tr!(i18n, messages.read_all)}</button>
                </form>
            })}
        </div>
        <ul class="message-list">
            {list.into_iter().map(|m| {
                let (id, kind, params, read) = (m.id, m.kind, m.params.clone(), m.read);
                let text = move || message_text(kind, &params, i18n.get_locale());
                let text2 = text.clone();
                view! {
                    <li class="card message" class:unread=!read>
                        <h2>
                            {(!read).then(|| view! { <span class="badge unread-badge">{tr!(i18n, messages.unread)}</span> " " })}
                            {move || text().0}
                        </h2>
                        <p class="message-time">{move || format_datetime(m.created_at, i18n.get_locale())}</p>
                        <p class="message-body">{move || text2().1}</p>
                        <div class="message-actions">
                            {m.account_id.map(|a| view! { <a href=format!("/accounts/{a}")>{tr!(i18n, messages.open_account)}</a> })}
                            {m.params.rebook.clone().filter(|p| crate::shell::is_site_path(p)).map(|href| view! {
                                <a class="button primary" href=href>{tr!(i18n, messages.rebook)}</a>
                            })}
                            {m.params.rate.clone().filter(|p| crate::shell::is_site_path(p)).map(|href| view! {
                                <a class="button primary" href=href>{tr!(i18n, messages.rate_visit)}</a>
                            })}
                            {(!read).then(|| view! {
                                <form method="post" action={post_to::<MarkMessageRead>()}>
                                    <input type="hidden" name="message_id" value=id />
                                    <button type="submit" class="button">{tr!(i18n, messages.mark_read)}</button>
                                </form>
                            })}
                        </div>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Which alerts an account kind can have: a balance alert (current accounts) and due-date
/// reminders (cards and loans).
pub fn alert_options(kind: AccountKind) -> (bool, bool) {
    match kind {
        AccountKind::Demand => (true, false),
        AccountKind::CreditCard | AccountKind::Loan => (false, true),
        _ => (false, false),
    }
}

/// The account page's alert settings, filled in with the `saved` ones (the account page reads
/// them with the account, so they are in the page as the server sends it).
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn AccountAlerts(account: AccountSummary, saved: Option<AlertSettings>) -> impl IntoView {
    let i18n = use_i18n();
    let (balance, due) = alert_options(account.kind);
    let account_id = account.id;
    let currency = account.currency;
    let (low, days) = saved
        .map(|s| {
            let low = s.low_balance_minor.map(|m| Money::new(m, currency).plain_abs()).unwrap_or_default();
            (low, s.due_reminder_days.to_string())
        })
        .unwrap_or_default();
    let low_balance = RwSignal::new(low);
    let reminder_days = RwSignal::new(days);
    let problems = RwSignal::new(Vec::<AlertProblem>::new());
    let save = ServerAction::<SaveAccountAlerts>::new();
    let live = crate::form::hydrated();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match parse_alert_settings(&low_balance.get_untracked(), &reminder_days.get_untracked(), currency) {
            Ok(_) => {
                problems.set(Vec::new());
                save.dispatch(SaveAccountAlerts {
                    account_id,
                    low_balance: low_balance.get_untracked(),
                    reminder_days: reminder_days.get_untracked(),
                });
            }
            Err(found) => problems.set(found),
        }
    };
    let has = move |p: AlertProblem| problems.with(|ps| ps.contains(&p));
    let saved = move || matches!(save.value().get(), Some(Ok(_))).then(|| t_string!(i18n, messages.alerts_saved));
    let server_error = move || match save.value().get() {
        Some(Err(AppError::Invalid { field, .. })) if field == "reminder_days" => {
            Some(leptos_i18n::td_string!(i18n.get_locale(), messages.bad_days, max = MAX_REMINDER_DAYS).to_string())
        }
        Some(Err(AppError::Invalid { .. })) => Some(t_string!(i18n, messages.bad_threshold).to_string()),
        Some(Err(_)) => Some(t_string!(i18n, error.generic).to_string()),
        _ => None,
    };
    (balance || due).then(move || {
        view! {
            <section class="page" aria-labelledby="alerts-heading">
                <h2 id="alerts-heading">{tr!(i18n, messages.alerts_title)}</h2>
                <form class="form alerts-form" method="post" novalidate on:submit=on_submit>
                    {balance.then(|| view! {
                        <TextField
                            id="low-balance"
                            name="low_balance"
                            label=Signal::derive(move || leptos_i18n::td_string!(i18n.get_locale(), messages.low_balance_label, currency = currency.code().to_owned()).to_string())
                            hint=Signal::derive(move || t_string!(i18n, messages.low_balance_hint).to_string())
                            error=Signal::derive(move || has(AlertProblem::BadThreshold).then(|| t_string!(i18n, messages.bad_threshold).to_string()))
                            value=low_balance
                            inputmode="decimal"
                            optional=true
                        />
                    })}
                    {due.then(|| view! {
                        <TextField
                            id="reminder-days"
                            name="reminder_days"
                            label=Signal::derive(move || t_string!(i18n, messages.reminder_days_label).to_string())
                            hint=Signal::derive(move || t_string!(i18n, messages.reminder_days_hint).to_string())
                            error=Signal::derive(move || has(AlertProblem::BadReminderDays).then(|| leptos_i18n::td_string!(i18n.get_locale(), messages.bad_days, max = MAX_REMINDER_DAYS).to_string()))
                            value=reminder_days
                            inputmode="numeric"
                            maxlength=2
                        />
                    })}
                    <p role="status" class="status">{saved}</p>
                    <p role="alert" class="error-box">{server_error}</p>
                    <p>
                        <button type="submit" class="button primary" disabled=move || !live.get() || save.pending().get()>
                            {tr!(i18n, messages.alerts_save)}
                        </button>
                    </p>
                </form>
            </section>
        }
    })
}

/// The settings page's "how we reach you": SMS and e-mail besides the Messages page. Rendered once
/// the saved choice is known (on the server too, so the page shows it without WASM), inside its
/// own `<Transition>`: a resource read in an effect would count as pending for the page's
/// enclosing `<Suspense>` (RequireSignIn), which then rebuilt the whole page in the browser.
#[component]
pub fn MessagePreferences() -> impl IntoView {
    let i18n = use_i18n();
    let current = crate::resource::streamed(|| (), |_| super::message_preferences());
    view! {
        <h2 id="message-preferences">{tr!(i18n, messages.preferences_title)}</h2>
        <Transition fallback=move || view! { <p role="status">{tr!(i18n, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match settled(current.await).await {
                    Ok(stored) => view! { <PreferencesForm stored /> }.into_any(),
                    Err(_) => view! { <p class="error-box" role="alert">{tr!(i18n, error.generic)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The channels form: a plain HTML form (`form::post_to`), after which the page comes back with
/// the choice as saved and saying so. So in islands mode the page loads no code for it.
#[component]
pub fn PreferencesForm(stored: super::Preferences) -> impl IntoView {
    let i18n = use_i18n();
    let has_email = stored.has_email;
    let failed = crate::form::refusal::<SaveMessagePreferences>().map(|e| match e {
        AppError::InPersonOnly => t_string!(i18n, assist.in_person_only),
        _ => t_string!(i18n, error.generic),
    });
    view! {
        <form class="form" method="post" action={crate::form::post_to::<SaveMessagePreferences>()} novalidate>
            <fieldset>
                <legend>{tr!(i18n, messages.preferences_legend)}</legend>
                <p class="hint">{tr!(i18n, messages.preferences_hint)}</p>
                <div class="choice">
                    <input type="checkbox" id="pref-sms" name="sms" value="true" checked=stored.sms />
                    <label for="pref-sms">{tr!(i18n, messages.by_sms)}</label>
                </div>
                <div class="choice">
                    <input type="checkbox" id="pref-email" name="email" value="true" aria-describedby="pref-email-hint"
                        checked=stored.email disabled=!has_email />
                    <label for="pref-email">{tr!(i18n, messages.by_email)}</label>
                </div>
                <p class="hint" id="pref-email-hint">
                    {(!has_email).then_some(tr!(i18n, messages.no_email))}
                </p>
            </fieldset>
            <crate::form::DoneNote what="channels-saved">{tr!(i18n, messages.preferences_saved)}</crate::form::DoneNote>
            <p role="alert" class="error-box">{move || failed}</p>
            <p>
                <button type="submit" class="button primary">{tr!(i18n, messages.preferences_save)}</button>
            </p>
        </form>
    }
}
