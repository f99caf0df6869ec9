//! Settings: the customer's signed-in devices (end one, or all others) and security activity.
//! The password is changed on its own page (`auth::password`); how messages reach the customer
//! is `messages::page::MessagePreferences`.

use crate::error::AppError;
use crate::format::format_datetime;
use crate::i18n::*;
use crate::layout::PageTitle;
use crate::resource::settled;
use leptos::prelude::*;
use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

/// One live session, as the customer sees it in their device list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
    /// The session of this very browser.
    pub current: bool,
}

/// One security event about the customer (from the audit trail).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub kind: String,
    pub at: i64,
    pub client_addr: Option<String>,
}

#[server(endpoint = "settings/sessions")]
pub async fn my_sessions() -> Result<Vec<SessionInfo>, AppError> {
    let (state, who, _) = crate::guard::require_customer_in_person("sessions").await?;
    let now = state.now();
    crate::auth::service::live_sessions(&state.pool, &who, now).await.map_err(AppError::internal)
}

#[server(endpoint = "settings/end-session")]
pub async fn end_session(session_id: String) -> Result<(), AppError> {
    let (state, who, _) = crate::guard::require_customer_in_person("sessions").await?;
    let now = state.now();
    let client = crate::audit::client();
    match crate::auth::service::end_session(&state.pool, &who, &session_id, &client, now).await {
        Ok(true) => {
            crate::form::back_saying("session-ended");
            Ok(())
        }
        Ok(false) => Err(AppError::NotFound),
        Err(e) => Err(AppError::internal(e)),
    }
}

#[server(endpoint = "settings/end-other-sessions")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    let (state, who, _) = crate::guard::require_customer_in_person("sessions").await?;
    let now = state.now();
    let client = crate::audit::client();
    let ended =
        crate::auth::service::end_other_sessions(&state.pool, &who, &client, now).await.map_err(AppError::internal)?;
    crate::form::back_saying("others-ended");
    Ok(ended)
}

#[server(endpoint = "settings/activity")]
pub async fn my_security_activity() -> Result<Vec<ActivityItem>, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    crate::auth::service::security_activity(&state.pool, customer_id, 20).await.map_err(AppError::internal)
}

/// A security event's name in the customer's language.
fn event_name(kind: &str, locale: Locale) -> String {
    match kind {
        "sign_in_succeeded" => td_string!(locale, settings.event_sign_in_succeeded),
        "sign_in_failed" => td_string!(locale, settings.event_sign_in_failed),
        "sign_in_locked" | "sign_in_refused_locked" => td_string!(locale, settings.event_sign_in_locked),
        "sign_in_refused_suspended" => td_string!(locale, settings.event_sign_in_refused_suspended),
        "code_sent" => td_string!(locale, settings.event_code_sent),
        "code_failed" => td_string!(locale, settings.event_code_failed),
        "sign_out" => td_string!(locale, settings.event_sign_out),
        "session_ended" | "other_sessions_ended" => td_string!(locale, settings.event_session_ended),
        "refresh_token_reused" => td_string!(locale, settings.event_token_reused),
        "permission_denied" => td_string!(locale, settings.event_permission_denied),
        "password_changed" => td_string!(locale, settings.event_password_changed),
        "password_reset" => td_string!(locale, settings.event_password_reset),
        "account_number_revealed" => td_string!(locale, settings.event_account_number_revealed),
        "transaction_reported" => td_string!(locale, settings.event_transaction_reported),
        "complaint_viewed_by_staff" | "complaint_file_opened_by_staff" => {
            td_string!(locale, settings.event_complaint_viewed)
        }
        "complaint_claimed"
        | "complaint_replied"
        | "complaint_called"
        | "complaint_noted"
        | "complaint_marked_complex"
        | "complaint_decided"
        | "complaint_assigned"
        | "complaint_recusal_recorded"
        | "complaint_extension_requested"
        | "complaint_extension_answered"
        | "complaint_paused"
        | "complaint_resumed" => {
            td_string!(locale, settings.event_complaint_handled)
        }
        "customer_search" => td_string!(locale, settings.event_customer_search),
        "assist_requested" | "assist_approved" => td_string!(locale, settings.event_assist_requested),
        "assist_started" => td_string!(locale, settings.event_assist_started),
        "assist_ended" => td_string!(locale, settings.event_assist_ended),
        "assist_closed" | "assist_code_wrong" | "assist_code_refused" => {
            td_string!(locale, settings.event_assist_closed)
        }
        "assisted_refused" => td_string!(locale, settings.event_assisted_refused),
        _ => td_string!(locale, settings.event_other),
    }
    .to_string()
}

/// A browser's user-agent string, shortened to what a person recognises.
fn device_name(user_agent: Option<&str>) -> Option<&'static str> {
    let ua = user_agent?;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("Chrome/") {
        "Chrome"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        return None;
    };
    Some(browser)
}

/// The customer's signed-in devices, each but this one with its "end" button, and "end all
/// others" while there are any. The buttons are plain HTML forms (`form::post_to`): after one,
/// the page comes back with the list and the security activity as they now stand, and what was
/// done said above the list; a refusal (a delegated session may not end the customer's
/// sessions) is said in words. So in islands mode the page loads no code for it.
#[component]
pub fn DeviceList(sessions: Vec<SessionInfo>) -> impl IntoView {
    use crate::form::{DoneNote, post_to, refusal};
    let i18n = use_i18n();
    let error = refusal::<EndSession>().or_else(refusal::<EndOtherSessions>);
    let others = sessions.iter().any(|s| !s.current);
    view! {
        <DoneNote what="session-ended">{tr!(i18n, announce.session_ended)}</DoneNote>
        <DoneNote what="others-ended">{tr!(i18n, announce.others_ended)}</DoneNote>
        <ul class="device-list" aria-labelledby="devices-heading">
            {sessions.into_iter().map(|s| {
                let device = device_name(s.user_agent.as_deref()).unwrap_or("—");
                view! {
                    <li class="card">
                        <p>
                            <strong>{device}</strong>
                            {s.current.then(|| view! { " · " <span class="badge">{tr!(i18n, settings.this_device)}</span> })}
                        </p>
                        <p>
                            {move || td_string!(i18n.get_locale(), settings.signed_in_at, time = format_datetime(s.created_at, i18n.get_locale())).to_string()}
                        </p>
                        <p>
                            {move || td_string!(i18n.get_locale(), settings.last_seen, time = format_datetime(s.last_seen_at, i18n.get_locale())).to_string()}
                        </p>
                        <p>{s.client_addr.clone().unwrap_or_default()}</p>
                        {(!s.current).then(|| view! {
                            <form method="post" action={post_to::<EndSession>()}>
                                <input type="hidden" name="session_id" value=s.id.clone() />
                                <button type="submit" class="button">{tr!(i18n, settings.end_session)}</button>
                            </form>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
        {others.then(|| view! {
            <form method="post" action={post_to::<EndOtherSessions>()}>
                <p><button type="submit" class="button">{tr!(i18n, settings.end_others)}</button></p>
            </form>
        })}
        {error.map(|e| crate::layout::failed_because(&e))}
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let sessions = crate::resource::streamed(|| (), |_| my_sessions());
    let activity = crate::resource::streamed(|| (), |_| my_security_activity());
    let loading = move || view! { <p role="status">{tr!(i18n, settings.loading)}</p> };
    let failed = move || view! { <p class="error-box" role="alert">{tr!(i18n, error.generic)}</p> };

    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, nav.settings).to_string()) />
        <section class="page">
            <h1>{tr!(i18n, nav.settings)}</h1>
            <h2 id="devices-heading">{tr!(i18n, settings.sessions_title)}</h2>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(sessions.await).await {
                        Ok(list) => view! { <DeviceList sessions=list /> }.into_any(),
                        Err(e) => crate::layout::failed_because(&e).into_any(),
                    }
                })}
            </Transition>

            <crate::messages::page::MessagePreferences />

            <crate::display::DisplaySettings />

            <crate::delegation::pages::AssistHistory />

            <h2>{tr!(i18n, settings.password_title)}</h2>
            <p>{tr!(i18n, settings.password_lead)}</p>
            <p><a class="button" href="/settings/password">{tr!(i18n, settings.password_link)}</a></p>

            <h2 id="activity-heading">{tr!(i18n, settings.activity_title)}</h2>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(activity.await).await {
                        Ok(items) if items.is_empty() => view! { <p>{tr!(i18n, settings.activity_empty)}</p> }.into_any(),
                        Ok(items) => view! {
                            <div class="table-scroll" role="region" aria-labelledby="activity-heading" tabindex="0">
                                <table aria-labelledby="activity-heading">
                                    <thead>
                                        <tr>
                                            <th scope="col">{tr!(i18n, settings.col_time)}</th>
                                            <th scope="col">{tr!(i18n, settings.col_event)}</th>
                                            <th scope="col">{tr!(i18n, settings.col_address)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {items
                                            .into_iter()
                                            .map(|item| view! {
                                                <tr>
                                                    <td>{move || format_datetime(item.at, i18n.get_locale())}</td>
                                                    <td>{move || event_name(&item.kind, i18n.get_locale())}</td>
                                                    <td>{item.client_addr.clone().unwrap_or_default()}</td>
                                                </tr>
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                        .into_any(),
                        Err(_) => failed().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_named_by_their_browser() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(device_name(Some(chrome)), Some("Chrome"));
        assert_eq!(device_name(Some("Mozilla/5.0 Firefox/140.0")), Some("Firefox"));
        assert_eq!(device_name(Some("curl/8")), None);
        assert_eq!(device_name(None), None);
    }

    #[test]
    fn every_recorded_sign_in_event_has_a_name_in_both_languages() {
        for kind in [
            "sign_in_succeeded",
            "sign_in_failed",
            "sign_in_locked",
            "code_sent",
            "sign_out",
            "refresh_token_reused",
            "permission_denied",
            "password_changed",
            "password_reset",
            "account_number_revealed",
            "transaction_reported",
        ] {
            for locale in [Locale::zh_CN, Locale::en] {
                assert_ne!(event_name(kind, locale), event_name("something_else", locale), "{kind}");
            }
        }
    }
}
