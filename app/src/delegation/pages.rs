//! The pages and page parts of delegated sessions: the agent's request and consent pages, the
//! banner over every page of a delegated session, the customer's notice and their record in
//! Settings, the supervisors' review, and the staff home's word that a session has ended.

use super::rules::{REASON_MAX, REASON_MIN};
use super::*;
use crate::format::format_datetime;
use crate::resource::settled;
use crate::shell::load_page;
use leptos_router::hooks::{use_location, use_params_map};

/// Leaves a delegated session's pages for the agent's own home, which says why.
pub fn leave_assist(id: i64) {
    load_page(&format!("/staff/home?assist_ended={id}"));
}

/// Whether this request is still in a live delegated session (asked as the agent moves on).
#[server(endpoint = "assist/alive")]
pub async fn assist_alive() -> Result<bool, AppError> {
    let state = crate::guard::state()?;
    Ok(crate::guard::authenticated(&state).await?.is_some_and(|who| who.actor.is_some()))
}

fn clock(secs: i64) -> String {
    format!("{:02}:{:02}", secs.max(0) / 60, secs.max(0) % 60)
}

/// The fixed banner over every page of a delegated session: whose session, why, the time left
/// (counted down by the idle watch, [`show_time_left`]), and "End session", a plain form after
/// which the agent is on their own home, told so. When a page finds the session gone, the agent
/// is taken there too: by the server on a page load, by the app as it moves between pages.
#[component]
pub fn AssistBar(banner: AssistBanner) -> impl IntoView {
    let i18n = use_i18n();
    let id = banner.id;
    let location = use_location();
    Effect::new(move |before: Option<()>| {
        location.pathname.track();
        if before.is_some() {
            leptos::task::spawn_local(async move {
                if let Ok(false) = assist_alive().await {
                    leave_assist(id);
                }
            });
        }
    });
    let (name, no, reason) = (banner.masked_name, banner.customer_no, banner.reason);
    view! {
        <aside class="assist-bar" aria-labelledby="assist-bar-title">
            <p>
                <strong id="assist-bar-title">{tr!(i18n, assist.bar_title)}</strong>
                " "
                {move || td_string!(i18n.get_locale(), assist.bar_whose, name = name.clone(), no = no.clone()).to_string()}
            </p>
            <p class="assist-reason">{move || td_string!(i18n.get_locale(), assist.bar_reason, reason = reason.clone()).to_string()}</p>
            <p>
                {tr!(i18n, assist.bar_left)} " "
                <span class="assist-clock" id=CLOCK>{clock(banner.secs_left)}</span>
            </p>
            <form method="post" action={crate::form::post_to::<EndAssist>()}>
                <input type="hidden" name="id" value=id />
                <p><button type="submit" class="button">{tr!(i18n, assist.end)}</button></p>
            </form>
        </aside>
    }
}

/// Shows the time a delegated session has left in the banner's clock (counted down by the idle
/// watch, [`crate::auth::IdleWatch`]).
pub fn show_time_left(secs: i64) {
    if let Some(shown) = document().get_element_by_id(CLOCK) {
        shown.set_text_content(Some(&clock(secs)));
    }
}

/// The banner's clock.
const CLOCK: &str = "assist-clock";

/// What a signed-in customer sees at the top of every page while a request for their consent
/// waits (the agent, the reason, the code to read out, "Refuse") or a session is live in their
/// name ("End it now"). Both are plain forms: the page comes back without the notice, saying
/// what was done (the frame's [`AssistDone`]).
#[component]
pub fn AssistNoticeBox(notice: AssistNotice) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let refused = crate::form::refusal::<RefuseAssist>();
    let AssistNotice { id, active, staff_name, staff_no, reason, code, until } = notice;
    let who = move || {
        td_string!(
            locale(),
            assist.notice_who,
            name = staff_name.clone(),
            no = staff_no.clone(),
            reason = reason.clone()
        )
        .to_string()
    };
    view! {
        <section class="notice assist-notice" aria-labelledby="assist-notice-title">
            <h2 id="assist-notice-title">
                {move || if active { t_string!(i18n, assist.notice_live_title) } else { t_string!(i18n, assist.notice_request_title) }}
            </h2>
            <p>{who}</p>
            {refused.map(|e| view! { <p role="alert" class="error-box">{move || error_text(&e, locale())}</p> })}
            {match code {
                Some(code) => view! {
                    <p>
                        {tr!(i18n, assist.notice_code)} " " <strong class="assist-code">{code}</strong> " "
                        {move || td_string!(locale(), assist.notice_code_until, time = format_datetime(until, locale())).to_string()}
                    </p>
                    <p class="hint">{tr!(i18n, assist.notice_code_hint)}</p>
                    <form method="post" action={crate::form::post_to::<RefuseAssist>()}>
                        <input type="hidden" name="id" value=id />
                        <p><button type="submit" class="button">{tr!(i18n, assist.refuse)}</button></p>
                    </form>
                }.into_any(),
                None => view! {
                    <p>{move || td_string!(locale(), assist.notice_live_until, time = format_datetime(until, locale())).to_string()}</p>
                    <EndAssistButton id />
                }.into_any(),
            }}
        </section>
    }
}

/// What the customer just did about an agent's request or session, said at the top of whichever
/// page the notice's plain forms (or Settings') were sent from.
#[component]
pub fn AssistDone() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <crate::form::DoneNote what="assist-refused">{tr!(i18n, announce.assist_refused)}</crate::form::DoneNote>
        <crate::form::DoneNote what="assist-ended">{tr!(i18n, announce.assist_ended)}</crate::form::DoneNote>
    }
}

pub fn status_text(status: Status, locale: Locale) -> String {
    match status {
        Status::AwaitingApproval => td_string!(locale, assist.status_awaiting_approval),
        Status::AwaitingConsent => td_string!(locale, assist.status_awaiting_consent),
        Status::Active => td_string!(locale, assist.status_active),
        Status::Ended => td_string!(locale, assist.status_ended),
        Status::Declined => td_string!(locale, assist.status_declined),
        Status::Refused => td_string!(locale, assist.status_refused),
        Status::Cancelled => td_string!(locale, assist.status_cancelled),
        Status::Expired => td_string!(locale, assist.status_expired),
        Status::Withdrawn => td_string!(locale, assist.status_withdrawn),
    }
    .to_string()
}

pub fn end_reason_text(reason: &str, locale: Locale) -> String {
    match reason {
        "customer" => td_string!(locale, assist.ended_customer),
        "supervisor" => td_string!(locale, assist.ended_supervisor),
        "time_limit" => td_string!(locale, assist.ended_time_limit),
        "idle" => td_string!(locale, assist.ended_idle),
        "agent_signed_out" => td_string!(locale, assist.ended_signed_out),
        _ => td_string!(locale, assist.ended_agent),
    }
    .to_string()
}

/// What an agent did in a delegated session (its audit kind), in words.
pub fn done_text(kind: &str, locale: Locale) -> String {
    match kind {
        "appointment_booked" => td_string!(locale, assist.done_booked),
        "appointment_moved" => td_string!(locale, assist.done_moved),
        "appointment_cancelled" => td_string!(locale, assist.done_cancelled),
        "complaint_filed" => td_string!(locale, assist.done_complaint_filed),
        "complaint_withdrawn" => td_string!(locale, assist.done_complaint_withdrawn),
        "complaint_review_requested" => td_string!(locale, assist.done_complaint_review),
        "transaction_reported" => td_string!(locale, assist.done_transaction_reported),
        _ => td_string!(locale, assist.done_other),
    }
    .to_string()
}

/// What the server refused an agent (the action the customer must do in person), in words.
pub fn refused_text(action: &str, locale: Locale) -> String {
    match action {
        "questionnaire" => td_string!(locale, assist.refused_questionnaire),
        "assessment_sign" => td_string!(locale, assist.refused_assessment_sign),
        "subscribe" => td_string!(locale, assist.refused_subscribe),
        "subscription_cancel" => td_string!(locale, assist.refused_subscription_cancel),
        "reveal_number" => td_string!(locale, assist.refused_reveal_number),
        "password" => td_string!(locale, assist.refused_password),
        "sessions" => td_string!(locale, assist.refused_sessions),
        "message_channels" => td_string!(locale, assist.refused_message_channels),
        "assist_consent" | "assist_end" => td_string!(locale, assist.refused_assist),
        _ => td_string!(locale, assist.refused_other),
    }
    .to_string()
}

/// The text of a refusal or problem from these pages' server functions.
fn error_text(error: &AppError, locale: Locale) -> String {
    match error {
        AppError::Invalid { field, problem } if field == "code" => match problem.split_once(':') {
            Some(("wrong", left)) => td_string!(locale, assist.code_wrong, n = left.to_owned()).to_string(),
            _ if problem == "expired" => td_string!(locale, assist.code_expired).to_string(),
            _ => td_string!(locale, assist.code_cancelled).to_string(),
        },
        AppError::Invalid { field, problem } if field == "assist" => {
            let first = problem.split(',').next().unwrap_or_default();
            match first {
                "reason_too_short" => td_string!(locale, assist.reason_too_short, min = REASON_MIN).to_string(),
                "reason_too_long" => td_string!(locale, assist.reason_too_long, max = REASON_MAX).to_string(),
                "reference_unreadable" => td_string!(locale, assist.reference_unreadable).to_string(),
                "reference_unknown" => td_string!(locale, assist.reference_unknown).to_string(),
                "already_open" => td_string!(locale, assist.already_open).to_string(),
                "suspended" => td_string!(locale, assist.suspended).to_string(),
                _ => td_string!(locale, assist.not_open).to_string(),
            }
        }
        AppError::NotFound => td_string!(locale, assist.customer_unknown).to_string(),
        AppError::InPersonOnly => td_string!(locale, assist.in_person_only).to_string(),
        _ => td_string!(locale, error.generic).to_string(),
    }
}

/// `/staff/assist/new?customer=C000012`: the reason and the reference, then the request.
#[component]
pub fn StartAssistPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let query = leptos_router::hooks::use_query_map();
    let customer = move || query.with(|q| q.get("customer").unwrap_or_default());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, assist.start_title).to_string()) />
        <section class="page narrow">
            <p><a href=move || format!("/staff/customers?q={}", customer())>{tr!(i18n, assist.back_to_search)}</a></p>
            <h1>{tr!(i18n, assist.start_title)}</h1>
            <p class="lead">{move || td_string!(locale(), assist.start_lead, no = customer()).to_string()}</p>
            {move || view! { <RequestAssistForm customer=customer() /> }}
        </section>
    }
}

/// The request's reason and reference: a plain HTML form posted to `request_assist`, which goes
/// on to the request's page, or comes back with the refusal, said under its field and
/// with what was typed put back ([`crate::form::CheckedForms`], which also checks the reason's
/// length before the form is sent).
#[component]
fn RequestAssistForm(customer: String) -> impl IntoView {
    let i18n = use_i18n();
    let refused = crate::form::refusal::<RequestAssist>();
    let locale = move || i18n.get_locale();
    let problems = match &refused {
        Some(AppError::Invalid { field, problem }) if field == "assist" => {
            problem.split(',').map(str::to_owned).collect::<Vec<_>>()
        }
        _ => Vec::new(),
    };
    let has = |p: &str| problems.iter().any(|q| q == p);
    let reason_too_long = has("reason_too_long");
    let reason_refused = has("reason_too_short") || reason_too_long;
    let reference_problem = ["reference_unreadable", "reference_unknown"].into_iter().find(|p| has(p));
    let form_error = refused.map(|e| match e {
        AppError::Invalid { problem, .. } if problem.contains("reason") || problem.contains("reference") => {
            td_string!(locale(), assist.fix_fields).to_string()
        }
        e => error_text(&e, locale()),
    });
    let described = |id: &str, error: bool| if error { format!("{id}-hint {id}-error") } else { format!("{id}-hint") };
    view! {
        <crate::form::CheckedForms>
            <form class="form" method="post" action={crate::form::post_to::<RequestAssist>()}>
                <input type="hidden" name="customer_no" value=customer />
                <div class="field">
                    <label for="assist-reason">{tr!(i18n, assist.reason)}</label>
                    <p class="hint" id="assist-reason-hint">{move || td_string!(locale(), assist.reason_hint, min = REASON_MIN).to_string()}</p>
                    <textarea id="assist-reason" name="reason" rows="3" minlength=REASON_MIN maxlength=REASON_MAX required
                        aria-describedby=described("assist-reason", reason_refused)
                        aria-invalid=reason_refused.to_string()></textarea>
                    <p class="error" id="assist-reason-error" hidden=!reason_refused>
                        {move || if reason_too_long {
                            td_string!(locale(), assist.reason_too_long, max = REASON_MAX).to_string()
                        } else {
                            td_string!(locale(), assist.reason_too_short, min = REASON_MIN).to_string()
                        }}
                    </p>
                </div>
                <div class="field">
                    <label for="assist-reference">{tr!(i18n, assist.reference)}</label>
                    <p class="hint" id="assist-reference-hint">{tr!(i18n, assist.reference_hint)}</p>
                    <input id="assist-reference" name="reference" type="text" autocomplete="off" maxlength="20" required
                        aria-describedby=described("assist-reference", reference_problem.is_some())
                        aria-invalid=reference_problem.is_some().to_string() />
                    <p class="error" id="assist-reference-error" hidden=reference_problem.is_none()>
                        {move || if reference_problem == Some("reference_unknown") {
                            td_string!(locale(), assist.reference_unknown).to_string()
                        } else {
                            td_string!(locale(), assist.reference_unreadable).to_string()
                        }}
                    </p>
                </div>
                <p class="hint">{tr!(i18n, assist.start_note)}</p>
                {form_error.map(|e| view! { <p role="alert" class="error-box">{e}</p> })}
                <p><button type="submit" class="button primary">{tr!(i18n, assist.send_request)}</button></p>
            </form>
        </crate::form::CheckedForms>
    }
}

/// `/staff/assist/:id`: where the request stands; while it waits for consent, the code the
/// customer reads out.
#[component]
pub fn AssistPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    let status = crate::resource::blocking(id, assist_status);
    // Withdrawing and the consent code are plain forms: the page comes back saying what was done,
    // or why not (a code refused because the request has ended here: its form is gone).
    let ended = crate::form::refusal::<GiveConsent>()
        .filter(|e| !matches!(e, AppError::Invalid { problem, .. } if problem.starts_with("wrong")));
    let page_error = StoredValue::new(crate::form::refusal::<WithdrawAssist>().or(ended));
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, assist.page_title).to_string()) />
        <section class="page narrow">
            <p><a href="/staff/customers">{tr!(i18n, assist.back_to_search)}</a></p>
            <h1>{tr!(i18n, assist.page_title)}</h1>
            <crate::form::DoneNote what="assist-withdrawn">{tr!(i18n, announce.done)}</crate::form::DoneNote>
            {move || page_error.get_value().map(|e| view! { <p class="error-box" role="alert">{error_text(&e, locale())}</p> })}
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(status.await).await {
                        Ok(a) => {
                            let id = a.id;
                            let status = a.status;
                            let summary = view! { <AssistFacts assist=a.clone() /> };
                            let next = match status {
                                Status::AwaitingConsent => view! {
                                    <ConsentForm id />
                                }.into_any(),
                                Status::AwaitingApproval => view! {
                                    <p class="notice" role="status">{tr!(i18n, assist.waiting_approval)}</p>
                                    <p><a class="button" href=format!("/staff/assist/{id}")>{tr!(i18n, assist.refresh)}</a></p>
                                }.into_any(),
                                Status::Active => view! {
                                    <p class="notice" role="status">{tr!(i18n, assist.is_active)}</p>
                                }.into_any(),
                                _ => view! {
                                    <p><a class="button" href=format!("/staff/assist/new?customer={}", a.customer_no)>{tr!(i18n, assist.start_again)}</a></p>
                                }.into_any(),
                            };
                            view! {
                                {summary}
                                {next}
                                {status.is_open().then(|| view! {
                                    <form method="post" action={crate::form::post_to::<WithdrawAssist>()}>
                                        <input type="hidden" name="id" value=id />
                                        <p><button type="submit" class="button">{tr!(i18n, assist.withdraw)}</button></p>
                                    </form>
                                })}
                            }.into_any()
                        }
                        Err(AppError::NotFound) => view! { <p class="error-box" role="alert">{tr!(i18n, assist.not_found)}</p> }.into_any(),
                        Err(e) => view! { <p class="error-box" role="alert">{error_text(&e, locale())}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// A request's facts: customer, agent, reason, reference, status, times, and how it ended.
#[component]
fn AssistFacts(assist: Assist) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let a = assist;
    let ended = a.end_reason.clone().filter(|_| a.status == Status::Ended);
    let duration = a.started_at.zip(a.ended_at).map(|(s, e)| (e - s).max(0) / 60);
    view! {
        <dl class="figures">
            <div><dt>{tr!(i18n, assist.customer)}</dt><dd>{format!("{} · {}", a.customer_no, a.masked_name)}</dd></div>
            <div><dt>{tr!(i18n, assist.agent)}</dt><dd>{format!("{} · {}", a.staff_name, a.staff_no)}</dd></div>
            <div><dt>{tr!(i18n, assist.reason)}</dt><dd>{a.reason.clone()}</dd></div>
            <div><dt>{tr!(i18n, assist.reference)}</dt><dd>{a.reference.clone()}</dd></div>
            <div><dt>{tr!(i18n, assist.status)}</dt><dd><strong>{move || status_text(a.status, locale())}</strong></dd></div>
            <div><dt>{tr!(i18n, assist.requested_at)}</dt><dd>{move || format_datetime(a.requested_at, locale())}</dd></div>
            {a.started_at.map(|at| view! { <div><dt>{tr!(i18n, assist.started_at)}</dt><dd>{move || format_datetime(at, locale())}</dd></div> })}
            {a.ended_at.map(|at| view! { <div><dt>{tr!(i18n, assist.ended_at)}</dt><dd>{move || format_datetime(at, locale())}</dd></div> })}
            {duration.map(|m| view! { <div><dt>{tr!(i18n, assist.duration)}</dt><dd>{move || td_string!(locale(), assist.minutes, n = m).to_string()}</dd></div> })}
            {ended.map(|r| view! { <div><dt>{tr!(i18n, assist.end_reason)}</dt><dd>{move || end_reason_text(&r, locale())}</dd></div> })}
        </dl>
    }
}

/// The consent code, as the customer reads it out: a plain form, which goes on to the customer's
/// overview in the session, or comes back here saying why not (and where the request stands).
#[component]
fn ConsentForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let refused = crate::form::refusal::<GiveConsent>()
        .filter(|e| matches!(e, AppError::Invalid { problem, .. } if problem.starts_with("wrong")));
    let wrong = refused.is_some();
    // The input is the browser's alone (no value bound to it), so that what is typed before the
    // page is live stays when it becomes so.
    view! {
        <form class="form" method="post" action={crate::form::post_to::<GiveConsent>()} novalidate>
            <input type="hidden" name="id" value=id />
            <div class="field">
                <label for="consent-code">{tr!(i18n, assist.code)}</label>
                <p class="hint" id="consent-code-hint">{tr!(i18n, assist.code_hint)}</p>
                <input id="consent-code" name="code" type="text" maxlength=6 inputmode="numeric" autocomplete="one-time-code"
                    required aria-invalid=wrong.to_string() autofocus=wrong
                    aria-describedby=if wrong { "consent-code-hint consent-code-error" } else { "consent-code-hint" } />
                {refused.map(|e| view! { <p class="error" id="consent-code-error">{move || error_text(&e, locale())}</p> })}
            </div>
            <p><button type="submit" class="button primary">{tr!(i18n, assist.open_session)}</button></p>
        </form>
    }
}

/// A delegation with what was done and refused in it; `actions` adds buttons (a supervisor's).
#[component]
fn RecordCard(record: AssistRecord, #[prop(optional)] actions: Option<AnyView>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let AssistRecord { assist, done, refused, requests } = record;
    let heading = format!("{} · {} · {}", assist.customer_no, assist.staff_name, assist.staff_no);
    let started = assist.started_at.is_some();
    let done_list = (!done.is_empty()).then(|| {
        view! {
            <h4>{tr!(i18n, assist.done_title)}</h4>
            <ul>{done.into_iter().map(|(kind, at)| view! { <li>{move || format!("{} · {}", format_datetime(at, locale()), done_text(&kind, locale()))}</li> }).collect_view()}</ul>
        }
    });
    let refused_list = (!refused.is_empty()).then(|| {
        view! {
            <h4>{tr!(i18n, assist.refused_title)}</h4>
            <ul>{refused.into_iter().map(|(action, at)| view! { <li>{move || format!("{} · {}", format_datetime(at, locale()), refused_text(&action, locale()))}</li> }).collect_view()}</ul>
        }
    });
    view! {
        <li class="card assist-record">
            <h3>{heading}</h3>
            <AssistFacts assist />
            {started.then(|| view! { <p class="hint">{move || td_string!(locale(), assist.requests, n = requests).to_string()}</p> })}
            {done_list}
            {refused_list}
            {actions}
        </li>
    }
}

/// Settings: the customer's staff-assisted sessions (who, when, why, for how long, what was done
/// and refused); a live one can be ended here.
#[component]
pub fn AssistHistory() -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let records = crate::resource::streamed(|| (), |_| my_assisted_sessions());
    view! {
        <h2 id="assisted-heading">{tr!(i18n, assist.history_title)}</h2>
        <p>{tr!(i18n, assist.history_lead)}</p>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match settled(records.await).await {
                    Ok(list) if list.is_empty() => view! { <p class="empty">{tr!(i18n, assist.history_empty)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards" aria-labelledby="assisted-heading">
                            {list.into_iter().map(|r| {
                                let id = r.assist.id;
                                if r.assist.status == Status::Active {
                                    view! { <RecordCard record=r actions=view! { <EndAssistButton id /> }.into_any() /> }.into_any()
                                } else {
                                    view! { <RecordCard record=r /> }.into_any()
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="error-box" role="alert">{error_text(&e, locale())}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// "End it now" under a live assisted session in Settings: a plain HTML form
/// (`form::post_to`), after which the page comes back with the session ended and saying so.
#[component]
pub fn EndAssistButton(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let error = crate::form::refusal::<StopAssist>();
    view! {
        <form method="post" action={crate::form::post_to::<StopAssist>()}>
            <input type="hidden" name="id" value=id />
            <p><button type="submit" class="button">{tr!(i18n, assist.stop)}</button></p>
        </form>
        {error.map(|e| view! { <p class="error-box" role="alert">{move || error_text(&e, locale())}</p> })}
    }
}

/// `/staff/delegations` (supervisors): requests waiting for approval, live sessions to end, and
/// every session reviewed by agent, customer, day and refused attempts.
#[component]
pub fn DelegationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let query = leptos_router::hooks::use_query_map();
    let field = move |name: &'static str| move || query.with(|q| q.get(name).unwrap_or_default());
    let (staff_no, customer_no, day, refused) = (field("agent"), field("customer"), field("day"), field("refused"));
    let records = crate::resource::blocking(
        move || (staff_no(), customer_no(), day(), refused() == "1"),
        |(staff_no, customer_no, day, refused_only)| assisted_sessions(staff_no, customer_no, day, refused_only),
    );
    // Deciding and ending are plain forms: the page comes back saying what was done, or why not.
    let action_error = crate::form::refusal::<DecideAssist>()
        .or_else(crate::form::refusal::<EndAssist>)
        .map(|e| move || error_text(&e, locale()));
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, assist.review_title).to_string()) />
        <section class="page">
            <p><a href="/staff/home">{tr!(i18n, wealth.staff_back)}</a></p>
            <h1>{tr!(i18n, assist.review_title)}</h1>
            <p class="lead">{tr!(i18n, assist.review_lead)}</p>
            <form method="get" action="/staff/delegations" class="filters">
                <div class="field">
                    <label for="filter-agent">{tr!(i18n, assist.filter_agent)}</label>
                    <input id="filter-agent" name="agent" type="text" maxlength="10" autocomplete="off" value=staff_no />
                </div>
                <div class="field">
                    <label for="filter-customer">{tr!(i18n, assist.filter_customer)}</label>
                    <input id="filter-customer" name="customer" type="text" maxlength="10" autocomplete="off" value=customer_no />
                </div>
                <div class="field">
                    <label for="filter-day">{tr!(i18n, assist.filter_day)}</label>
                    <input id="filter-day" name="day" type="date" value=day />
                </div>
                <div class="field checkbox">
                    <input id="filter-refused" name="refused" type="checkbox" value="1" checked=move || refused() == "1" />
                    <label for="filter-refused">{tr!(i18n, assist.filter_refused)}</label>
                </div>
                <p><button type="submit" class="button">{tr!(i18n, assist.filter_apply)}</button></p>
            </form>
            <crate::form::DoneNote what="assist-decided">{tr!(i18n, announce.done)}</crate::form::DoneNote>
            <p role="alert" class="error-box">{action_error}</p>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(records.await).await {
                        Ok(list) if list.is_empty() => view! { <p class="empty" role="status">{tr!(i18n, assist.review_empty)}</p> }.into_any(),
                        Ok(list) => { let n = list.len(); view! {
                            <h2 id="sessions-heading">{move || td_string!(locale(), assist.review_found, n = n).to_string()}</h2>
                            <ul class="cards" aria-labelledby="sessions-heading">
                                {list.into_iter().map(|r| {
                                    let id = r.assist.id;
                                    let actions = match r.assist.status {
                                        Status::AwaitingApproval => Some(view! {
                                            <div class="row-actions">
                                                <form method="post" action={crate::form::post_to::<DecideAssist>()}>
                                                    <input type="hidden" name="id" value=id />
                                                    <input type="hidden" name="approve" value="true" />
                                                    <button type="submit" class="button primary">{tr!(i18n, assist.approve)}</button>
                                                </form>
                                                <form method="post" action={crate::form::post_to::<DecideAssist>()}>
                                                    <input type="hidden" name="id" value=id />
                                                    <input type="hidden" name="approve" value="false" />
                                                    <button type="submit" class="button">{tr!(i18n, assist.decline)}</button>
                                                </form>
                                            </div>
                                        }.into_any()),
                                        Status::Active => Some(view! {
                                            <form method="post" action={crate::form::post_to::<EndAssist>()}>
                                                <input type="hidden" name="id" value=id />
                                                <p><button type="submit" class="button">{tr!(i18n, assist.end_live)}</button></p>
                                            </form>
                                        }.into_any()),
                                        _ => None,
                                    };
                                    match actions {
                                        Some(actions) => view! { <RecordCard record=r actions /> }.into_any(),
                                        None => view! { <RecordCard record=r /> }.into_any(),
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any() }
                        Err(AppError::Invalid { .. }) => view! { <p class="error-box" role="alert">{tr!(i18n, assist.day_unreadable)}</p> }.into_any(),
                        Err(e) => view! { <p class="error-box" role="alert">{error_text(&e, locale())}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The staff home's word that the agent's delegated session has ended, and why.
#[component]
pub fn AssistEnded(ended: crate::resource::Resource<Option<Result<Assist, AppError>>>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                settled(ended.await).await.map(|found| {
                    let text = match found {
                        Ok(a) => {
                            let reason = a.end_reason.clone().unwrap_or_default();
                            let status = a.status;
                            let (no, name) = (a.customer_no.clone(), a.masked_name.clone());
                            Signal::derive(move || {
                                let why = if status == Status::Ended { end_reason_text(&reason, locale()) } else { status_text(status, locale()) };
                                td_string!(locale(), assist.home_ended, no = no.clone(), name = name.clone(), why = why).to_string()
                            })
                        }
                        Err(_) => Signal::derive(move || t_string!(i18n, assist.home_ended_unknown).to_string()),
                    };
                    view! { <p class="notice" role="status">{text}</p> }
                })
            })}
        </Transition>
    }
}

/// "Done by agent 张三 (S0007) on behalf of the customer", on a record made in a delegated
/// session; `changed`: its change (a move, a cancellation) was.
#[component]
pub fn OnBehalf(agent: String, #[prop(optional)] changed: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="on-behalf">
            {move || if changed {
                td_string!(i18n.get_locale(), assist.on_behalf_changed, agent = agent.clone()).to_string()
            } else {
                td_string!(i18n.get_locale(), assist.on_behalf, agent = agent.clone()).to_string()
            }}
        </p>
    }
}
