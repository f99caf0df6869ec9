//! The appointment pages: `/appointments` (the customer's visits), `/appointments/book` (the
//! steps service → branch → day → time → review, each a plain GET form so the choices live in
//! the URL and work without WASM) and `/appointments/:id` (the confirmation with reference, QR
//! code and calendar file, and moving or cancelling).

use super::{Appointment, AppointmentStatus, BookingStep, CHANGE_REASONS};
use crate::error::AppError;
use crate::format::{format_date, format_datetime};
use crate::i18n::*;
use crate::layout::{PageTitle, failed, loading};
use crate::resource::settled;
use chrono::Datelike;
use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_router::hooks::{use_params_map, use_query_map};

fn weekday_name(weekday: u32, locale: Locale) -> &'static str {
    const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = (weekday.clamp(1, 7) - 1) as usize;
    match locale {
        Locale::zh_CN => ZH[i],
        Locale::en => EN[i],
    }
}

/// "09:30" in the branch's time.
fn clock(unix: i64, offset_secs: i64) -> String {
    super::rules::to_local(unix, offset_secs).format("%H:%M").to_string()
}

pub(crate) fn status_name(status: AppointmentStatus, locale: Locale) -> String {
    match status {
        AppointmentStatus::Booked => td_string!(locale, appointments.status_booked),
        AppointmentStatus::Cancelled => td_string!(locale, appointments.status_cancelled),
        AppointmentStatus::Moved => td_string!(locale, appointments.status_moved),
        AppointmentStatus::CheckedIn => td_string!(locale, appointments.status_checked_in),
        AppointmentStatus::NoShow => td_string!(locale, appointments.status_no_show),
    }
    .to_string()
}

fn reason_name(reason: &str, locale: Locale) -> String {
    match reason {
        "plans_changed" => td_string!(locale, appointments.reason_plans_changed),
        "done_elsewhere" => td_string!(locale, appointments.reason_done_elsewhere),
        "wrong_booking" => td_string!(locale, appointments.reason_wrong_booking),
        "branch_closed" => td_string!(locale, appointments.reason_branch_closed),
        _ => td_string!(locale, appointments.reason_other),
    }
    .to_string()
}

/// `/appointments`: upcoming visits first, then the past; and the way to book one.
#[component]
pub fn AppointmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = crate::resource::blocking(|| (), |_| super::my_appointments());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, nav.appointments).to_string()) />
        <section class="page">
            <h1>{tr!(i18n, nav.appointments)}</h1>
            <p class="lead">{tr!(i18n, appointments.lead)}</p>
            <p><a class="button primary" href="/appointments/book">{tr!(i18n, appointments.book)}</a></p>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(list.await).await {
                        Ok(all) if all.is_empty() => view! { <p class="empty">{tr!(i18n, appointments.none)}</p> }.into_any(),
                        Ok(all) => {
                            let (upcoming, past): (Vec<_>, Vec<_>) =
                                all.into_iter().partition(|a| a.status == AppointmentStatus::Booked);
                            view! {
                                <h2 id="upcoming-heading">{tr!(i18n, appointments.upcoming)}</h2>
                                {if upcoming.is_empty() {
                                    view! { <p class="empty">{tr!(i18n, appointments.no_upcoming)}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="cards" aria-labelledby="upcoming-heading">
                                            {upcoming.into_iter().map(|a| view! { <AppointmentCard a /> }).collect_view()}
                                        </ul>
                                    }
                                    .into_any()
                                }}
                                {(!past.is_empty()).then(|| view! {
                                    <h2 id="past-heading">{tr!(i18n, appointments.past)}</h2>
                                    <ul class="cards" aria-labelledby="past-heading">
                                        {past.into_iter().map(|a| view! { <AppointmentCard a /> }).collect_view()}
                                    </ul>
                                })}
                            }
                            .into_any()
                        }
                        Err(_) => failed().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AppointmentCard(a: Appointment) -> impl IntoView {
    let i18n = use_i18n();
    let (service, branch) = (a.service.name.clone(), a.branch.name.clone());
    view! {
        <li class="card appointment-card">
            <h3><a href=format!("/appointments/{}", a.id)>{move || service.get(i18n.get_locale()).to_owned()}</a></h3>
            <p>{move || branch.get(i18n.get_locale()).to_owned()}</p>
            <p class="when">{move || format_datetime(a.starts_at, i18n.get_locale())}</p>
            <p>
                <span class="badge">{move || status_name(a.status, i18n.get_locale())}</span>
                " " {move || td_string!(i18n.get_locale(), appointments.reference, reference = a.reference.clone()).to_string()}
            </p>
            {a.booked_by_agent.map(|agent| view! { <crate::delegation::pages::OnBehalf agent /> })}
            {a.changed_by_agent.map(|agent| view! { <crate::delegation::pages::OnBehalf agent changed=true /> })}
        </li>
    }
}

/// The choices so far, read from the URL.
#[derive(Clone, Debug, Default, PartialEq)]
struct Chosen {
    service: Option<String>,
    branch: Option<String>,
    day: Option<String>,
    at: Option<i64>,
    search: Option<String>,
    moving: Option<i64>,
}

impl Chosen {
    /// The URL of the booking steps with these choices.
    fn href(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(m) = self.moving {
            pairs.push(format!("move={m}"));
        }
        for (k, v) in [("service", &self.service), ("branch", &self.branch), ("day", &self.day)] {
            if let Some(v) = v {
                pairs.push(format!("{k}={}", crate::accounts::filter::encode(v)));
            }
        }
        if let Some(at) = self.at {
            pairs.push(format!("at={at}"));
        }
        if pairs.is_empty() { "/appointments/book".into() } else { format!("/appointments/book?{}", pairs.join("&")) }
    }
}

/// Hidden inputs carrying earlier choices through a step's GET form.
fn carried(chosen: &Chosen, keep: &[&str]) -> impl IntoView + use<> {
    let mut fields: Vec<(&'static str, String)> = Vec::new();
    if let Some(m) = chosen.moving {
        fields.push(("move", m.to_string()));
    }
    for (name, value) in [("service", &chosen.service), ("branch", &chosen.branch), ("day", &chosen.day)] {
        if let Some(v) = value.as_ref().filter(|_| keep.contains(&name)) {
            fields.push((name, v.clone()));
        }
    }
    fields.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()
}

/// `/appointments/book`: one step at a time, phone-sized, every choice a plain form field.
#[component]
pub fn BookPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let chosen = move || {
        query.with(|q| Chosen {
            service: q.get("service").filter(|s| !s.is_empty()),
            branch: q.get("branch").filter(|s| !s.is_empty()),
            day: q.get("day").filter(|s| !s.is_empty()),
            at: q.get("at").and_then(|s| s.parse().ok()),
            search: q.get("q"),
            moving: q.get("move").and_then(|s| s.parse().ok()),
        })
    };
    let step =
        crate::resource::blocking(chosen, |c| super::load_booking_step(c.service, c.branch, c.day, c.search, c.moving));
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, appointments.book_title).to_string()) />
        <section class="page narrow booking">
            <p><a href="/appointments">{tr!(i18n, appointments.back)}</a></p>
            <h1>{tr!(i18n, appointments.book_title)}</h1>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(step.await).await {
                        Ok(step) => view! { <Steps step chosen=chosen() /> }.into_any(),
                        Err(_) => failed().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Steps(step: BookingStep, chosen: Chosen) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    // Which step is showing: the first choice still missing (or not valid).
    let current = match (&step.service, &step.branch, step.day, chosen.at) {
        (None, _, _, _) => 1,
        (Some(_), None, _, _) => 2,
        (Some(_), Some(_), None, _) => 3,
        (Some(_), Some(_), Some(_), None) => 4,
        _ => 5,
    };
    let names = [
        t_string!(i18n, appointments.step_service),
        t_string!(i18n, appointments.step_branch),
        t_string!(i18n, appointments.step_day),
        t_string!(i18n, appointments.step_time),
        t_string!(i18n, appointments.step_review),
    ];
    let progress = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let n = i + 1;
            let state = if n < current {
                "done"
            } else if n == current {
                "current"
            } else {
                "todo"
            };
            view! {
                <li class=state aria-current=(n == current).then_some("step")>
                    <span class="step-number">{n}</span> " " {*name}
                </li>
            }
        })
        .collect_view();
    let moving_note = step.moving.clone().map(|m| {
        view! {
            <p class="notice">
                {move || td_string!(locale(), appointments.moving_note, reference = m.reference.clone(), time = format_datetime(m.starts_at, locale())).to_string()}
            </p>
        }
    });
    let summary = {
        let (service, branch, day) = (step.service.clone(), step.branch.clone(), step.day);
        let c = chosen.clone();
        view! {
            <dl class="choices">
                {service.map(|s| {
                    let href = Chosen { service: None, branch: None, day: None, at: None, ..c.clone() }.href();
                    view! {
                        <div>
                            <dt>{tr!(i18n, appointments.step_service)}</dt>
                            <dd>{move || s.name.get(locale()).to_owned()} " " <a href=href>{tr!(i18n, appointments.change)}</a></dd>
                        </div>
                    }
                })}
                {branch.map(|b| {
                    let href = Chosen { branch: None, day: None, at: None, ..c.clone() }.href();
                    view! {
                        <div>
                            <dt>{tr!(i18n, appointments.step_branch)}</dt>
                            <dd>{move || b.name.get(locale()).to_owned()} " " <a href=href>{tr!(i18n, appointments.change)}</a></dd>
                        </div>
                    }
                })}
                {day.map(|d| {
                    let href = Chosen { day: None, at: None, ..c.clone() }.href();
                    view! {
                        <div>
                            <dt>{tr!(i18n, appointments.step_day)}</dt>
                            <dd>{move || format_date(d, locale())} " " <a href=href>{tr!(i18n, appointments.change)}</a></dd>
                        </div>
                    }
                })}
            </dl>
        }
    };
    let body = match current {
        1 => view! { <ServiceStep step chosen /> }.into_any(),
        2 => view! { <BranchStep step chosen /> }.into_any(),
        3 => view! { <DayStep step chosen /> }.into_any(),
        4 => view! { <TimeStep step chosen /> }.into_any(),
        _ => view! { <ReviewStep step chosen /> }.into_any(),
    };
    view! {
        <ol class="steps" aria-label=move || t_string!(i18n, appointments.steps_label)>{progress}</ol>
        {moving_note}
        {summary}
        {body}
    }
}

#[component]
fn ServiceStep(step: BookingStep, chosen: Chosen) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    view! {
        <form method="get" action="/appointments/book" class="form">
            {carried(&chosen, &[])}
            <fieldset>
                <legend>{tr!(i18n, appointments.choose_service)}</legend>
                {step
                    .services
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let id = format!("service-{}", s.code);
                        let hint_id = format!("{id}-hint");
                        let (name, docs) = (s.name.clone(), s.documents.clone());
                        let lead = s.lead_time_hours;
                        view! {
                            <div class="choice option">
                                <input type="radio" name="service" id=id.clone() value=s.code.clone() required=true checked=i == 0 aria-describedby=hint_id.clone() />
                                <label for=id>
                                    <strong>{move || name.get(locale()).to_owned()}</strong>
                                    <span class="hint" id=hint_id>
                                        {move || td_string!(locale(), appointments.service_minutes, n = s.duration_minutes).to_string()}
                                        " · "
                                        {move || td_string!(locale(), appointments.documents, documents = docs.get(locale()).to_owned()).to_string()}
                                        {(lead > 0).then(|| view! { " · " {move || td_string!(locale(), appointments.lead_time, n = lead).to_string()} })}
                                    </span>
                                </label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <p><button type="submit" class="button primary">{tr!(i18n, appointments.next)}</button></p>
        </form>
    }
}

fn hours_text(b: &super::BranchInfo, locale: Locale) -> String {
    (1..=7)
        .map(|d| match b.hours.iter().find(|h| h.weekday == d) {
            Some(h) => format!("{} {}–{}", weekday_name(d, locale), h.opens.format("%H:%M"), h.closes.format("%H:%M")),
            None => format!("{} {}", weekday_name(d, locale), td_string!(locale, appointments.closed)),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[component]
fn BranchStep(step: BookingStep, chosen: Chosen) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let search = chosen.search.clone().unwrap_or_default();
    let empty = step.branches.is_empty();
    view! {
        <form method="get" action="/appointments/book" class="search-form" role="search">
            {carried(&chosen, &["service"])}
            <label for="branch-search">{tr!(i18n, appointments.search_label)}</label>
            <div class="search-row">
                <input id="branch-search" type="search" name="q" value=search />
                <button type="submit" class="button">{tr!(i18n, appointments.search)}</button>
            </div>
        </form>
        {if empty {
            view! { <p class="empty" role="status">{tr!(i18n, appointments.no_branches)}</p> }.into_any()
        } else {
            view! {
                <form method="get" action="/appointments/book" class="form">
                    {carried(&chosen, &["service"])}
                    <fieldset>
                        <legend>{tr!(i18n, appointments.choose_branch)}</legend>
                        {step
                            .branches
                            .into_iter()
                            .enumerate()
                            .map(|(i, c)| {
                                let b = c.branch;
                                let id = format!("branch-{}", b.code);
                                let details = format!("{id}-details");
                                let (name, district, address) = (b.name.clone(), b.district.clone(), b.address.clone());
                                let hours = b.clone();
                                let closures = b.closures.clone();
                                let offset = b.offset_secs;
                                view! {
                                    <div class="choice option">
                                        <input type="radio" name="branch" id=id.clone() value=b.code.clone() required=true checked=i == 0 aria-describedby=details.clone() />
                                        <label for=id>
                                            <strong>{move || name.get(locale()).to_owned()}</strong>
                                            <span class="hint" id=details>
                                                {move || format!("{} · {}", district.get(locale()), address.get(locale()))}
                                                <br />
                                                {move || hours_text(&hours, locale())}
                                                <br />
                                                {move || {
                                                    let mut parts = Vec::new();
                                                    if b.step_free { parts.push(t_string!(i18n, appointments.step_free).to_string()); }
                                                    if b.elderly_window { parts.push(t_string!(i18n, appointments.elderly_window).to_string()); }
                                                    parts.push(format!("{} {}", t_string!(i18n, appointments.phone), b.phone));
                                                    parts.join(" · ")
                                                }}
                                                {closures.into_iter().map(|c| view! {
                                                    <br />
                                                    {move || td_string!(locale(), appointments.closure, date = format_date(c.day, locale()), reason = c.reason.get(locale()).to_owned()).to_string()}
                                                }).collect_view()}
                                                <br />
                                                <span class="next-free">
                                                    {move || match c.next_free_today {
                                                        Some(at) => td_string!(locale(), appointments.next_free_today, time = clock(at, offset)).to_string(),
                                                        None => t_string!(i18n, appointments.none_free_today).to_string(),
                                                    }}
                                                </span>
                                            </span>
                                        </label>
                                    </div>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                    <p><button type="submit" class="button primary">{tr!(i18n, appointments.next)}</button></p>
                </form>
            }
            .into_any()
        }}
    }
}

#[component]
fn DayStep(step: BookingStep, chosen: Chosen) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let first_open = step.days.iter().position(|d| d.free_times > 0);
    view! {
        <form method="get" action="/appointments/book" class="form">
            {carried(&chosen, &["service", "branch"])}
            <fieldset>
                <legend>{tr!(i18n, appointments.choose_day)}</legend>
                {step
                    .days
                    .into_iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let id = format!("day-{}", d.day);
                        let usable = d.free_times > 0;
                        let closure = d.closure.clone();
                        let open = d.open;
                        view! {
                            <div class="choice option" class:unavailable=!usable>
                                <input type="radio" name="day" id=id.clone() value=d.day.to_string() required=true disabled=!usable checked=Some(i) == first_open />
                                <label for=id>
                                    <strong>{move || format!("{} {}", format_date(d.day, locale()), weekday_name(d.day.weekday().number_from_monday(), locale()))}</strong>
                                    " "
                                    <span class="hint">
                                        {move || match (&closure, open, usable) {
                                            (Some(reason), _, _) => td_string!(locale(), appointments.closed_because, reason = reason.get(locale()).to_owned()).to_string(),
                                            (None, false, _) => t_string!(i18n, appointments.closed).to_string(),
                                            (None, true, false) => t_string!(i18n, appointments.day_full).to_string(),
                                            (None, true, true) => td_string!(locale(), appointments.times_free, n = d.free_times).to_string(),
                                        }}
                                    </span>
                                </label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <p><button type="submit" class="button primary" disabled=first_open.is_none()>{tr!(i18n, appointments.next)}</button></p>
        </form>
    }
}

#[component]
fn TimeStep(step: BookingStep, chosen: Chosen) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let offset = step.branch.as_ref().map_or(8 * 3600, |b| b.offset_secs);
    let first_free = step.slots.iter().position(|s| s.places > 0);
    if step.slots.is_empty() {
        return view! { <p class="empty" role="status">{tr!(i18n, appointments.no_times)}</p> }.into_any();
    }
    view! {
        <form method="get" action="/appointments/book" class="form">
            {carried(&chosen, &["service", "branch", "day"])}
            <fieldset>
                <legend>{tr!(i18n, appointments.choose_time)}</legend>
                <p class="hint">{tr!(i18n, appointments.time_hint)}</p>
                <div class="slot-grid">
                    {step
                        .slots
                        .into_iter()
                        .enumerate()
                        .map(|(i, s)| {
                            let id = format!("at-{}", s.starts_at);
                            view! {
                                <div class="slot" class:full=s.places == 0>
                                    <input type="radio" name="at" id=id.clone() value=s.starts_at.to_string() required=true disabled=s.places == 0 checked=Some(i) == first_free />
                                    <label for=id>
                                        <strong>{clock(s.starts_at, offset)}</strong>
                                        <span class="places">
                                            {move || if s.places == 0 {
                                                t_string!(i18n, appointments.full).to_string()
                                            } else {
                                                td_string!(locale(), appointments.places_left, n = s.places).to_string()
                                            }}
                                        </span>
                                    </label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <p><button type="submit" class="button primary" disabled=first_free.is_none()>{tr!(i18n, appointments.next)}</button></p>
        </form>
    }
    .into_any()
}

/// The last step: what was chosen, and "confirm": a plain HTML form (`form::post_to`). The
/// booking goes on to the visit's page; a refusal (the time just taken, with the next free ones)
/// comes back here in the address.
#[component]
fn ReviewStep(step: BookingStep, chosen: Chosen) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let (Some(service), Some(branch), Some(at)) = (step.service.clone(), step.branch.clone(), chosen.at) else {
        return ().into_any();
    };
    let offered = step.slots.iter().any(|s| s.starts_at == at && s.places > 0);
    let moving = step.moving.as_ref().map(|m| m.id);
    let offset = branch.offset_secs;
    let error = crate::form::refusal::<super::BookAppointment>().map(|e| match e {
        AppError::Taken { next_free } => view! {
            <div class="error-box" role="alert">
                <p>{tr!(i18n, appointments.taken)}</p>
                {(!next_free.is_empty()).then(|| view! {
                    <p>{tr!(i18n, appointments.next_free)}</p>
                    <ul>
                        {next_free.into_iter().map(|t| {
                            let href = Chosen {
                                day: Some(super::rules::to_local(t, offset).date().to_string()),
                                at: Some(t),
                                ..chosen.clone()
                            }.href();
                            view! { <li><a href=href>{move || format_datetime(t, locale())}</a></li> }
                        }).collect_view()}
                    </ul>
                })}
            </div>
        }
        .into_any(),
        AppError::Invalid { problem, .. } => {
            let text = move || match problem.as_str() {
                "too_many" => td_string!(locale(), appointments.too_many, n = super::rules::MAX_UPCOMING).to_string(),
                "overlaps" => t_string!(i18n, appointments.overlaps).to_string(),
                "too_late" => t_string!(i18n, appointments.too_late_short).to_string(),
                _ => t_string!(i18n, appointments.not_offered).to_string(),
            };
            view! { <p class="error-box" role="alert">{text}</p> }.into_any()
        }
        _ => view! { <p class="error-box" role="alert">{tr!(i18n, error.generic)}</p> }.into_any(),
    });
    let (name, docs, bname, address) =
        (service.name.clone(), service.documents.clone(), branch.name.clone(), branch.address.clone());
    view! {
        <h2>{tr!(i18n, appointments.review_title)}</h2>
        {(!offered).then(|| view! { <p class="error-box" role="alert">{tr!(i18n, appointments.not_offered)}</p> })}
        <dl class="figures review">
            <div><dt>{tr!(i18n, appointments.step_service)}</dt><dd>{move || name.get(locale()).to_owned()}</dd></div>
            <div><dt>{tr!(i18n, appointments.step_branch)}</dt><dd>{move || bname.get(locale()).to_owned()}</dd></div>
            <div><dt>{tr!(i18n, appointments.address)}</dt><dd>{move || address.get(locale()).to_owned()}</dd></div>
            <div>
                <dt>{tr!(i18n, appointments.step_time)}</dt>
                <dd>{move || format!("{} ({})", format_datetime(at, locale()), td_string!(locale(), appointments.service_minutes, n = service.duration_minutes))}</dd>
            </div>
            <div><dt>{tr!(i18n, appointments.bring)}</dt><dd>{move || docs.get(locale()).to_owned()}</dd></div>
        </dl>
        <form class="form" method="post" action={crate::form::post_to::<super::BookAppointment>()} novalidate>
            <input type="hidden" name="service" value=service.code.clone() />
            <input type="hidden" name="branch" value=branch.code.clone() />
            <input type="hidden" name="starts_at" value=at />
            {moving.map(|id| view! {
                <input type="hidden" name="moving" value=id />
                <div class="field">
                    <label for="move-reason">{tr!(i18n, appointments.reason_label)}</label>
                    <select id="move-reason" name="reason">
                        {CHANGE_REASONS.iter().map(|r| view! { <option value=*r>{move || reason_name(r, locale())}</option> }).collect_view()}
                    </select>
                </div>
            })}
            {error}
            <p>
                <button type="submit" class="button primary" disabled=!offered>
                    {move || if moving.is_some() { t_string!(i18n, appointments.confirm_move) } else { t_string!(i18n, appointments.confirm) }}
                </button>
            </p>
        </form>
    }
    .into_any()
}

/// `/appointments/:id`: the confirmation: reference and QR code for the branch, what to bring,
/// the calendar file; and, until the cut-off, moving or cancelling.
#[component]
pub fn AppointmentPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let appointment = crate::resource::blocking(id, |id| async move {
        match id {
            Some(id) => super::my_appointment(id).await,
            None => Err(AppError::NotFound),
        }
    });
    let just_booked = move || query.with(|q| q.get("done").as_deref() == Some("1"));
    view! {
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match settled(appointment.await).await {
                    Ok(a) => view! { <AppointmentView a just_booked=just_booked() /> }.into_any(),
                    Err(AppError::NotFound) => view! { <crate::layout::NotFound /> }.into_any(),
                    Err(_) => failed().into_any(),
                }
            })}
        </Transition>
    }
}

/// Cancelling a visit, with the reason asked for: a plain HTML form (`form::post_to`), after
/// which the page comes back with the visit as it now stands and saying it was cancelled; a
/// reason left out, or a cut-off passed meanwhile, comes back as the form's error.
#[component]
pub fn CancelVisit(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let error = crate::form::refusal::<super::CancelAppointment>();
    let missing_reason = matches!(&error, Some(AppError::Invalid { field, .. }) if field == "reason");
    let cancel_error = error.filter(|_| !missing_reason).map(|e| match e {
        AppError::Invalid { field, .. } if field == "appointment" => {
            t_string!(i18n, appointments.too_late_short).to_string()
        }
        _ => t_string!(i18n, error.generic).to_string(),
    });
    view! {
        <form class="form" method="post" action={crate::form::post_to::<super::CancelAppointment>()} novalidate>
            <input type="hidden" name="appointment_id" value=id />
            <div class="field">
                <label for="cancel-reason">{tr!(i18n, appointments.reason_label)}</label>
                <select id="cancel-reason" name="reason" aria-invalid=missing_reason.to_string()
                    aria-describedby=missing_reason.then_some("cancel-reason-error") autofocus=missing_reason>
                    <option value="">{tr!(i18n, appointments.reason_choose)}</option>
                    {CHANGE_REASONS.iter().map(|r| view! { <option value=*r>{move || reason_name(r, locale())}</option> }).collect_view()}
                </select>
                {missing_reason.then(|| view! {
                    <p class="error" id="cancel-reason-error">{tr!(i18n, appointments.reason_required)}</p>
                })}
            </div>
            <p role="alert" class="error-box">{cancel_error}</p>
            <p><button type="submit" class="button">{tr!(i18n, appointments.cancel)}</button></p>
        </form>
    }
}

#[component]
fn AppointmentView(a: Appointment, just_booked: bool) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let id = a.id;
    let (service, branch) = (a.service.clone(), a.branch.clone());
    let title = Signal::derive({
        let service = service.name.clone();
        move || service.get(locale()).to_owned()
    });
    let move_href = format!("/appointments/book?move={}&service={}&branch={}", a.id, a.service.code, a.branch.code);
    let (docs, bname, address, phone) =
        (service.documents.clone(), branch.name.clone(), branch.address.clone(), branch.phone.clone());
    let phone2 = phone.clone();
    let reference = a.reference.clone();
    let status = a.status;
    let rating = (status == AppointmentStatus::CheckedIn)
        .then(|| view! { <super::rating::VisitRatingSection appointment=a.clone() /> });
    view! {
        <PageTitle text=title />
        <section class="page narrow appointment">
            <p><a href="/appointments">{tr!(i18n, appointments.back)}</a></p>
            {(just_booked && status == AppointmentStatus::Booked).then(|| view! {
                <p class="notice" role="status">{tr!(i18n, appointments.booked_notice)}</p>
            })}
            <crate::form::DoneNote what="cancelled">{tr!(i18n, announce.visit_cancelled)}</crate::form::DoneNote>
            <h1>{title}</h1>
            <p><span class="badge">{move || status_name(status, locale())}</span></p>
            <div class="reference-block">
                <p class="reference">
                    {tr!(i18n, appointments.reference_label)} " " <strong>{reference.clone()}</strong>
                </p>
                <figure class="qr">
                    <div class="qr-code" role="img" aria-label=move || td_string!(locale(), appointments.qr_label, reference = reference.clone()).to_string() inner_html=a.qr_svg.clone()></div>
                    <figcaption>{tr!(i18n, appointments.qr_caption)}</figcaption>
                </figure>
            </div>
            <dl class="figures">
                <div><dt>{tr!(i18n, appointments.step_time)}</dt><dd>{move || format!("{} – {}", format_datetime(a.starts_at, locale()), clock(a.ends_at, branch.offset_secs))}</dd></div>
                <div><dt>{tr!(i18n, appointments.step_branch)}</dt><dd>{move || bname.get(locale()).to_owned()}</dd></div>
                <div><dt>{tr!(i18n, appointments.address)}</dt><dd>{move || address.get(locale()).to_owned()}</dd></div>
                <div><dt>{tr!(i18n, appointments.phone)}</dt><dd>{phone.clone()}</dd></div>
                <div><dt>{tr!(i18n, appointments.bring)}</dt><dd>{move || docs.get(locale()).to_owned()}</dd></div>
            </dl>
            {a.change_reason.clone().filter(|_| status != AppointmentStatus::Booked).map(|r| view! {
                <p>{move || td_string!(locale(), appointments.changed_because, reason = reason_name(&r, locale())).to_string()}</p>
            })}
            {a.booked_by_agent.clone().map(|agent| view! { <crate::delegation::pages::OnBehalf agent /> })}
            {a.changed_by_agent.clone().map(|agent| view! { <crate::delegation::pages::OnBehalf agent changed=true /> })}
            {(status == AppointmentStatus::Booked).then(|| view! {
                <p class="actions">
                    <a class="button" rel="external" download="" href=format!("/appointments/{id}/visit.ics")>{tr!(i18n, appointments.calendar)}</a>
                </p>
            })}
            {if a.changeable {
                view! {
                    <h2>{tr!(i18n, appointments.change_title)}</h2>
                    <p><a class="button" href=move_href.clone()>{tr!(i18n, appointments.move_link)}</a></p>
                    <CancelVisit id />
                }
                .into_any()
            } else if status == AppointmentStatus::Booked {
                view! { <p class="notice">{move || td_string!(locale(), appointments.too_late, phone = phone2.clone()).to_string()}</p> }.into_any()
            } else {
                ().into_any()
            }}
            {rating}
        </section>
    }
}
