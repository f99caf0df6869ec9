//! The customer's complaint pages: `/complaints` (their complaints with each one's deadline),
//! `/complaints/new` (the form, a review step, and the receipt with the reference) and
//! `/complaints/:id` (the status page: deadline, timeline, adding information, withdrawing).
//! The forms need WASM: until the app is live their buttons stay disabled, so nothing typed is
//! ever sent by the browser's own form submission.

use super::picker::{FileLinks, FilePicker, Picked, file_problem_text, upload_action};
use super::rules::{self, FilingProblem, Status, Urgency};
use super::{ComplaintDetail, ComplaintSummary, Filed};
use crate::error::AppError;
use crate::form::Choices;
use crate::format::{format_date, format_datetime};
use crate::i18n::*;
use crate::layout::{PageTitle, failed, loading};
use crate::resource::settled;
use leptos::prelude::*;
use leptos_i18n::td_string;

pub(crate) fn status_name(status: Status, locale: Locale) -> String {
    match status {
        Status::Submitted => td_string!(locale, complaints.status_submitted),
        Status::Accepted => td_string!(locale, complaints.status_accepted),
        Status::InProgress => td_string!(locale, complaints.status_in_progress),
        Status::WaitingForCustomer => td_string!(locale, complaints.status_waiting_for_customer),
        Status::Decided => td_string!(locale, complaints.status_decided),
        Status::ReviewRequested => td_string!(locale, complaints.status_review_requested),
        Status::ReviewDecided => td_string!(locale, complaints.status_review_decided),
        Status::Closed => td_string!(locale, complaints.status_closed),
        Status::Withdrawn => td_string!(locale, complaints.status_withdrawn),
    }
    .to_string()
}

pub(crate) fn kind_name(kind: &str, locale: Locale) -> String {
    match kind {
        "suggestion" => td_string!(locale, complaints.kind_suggestion),
        _ => td_string!(locale, complaints.kind_complaint),
    }
    .to_string()
}

pub(crate) fn category_name(category: &str, locale: Locale) -> String {
    match category {
        "service_attitude" => td_string!(locale, complaints.category_service_attitude),
        "waiting_time" => td_string!(locale, complaints.category_waiting_time),
        "fees" => td_string!(locale, complaints.category_fees),
        "deposits" => td_string!(locale, complaints.category_deposits),
        "cards" => td_string!(locale, complaints.category_cards),
        "loans" => td_string!(locale, complaints.category_loans),
        "wealth_products" => td_string!(locale, complaints.category_wealth_products),
        "e_banking" => td_string!(locale, complaints.category_e_banking),
        _ => td_string!(locale, complaints.category_other),
    }
    .to_string()
}

fn contact_name(contact: &str, locale: Locale) -> String {
    match contact {
        "sms" => td_string!(locale, complaints.contact_sms),
        "phone" => td_string!(locale, complaints.contact_phone),
        _ => td_string!(locale, complaints.contact_message),
    }
    .to_string()
}

fn event_name(kind: &str, locale: Locale) -> String {
    match kind {
        "merged" => td_string!(locale, complaints.event_merged),
        "accepted" => td_string!(locale, complaints.event_accepted),
        "reply" => td_string!(locale, complaints.event_reply),
        "asked_customer" => td_string!(locale, complaints.event_asked_customer),
        "called" => td_string!(locale, complaints.event_called),
        "info_added" => td_string!(locale, complaints.event_info_added),
        "decided" => td_string!(locale, complaints.event_decided),
        "decision_accepted" => td_string!(locale, complaints.event_decision_accepted),
        "review_requested" => td_string!(locale, complaints.event_review_requested),
        "review_decided" => td_string!(locale, complaints.event_review_decided),
        "withdrawn" => td_string!(locale, complaints.event_withdrawn),
        "extended" => td_string!(locale, complaints.event_extended),
        "note" => td_string!(locale, complaints.event_note),
        "closed_unanswered" => td_string!(locale, complaints.event_closed_unanswered),
        "assigned" => td_string!(locale, complaints.event_assigned),
        "unassigned" => td_string!(locale, complaints.event_unassigned),
        "paused" => td_string!(locale, complaints.event_paused),
        "resumed" => td_string!(locale, complaints.event_resumed),
        "recused" => td_string!(locale, complaints.event_recused),
        "extension_requested" => td_string!(locale, complaints.event_extension_requested),
        "extension_refused" => td_string!(locale, complaints.event_extension_refused),
        _ => td_string!(locale, complaints.event_submitted),
    }
    .to_string()
}

/// The deadline and the days left, in words; highlighted when due soon or overdue.
#[component]
pub(crate) fn Deadline(summary: ComplaintSummary) -> impl IntoView {
    let i18n = use_i18n();
    let Some(urgency) = summary.urgency else { return ().into_any() };
    let class = match urgency {
        Urgency::DueSoon { .. } => "deadline due-soon",
        Urgency::Overdue { .. } => "deadline overdue",
        _ => "deadline",
    };
    view! {
        <p class=class>
            {move || {
                let l = i18n.get_locale();
                let due = summary.due_on.map(|d| td_string!(l, complaints.due_on, date = format_date(d, l)).to_string());
                let left = match urgency {
                    Urgency::Paused => td_string!(l, complaints.paused).to_string(),
                    Urgency::OnTrack { days_left } | Urgency::DueSoon { days_left } if days_left > 0 => {
                        td_string!(l, complaints.days_left, n = days_left).to_string()
                    }
                    Urgency::OnTrack { .. } | Urgency::DueSoon { .. } => td_string!(l, complaints.last_day).to_string(),
                    Urgency::Overdue { days_late } => td_string!(l, complaints.overdue, n = days_late).to_string(),
                };
                match due {
                    Some(due) => format!("{due} · {left}"),
                    None => left,
                }
            }}
        </p>
    }
    .into_any()
}

#[component]
fn ComplaintCard(c: ComplaintSummary) -> impl IntoView {
    let i18n = use_i18n();
    let (kind, category, reference) = (c.kind.clone(), c.category.clone(), c.reference.clone());
    let status = c.status;
    let received = c.received_on;
    view! {
        <li class="card complaint-card">
            <h3>
                <a href=format!("/complaints/{}", c.id)>
                    {move || format!("{} · {}", kind_name(&kind, i18n.get_locale()), category_name(&category, i18n.get_locale()))}
                </a>
            </h3>
            <p>
                <span class="badge">{move || status_name(status, i18n.get_locale())}</span>
                " " {move || td_string!(i18n.get_locale(), complaints.reference, reference = reference.clone()).to_string()}
            </p>
            <p>{move || td_string!(i18n.get_locale(), complaints.received_on, date = format_date(received, i18n.get_locale())).to_string()}</p>
            <Deadline summary=c />
        </li>
    }
}

/// `/complaints`: the customer's complaints and suggestions, newest first.
#[component]
pub fn ComplaintsPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = crate::resource::blocking(|| (), |_| super::my_complaints());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, nav.complaints).to_string()) />
        <section class="page">
            <h1>{tr!(i18n, nav.complaints)}</h1>
            <p class="lead">{tr!(i18n, complaints.lead)}</p>
            <p><a class="button primary" href="/complaints/new">{tr!(i18n, complaints.file)}</a></p>
            <h2 id="mine-heading">{tr!(i18n, complaints.mine)}</h2>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(list.await).await {
                        Ok(all) if all.is_empty() => view! { <p class="empty">{tr!(i18n, complaints.none)}</p> }.into_any(),
                        Ok(all) => view! {
                            <ul class="cards" aria-labelledby="mine-heading">
                                {all.into_iter().map(|c| view! { <ComplaintCard c /> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(_) => failed().into_any(),
                    }
                })}
            </Transition>
            <p class="hint">{tr!(i18n, complaints.rule)}</p>
        </section>
    }
}

/// `/complaints/new`; `?visit=ID` starts from the customer's low rating of that visit: the
/// complaint is about the visit, its category the question rated lowest, its text the comment.
#[component]
pub fn NewComplaintPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let from_visit = query.with_untracked(|q| q.get("visit").and_then(|v| v.parse::<i64>().ok()));
    let accounts = crate::resource::blocking(|| (), |_| crate::accounts::accounts_overview());
    let visits = crate::resource::blocking(|| (), |_| crate::appointments::my_appointments());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, complaints.new_title).to_string()) />
        <section class="page narrow">
            <p><a href="/complaints">{tr!(i18n, complaints.back)}</a></p>
            <h1>{tr!(i18n, complaints.new_title)}</h1>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled((accounts.await, visits.await)).await {
                        (Ok(overview), Ok(visits)) => {
                            let accounts: Vec<(i64, String, crate::money::Currency)> = overview
                                .accounts
                                .iter()
                                .map(|a| (a.id, format!("{} {}", a.product_name, a.masked_number), a.currency))
                                .collect();
                            let start = from_visit
                                .and_then(|id| visits.iter().find(|v| v.id == id))
                                .and_then(|v| v.rating.clone().map(|r| (v.id, r)));
                            view! { <FilingForm accounts visits start /> }.into_any()
                        }
                        _ => failed().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// A transaction as the filing form lists it: when, what, with whom, how much.
fn transaction_label(tx: &crate::accounts::TxRow, currency: crate::money::Currency, locale: Locale) -> String {
    let amount = crate::format::format_signed_money(crate::money::Money::new(tx.amount_minor, currency), locale);
    format!("{} · {} {} · {amount}", format_datetime(tx.booked_at, locale), tx.description, tx.counterparty)
}

/// The latest transactions of one of the customer's accounts (the last three months, one page),
/// to pick the one a complaint is about; none before an account is chosen.
async fn recent_transactions(account: Option<i64>) -> Result<Vec<crate::accounts::TxRow>, AppError> {
    let Some(account_id) = account else { return Ok(Vec::new()) };
    let filter = crate::accounts::filter::FilterQuery { period: Some("3m".into()), ..Default::default() };
    Ok(crate::accounts::account_history(account_id, filter, None).await?.rows)
}

/// A visit as the filing form lists it: when, where, what for, and its reference.
fn visit_label(v: &crate::appointments::Appointment, locale: Locale) -> String {
    format!(
        "{} · {} · {} ({})",
        format_datetime(v.starts_at, locale),
        v.branch.name.get(locale),
        v.service.name.get(locale),
        v.reference
    )
}

fn filing_error(problem: FilingProblem, locale: Locale) -> String {
    match problem {
        FilingProblem::MissingKind => td_string!(locale, complaints.kind_required).to_string(),
        FilingProblem::MissingCategory => td_string!(locale, complaints.category_required).to_string(),
        FilingProblem::MissingContact => td_string!(locale, complaints.contact_required).to_string(),
        FilingProblem::WhatTooShort => td_string!(locale, complaints.what_too_short, min = rules::TEXT_MIN).to_string(),
        FilingProblem::WhatTooLong | FilingProblem::WantedTooLong => {
            td_string!(locale, complaints.what_too_long, max = rules::TEXT_MAX).to_string()
        }
    }
}

/// The filing form. `start`: the visit and its low rating the complaint starts from. An island
/// in islands mode.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn FilingForm(
    accounts: Vec<(i64, String, crate::money::Currency)>,
    visits: Vec<crate::appointments::Appointment>,
    start: Option<(i64, crate::appointments::rating::VisitRating)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let from_rating = start.is_some();
    let (kind, category, visit, what) = match &start {
        Some((id, rating)) => (
            RwSignal::new("complaint".to_owned()),
            RwSignal::new(rating.complaint_category().to_owned()),
            RwSignal::new(id.to_string()),
            RwSignal::new(rating.comment.clone()),
        ),
        None => (
            RwSignal::new(String::new()),
            RwSignal::new(String::new()),
            RwSignal::new(String::new()),
            RwSignal::new(String::new()),
        ),
    };
    let account = RwSignal::new(String::new());
    let transaction = RwSignal::new(String::new());
    let wanted = RwSignal::new(String::new());
    let contact = RwSignal::new(String::new());
    let draft_name = match &start {
        Some((id, _)) => format!("complaint:new:visit:{id}"),
        None => "complaint:new".to_owned(),
    };
    let forget_draft = crate::form::keep_draft(
        draft_name,
        vec![
            ("kind", kind),
            ("category", category),
            ("account", account),
            ("transaction", transaction),
            ("visit", visit),
            ("what", what),
            ("wanted", wanted),
            ("contact", contact),
        ],
    );
    let problems = RwSignal::new(Vec::<FilingProblem>::new());
    let error_for = move |wanted_problems: &'static [FilingProblem]| {
        Signal::derive(move || {
            problems
                .with(|ps| ps.iter().find(|p| wanted_problems.contains(p)).map(|p| filing_error(*p, i18n.get_locale())))
        })
    };
    let reviewing = RwSignal::new(false);
    let picked = Picked::new();
    let send = upload_action(
        move || {
            vec![
                ("kind", kind.get_untracked()),
                ("category", category.get_untracked()),
                ("account_id", account.get_untracked()),
                ("transaction_id", transaction.get_untracked()),
                ("appointment_id", visit.get_untracked()),
                ("what_happened", what.get_untracked()),
                ("wanted", wanted.get_untracked()),
                ("contact", contact.get_untracked()),
            ]
        },
        picked,
        super::file_complaint_with_files,
    );
    let live = crate::form::hydrated();
    Effect::new(move |_| {
        if matches!(send.value().get(), Some(Ok(_))) {
            forget_draft();
        }
    });
    let on_review = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problems.set(rules::check_filing(
            &kind.get_untracked(),
            &category.get_untracked(),
            &contact.get_untracked(),
            &what.get_untracked(),
            &wanted.get_untracked(),
        ));
        if problems.with_untracked(Vec::is_empty) {
            // A refusal of an earlier sending is about what has since been changed.
            send.value().set(None);
            reviewing.set(true);
        }
    };
    let on_send = move |_| {
        send.dispatch(());
    };
    let accounts = StoredValue::new(accounts);
    let account_name = move || {
        let chosen: Option<i64> = account.get().parse().ok();
        accounts.with_value(|all| chosen.and_then(|id| all.iter().find(|(a, ..)| *a == id).map(|(_, n, _)| n.clone())))
    };
    let currency = move || {
        let chosen: Option<i64> = account.get().parse().ok();
        accounts.with_value(|all| chosen.and_then(|id| all.iter().find(|(a, ..)| *a == id).map(|(.., c)| *c)))
    };
    // The chosen account's latest transactions, to pick one from (a new account, a new choice).
    let transactions = crate::resource::streamed(move || account.get().parse::<i64>().ok(), recent_transactions);
    let transaction_name = move || {
        let chosen: i64 = transaction.get().parse().ok()?;
        let rows = transactions.get()?.ok()?;
        let tx = rows.iter().find(|t| t.id == chosen)?;
        Some(transaction_label(tx, currency()?, i18n.get_locale()))
    };
    let visits = StoredValue::new(visits);
    let visit_name = move || {
        let chosen: Option<i64> = visit.get().parse().ok();
        let locale = i18n.get_locale();
        visits.with_value(|all| chosen.and_then(|id| all.iter().find(|v| v.id == id).map(|v| visit_label(v, locale))))
    };
    let what_count = move || what.with(|d| d.trim().chars().count());
    let what_error = error_for(&[FilingProblem::WhatTooShort, FilingProblem::WhatTooLong]);
    let wanted_error = error_for(&[FilingProblem::WantedTooLong]);
    let category_error = error_for(&[FilingProblem::MissingCategory]);
    view! {
        {move || match send.value().get() {
            Some(Ok(filed)) => view! { <FiledReceipt filed /> }.into_any(),
            _ if reviewing.get() => view! {
                <h2 id="review-heading" tabindex="-1">{tr!(i18n, complaints.review_title)}</h2>
                <dl class="figures">
                    <div><dt>{tr!(i18n, complaints.kind)}</dt><dd>{move || kind_name(&kind.get(), i18n.get_locale())}</dd></div>
                    <div><dt>{tr!(i18n, complaints.category)}</dt><dd>{move || category_name(&category.get(), i18n.get_locale())}</dd></div>
                    <div><dt>{tr!(i18n, complaints.account)}</dt><dd>{move || account_name().unwrap_or_else(|| t_string!(i18n, complaints.no_account).to_string())}</dd></div>
                    {move || transaction_name().map(|name| view! {
                        <div><dt>{tr!(i18n, complaints.transaction)}</dt><dd>{name}</dd></div>
                    })}
                    <div><dt>{tr!(i18n, complaints.visit)}</dt><dd>{move || visit_name().unwrap_or_else(|| t_string!(i18n, complaints.no_visit).to_string())}</dd></div>
                    <div><dt>{tr!(i18n, complaints.what)}</dt><dd class="prose">{move || what.get()}</dd></div>
                    <div><dt>{tr!(i18n, complaints.wanted)}</dt><dd class="prose">{move || wanted.get()}</dd></div>
                    <div><dt>{tr!(i18n, complaints.contact)}</dt><dd>{move || contact_name(&contact.get(), i18n.get_locale())}</dd></div>
                    <div>
                        <dt>{tr!(i18n, complaints.files)}</dt>
                        <dd>
                            {move || {
                                let locale = i18n.get_locale();
                                picked.list.with(|list| {
                                    if list.is_empty() {
                                        t_string!(i18n, complaints.none).to_string()
                                    } else {
                                        crate::format::format_list(list.iter().map(|(name, _)| name.as_str()), locale)
                                    }
                                })
                            }}
                        </dd>
                    </div>
                </dl>
                <p role="alert" class="error-box">
                    {move || send.value().get().and_then(Result::err).map(|e| refusal_text(&e, i18n.get_locale()))}
                </p>
                <div class="actions">
                    <button type="button" class="button" on:click=move |_| reviewing.set(false)>{tr!(i18n, complaints.edit)}</button>
                    <button type="button" class="button primary" on:click=on_send disabled=move || send.pending().get()>
                        {tr!(i18n, complaints.send)}
                    </button>
                </div>
            }
            .into_any(),
            _ => view! {
                <form class="form" novalidate on:submit=on_review>
                    {from_rating.then(|| view! { <p class="notice">{tr!(i18n, complaints.from_rating)}</p> })}
                    <Choices
                        name="kind"
                        legend=Signal::derive(move || t_string!(i18n, complaints.kind).to_string())
                        options=&rules::KINDS
                        label=kind_name
                        value=kind
                        error=error_for(&[FilingProblem::MissingKind])
                    />
                    <div class="field">
                        <label for="category">{tr!(i18n, complaints.category)}</label>
                        <select
                            id="category"
                            name="category"
                            aria-describedby=move || category_error.with(Option::is_some).then_some("category-error")
                            aria-invalid=move || category_error.with(Option::is_some).to_string()
                            on:change=move |ev| category.set(event_target_value(&ev))
                            prop:value=category
                        >
                            <option value="">{tr!(i18n, complaints.choose)}</option>
                            {rules::CATEGORIES
                                .iter()
                                .map(|c| view! { <option value=*c>{move || category_name(c, i18n.get_locale())}</option> })
                                .collect_view()}
                        </select>
                        {move || category_error.get().map(|m| view! { <p class="error" id="category-error">{m}</p> })}
                    </div>
                    <div class="field">
                        <label for="account">{tr!(i18n, complaints.account)}</label>
                        <select
                            id="account"
                            name="account"
                            on:change=move |ev| {
                                account.set(event_target_value(&ev));
                                transaction.set(String::new());
                            }
                            prop:value=account
                        >
                            <option value="">{tr!(i18n, complaints.no_account)}</option>
                            {accounts
                                .get_value()
                                .into_iter()
                                .map(|(id, name, _)| view! { <option value=id.to_string()>{name}</option> })
                                .collect_view()}
                        </select>
                    </div>
                    <Show when=move || !account.with(String::is_empty)>
                        <div class="field">
                            <Transition fallback=loading>
                                {move || Suspend::new(async move {
                                    let rows = settled(transactions.await).await.unwrap_or_default();
                                    let currency = currency();
                                    view! {
                                        <label for="transaction">{tr!(i18n, complaints.transaction_optional)}</label>
                                        <select id="transaction" name="transaction" on:change=move |ev| transaction.set(event_target_value(&ev)) prop:value=transaction>
                                            <option value="">{tr!(i18n, complaints.no_transaction)}</option>
                                            {currency.map(|currency| {
                                                rows.iter()
                                                    .map(|tx| {
                                                        let (id, tx) = (tx.id, tx.clone());
                                                        view! { <option value=id.to_string()>{move || transaction_label(&tx, currency, i18n.get_locale())}</option> }
                                                    })
                                                    .collect_view()
                                            })}
                                        </select>
                                    }
                                })}
                            </Transition>
                        </div>
                    </Show>
                    <div class="field">
                        <label for="visit">{tr!(i18n, complaints.visit)}</label>
                        <select id="visit" name="visit" on:change=move |ev| visit.set(event_target_value(&ev)) prop:value=visit>
                            <option value="">{tr!(i18n, complaints.no_visit)}</option>
                            {move || {
                                let locale = i18n.get_locale();
                                visits.with_value(|all| {
                                    all.iter()
                                        .map(|v| view! { <option value=v.id.to_string()>{visit_label(v, locale)}</option> })
                                        .collect_view()
                                })
                            }}
                        </select>
                    </div>
                    <div class="field">
                        <label for="what">{tr!(i18n, complaints.what)}</label>
                        <p class="hint" id="what-hint">{tr!(i18n, complaints.what_hint)}</p>
                        <textarea
                            id="what"
                            name="what"
                            rows="6"
                            maxlength=rules::TEXT_MAX
                            aria-describedby=move || {
                                if what_error.with(Option::is_some) { "what-hint what-count what-error" } else { "what-hint what-count" }
                            }
                            aria-invalid=move || what_error.with(Option::is_some).to_string()
                            prop:value=what
                            on:input=move |ev| what.set(event_target_value(&ev))
                        ></textarea>
                        <p class="hint" id="what-count">
                            {move || td_string!(i18n.get_locale(), complaints.count, n = what_count(), max = rules::TEXT_MAX).to_string()}
                        </p>
                        {move || what_error.get().map(|m| view! { <p class="error" id="what-error">{m}</p> })}
                    </div>
                    <div class="field">
                        <label for="wanted">{tr!(i18n, complaints.wanted)}</label>
                        <textarea
                            id="wanted"
                            name="wanted"
                            rows="3"
                            maxlength=rules::TEXT_MAX
                            aria-describedby=move || wanted_error.with(Option::is_some).then_some("wanted-error")
                            prop:value=wanted
                            on:input=move |ev| wanted.set(event_target_value(&ev))
                        ></textarea>
                        {move || wanted_error.get().map(|m| view! { <p class="error" id="wanted-error">{m}</p> })}
                    </div>
                    <FilePicker picked id="files" />
                    <Choices
                        name="contact"
                        legend=Signal::derive(move || t_string!(i18n, complaints.contact).to_string())
                        options=&rules::CONTACTS
                        label=contact_name
                        value=contact
                        error=error_for(&[FilingProblem::MissingContact])
                    />
                    <button type="submit" class="button primary" disabled=move || !live.get()>
                        {tr!(i18n, complaints.review)}
                    </button>
                </form>
            }
            .into_any(),
        }}
    }
}

#[component]
fn FiledReceipt(filed: Filed) -> impl IntoView {
    let i18n = use_i18n();
    let reference = filed.reference.clone();
    view! {
        <div class="notice" role="status">
            <p>
                {move || {
                    let l = i18n.get_locale();
                    if filed.merged {
                        td_string!(l, complaints.merged, reference = reference.clone()).to_string()
                    } else {
                        td_string!(l, complaints.sent, reference = reference.clone()).to_string()
                    }
                }}
            </p>
        </div>
        <p><a class="button primary" href=format!("/complaints/{}", filed.id)>{tr!(i18n, complaints.view)}</a></p>
    }
}

/// `/complaints/:id`: where a complaint stands, its timeline, and what the customer can do.
#[component]
pub fn ComplaintPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let detail = crate::resource::blocking(id, |id| async move {
        match id {
            Some(id) => super::my_complaint(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match settled(detail.await).await {
                    Ok(d) => {
                        let reference = d.summary.reference.clone();
                        let title = Signal::derive(move || {
                            td_string!(i18n.get_locale(), complaints.title, reference = reference.clone()).to_string()
                        });
                        view! { <PageTitle text=title /> <ComplaintView d /> }.into_any()
                    }
                    Err(AppError::NotFound) => view! { <crate::layout::NotFound /> }.into_any(),
                    Err(_) => failed().into_any(),
                }
            })}
        </Transition>
    }
}

/// A refused or failed step on a complaint, in words.
pub(crate) fn refusal_text(error: &AppError, locale: Locale) -> String {
    match error {
        AppError::Invalid { problem, .. } => match problem.as_str() {
            "required" => td_string!(locale, complaints.text_required).to_string(),
            "too_long" => td_string!(locale, complaints.what_too_long, max = rules::TEXT_MAX).to_string(),
            "not_yours" => td_string!(locale, complaints.refused_not_yours).to_string(),
            "recused" => td_string!(locale, complaints.refused_recused).to_string(),
            "missing_facts" => td_string!(locale, complaints.refused_missing_facts).to_string(),
            "missing_grounds" => td_string!(locale, complaints.refused_missing_grounds).to_string(),
            "missing_reason" => td_string!(locale, complaints.refused_missing_reason).to_string(),
            "review_already_requested" => td_string!(locale, complaints.refused_review_already_requested).to_string(),
            "review_window_closed" => td_string!(locale, complaints.refused_review_window_closed).to_string(),
            "same_handler" => td_string!(locale, complaints.refused_same_handler).to_string(),
            "already_extended" => td_string!(locale, complaints.refused_already_extended).to_string(),
            "not_complex" => td_string!(locale, complaints.refused_not_complex).to_string(),
            "extension_too_long" => td_string!(locale, complaints.refused_extension_too_long).to_string(),
            "own_request" => td_string!(locale, complaints.refused_own_request).to_string(),
            "already_rated" => td_string!(locale, complaints.refused_already_rated).to_string(),
            "rating_out_of_range" => td_string!(locale, complaints.rating_required).to_string(),
            _ => td_string!(locale, complaints.not_now).to_string(),
        },
        AppError::File { name, problem } => file_problem_text(name, *problem, locale),
        AppError::NotFound => td_string!(locale, complaints.not_found).to_string(),
        _ => td_string!(locale, error.generic).to_string(),
    }
}

/// The decisions on a complaint (the first and, after a review, the review's).
#[component]
pub(crate) fn Decisions(decisions: Vec<super::DecisionView>) -> impl IntoView {
    let i18n = use_i18n();
    decisions
        .into_iter()
        .map(|d| {
            let review = d.review;
            let on = d.decided_on;
            view! {
                <section class="card decision" aria-label=move || if review { t_string!(i18n, complaints.review_decision) } else { t_string!(i18n, complaints.decision) }>
                    <h2>{move || if review { t_string!(i18n, complaints.review_decision) } else { t_string!(i18n, complaints.decision) }}</h2>
                    <p>{move || td_string!(i18n.get_locale(), complaints.decided_on, date = format_date(on, i18n.get_locale())).to_string()}</p>
                    <dl class="figures">
                        <div><dt>{tr!(i18n, complaints.facts)}</dt><dd class="prose">{d.facts.clone()}</dd></div>
                        <div><dt>{tr!(i18n, complaints.grounds)}</dt><dd class="prose">{d.grounds.clone()}</dd></div>
                        {(!d.remedy.is_empty()).then(|| view! {
                            <div><dt>{tr!(i18n, complaints.remedy)}</dt><dd class="prose">{d.remedy.clone()}</dd></div>
                        })}
                    </dl>
                </section>
            }
        })
        .collect_view()
}

/// A complaint's timeline; for staff with who wrote each entry and the internal notes marked.
#[component]
pub(crate) fn Timeline(
    complaint_id: i64,
    entries: Vec<super::TimelineEntry>,
    #[prop(optional)] staff: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2 id="timeline-heading">{tr!(i18n, complaints.timeline)}</h2>
        <ol class="timeline" aria-labelledby="timeline-heading">
            {entries
                .into_iter()
                .map(|e| {
                    let (kind, by_customer, at, internal) = (e.kind.clone(), e.by_customer, e.created_at, e.internal);
                    let author = e.author.clone();
                    let who = move || match (&author, by_customer) {
                        (_, true) if staff => t_string!(i18n, complaints.by_customer).to_string(),
                        (_, true) => t_string!(i18n, complaints.by_you).to_string(),
                        (Some(name), false) => name.clone(),
                        (None, false) => t_string!(i18n, complaints.by_bank).to_string(),
                    };
                    view! {
                        <li class:internal=internal>
                            <p>
                                <strong>{move || event_name(&kind, i18n.get_locale())}</strong>
                                " · " {who}
                                " · " <time>{move || format_datetime(at, i18n.get_locale())}</time>
                            </p>
                            {e.on_behalf.clone().map(|agent| view! { <crate::delegation::pages::OnBehalf agent /> })}
                            {(!e.body.is_empty()).then(|| view! { <p class="prose">{e.body.clone()}</p> })}
                            <FileLinks complaint_id files=e.files.clone() />
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// One complaint as its customer follows it, and what they may do next: the server's HTML.
/// Withdrawing and accepting the decision are plain HTML forms (`form::post_to`); adding
/// information, asking for a review and rating check their text first and are islands in islands
/// mode. After each, the page is loaded again, with the complaint as it now stands and what was
/// done said at the top (`done=…`).
#[component]
pub fn ComplaintView(d: ComplaintDetail) -> impl IntoView {
    use crate::form::{DoneNote, post_to, refusal};
    let i18n = use_i18n();
    let complaint_id = d.summary.id;
    let may = |action| d.may(action);
    let (accept, review, rate, add, withdraw) = (
        may(super::Action::AcceptDecision),
        may(super::Action::RequestReview),
        may(super::Action::Rate),
        may(super::Action::AddInformation),
        may(super::Action::Withdraw),
    );
    let refused = refusal::<super::WithdrawComplaint>()
        .or_else(refusal::<super::AcceptDecision>)
        .or_else(refusal::<super::RequestReview>)
        .or_else(refusal::<super::RateComplaint>);
    let reference = d.summary.reference.clone();
    let title = move || td_string!(i18n.get_locale(), complaints.title, reference = reference.clone()).to_string();
    let s = d.summary.clone();
    let (kind, category, contact) = (d.summary.kind.clone(), d.summary.category.clone(), d.contact.clone());
    let (rating, review_until) = (d.rating, d.review_until);
    view! {
        <section class="page narrow">
            <p><a href="/complaints">{tr!(i18n, complaints.back)}</a></p>
            <h1>{title}</h1>
            <DoneNote what="added">{tr!(i18n, announce.information_added)}</DoneNote>
            <DoneNote what="withdrawn">{tr!(i18n, announce.withdrawn)}</DoneNote>
            <DoneNote what="accepted">{tr!(i18n, announce.accepted)}</DoneNote>
            <DoneNote what="review-requested">{tr!(i18n, announce.review_requested)}</DoneNote>
            <DoneNote what="rated">{tr!(i18n, announce.rated)}</DoneNote>
            <p>
                <span class="badge">{move || status_name(s.status, i18n.get_locale())}</span>
                " " {move || format!("{} · {}", kind_name(&kind, i18n.get_locale()), category_name(&category, i18n.get_locale()))}
            </p>
            <p>{move || td_string!(i18n.get_locale(), complaints.received_on, date = format_date(s.received_on, i18n.get_locale())).to_string()}</p>
            <Deadline summary=d.summary.clone() />
            <Decisions decisions=d.decisions.clone() />
            {(!d.decisions.is_empty()).then(|| view! {
                <div class="card options">
                    <h2>{tr!(i18n, complaints.options)}</h2>
                    <ul>
                        {review_until.map(|until| view! {
                            <li>{move || td_string!(i18n.get_locale(), complaints.option_review, date = format_date(until, i18n.get_locale())).to_string()}</li>
                        })}
                        <li>{tr!(i18n, complaints.option_mediation)}</li>
                        <li>{tr!(i18n, complaints.option_regulator)}</li>
                    </ul>
                </div>
            })}
            {rating.map(|r| view! {
                <p class="rated">{move || td_string!(i18n.get_locale(), complaints.rated, n = r).to_string()}</p>
            })}
            <h2>{tr!(i18n, complaints.your_text)}</h2>
            <dl class="figures">
                <div><dt>{tr!(i18n, complaints.what)}</dt><dd class="prose">{d.what_happened.clone()}</dd></div>
                {(!d.wanted.is_empty()).then(|| view! {
                    <div><dt>{tr!(i18n, complaints.wanted)}</dt><dd class="prose">{d.wanted.clone()}</dd></div>
                })}
                <div><dt>{tr!(i18n, complaints.contact)}</dt><dd>{move || contact_name(&contact, i18n.get_locale())}</dd></div>
                {d.earlier_reference.clone().map(|reference| view! {
                    <div>
                        <dt>{tr!(i18n, complaints.notice)}</dt>
                        <dd>{move || td_string!(i18n.get_locale(), complaints.earlier_reference, reference = reference.clone()).to_string()}</dd>
                    </div>
                })}
                {d.filed_by_agent.clone().map(|agent| view! {
                    <div>
                        <dt>{tr!(i18n, assist.filed_by)}</dt>
                        <dd><crate::delegation::pages::OnBehalf agent /></dd>
                    </div>
                })}
                {d.visit.clone().map(|(visit, reference)| view! {
                    <div>
                        <dt>{tr!(i18n, complaints.visit_term)}</dt>
                        <dd><a href=format!("/appointments/{visit}")>{move || td_string!(i18n.get_locale(), complaints.about_visit, reference = reference.clone()).to_string()}</a></dd>
                    </div>
                })}
            </dl>
            <Timeline complaint_id entries=d.timeline.clone() />
            {refused.map(|e| view! { <p role="alert" class="error-box">{move || refusal_text(&e, i18n.get_locale())}</p> })}
            {accept.then(|| view! {
                <h2>{tr!(i18n, complaints.accept)}</h2>
                <p class="hint">{tr!(i18n, complaints.accept_note)}</p>
                <form method="post" action={post_to::<super::AcceptDecision>()}>
                    <input type="hidden" name="complaint_id" value=complaint_id />
                    <button type="submit" class="button primary">{tr!(i18n, complaints.accept)}</button>
                </form>
            })}
            {review.then(|| view! { <ReviewRequestForm complaint_id /> })}
            {rate.then(|| view! { <RateComplaintForm complaint_id /> })}
            {add.then(|| view! { <AddInformationForm complaint_id /> })}
            {withdraw.then(|| view! {
                <h2>{tr!(i18n, complaints.withdraw)}</h2>
                <p class="hint">{tr!(i18n, complaints.withdraw_note)}</p>
                <form method="post" action={post_to::<super::WithdrawComplaint>()}>
                    <input type="hidden" name="complaint_id" value=complaint_id />
                    <button type="submit" class="button">{tr!(i18n, complaints.withdraw)}</button>
                </form>
            })}
        </section>
    }
}

/// After one of the complaint's islands: its page again, saying what was done.
fn complaint_done(complaint_id: i64, what: &str) {
    crate::shell::load_page(&format!("/complaints/{complaint_id}?done={what}"));
}

/// "Ask for a review": a plain form posted to `request_review`, its reason checked before it is
/// sent ([`crate::form::CheckedForms`]); the page comes back saying so, or with the refusal at its
/// top and the reason put back.
#[component]
pub fn ReviewRequestForm(complaint_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <crate::form::CheckedForms>
            <form class="form" method="post" action={crate::form::post_to::<super::RequestReview>()}>
                <input type="hidden" name="complaint_id" value=complaint_id />
                <h2>{tr!(i18n, complaints.request_review)}</h2>
                <div class="field">
                    <label for="review-reason">{tr!(i18n, complaints.review_reason)}</label>
                    <textarea id="review-reason" name="reason" rows="4" maxlength=rules::TEXT_MAX required aria-invalid="false"></textarea>
                    <p class="error" id="review-reason-error" hidden>{tr!(i18n, complaints.refused_missing_reason)}</p>
                </div>
                <button type="submit" class="button">{tr!(i18n, complaints.request_review)}</button>
            </form>
        </crate::form::CheckedForms>
    }
}

/// Rating the outcome, 1 to 5 stars and a comment: a plain form posted to `rate_complaint`, the
/// stars checked before it is sent ([`crate::form::CheckedForms`]); the page comes back with the
/// rating, or with the refusal at its top.
#[component]
pub fn RateComplaintForm(complaint_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <crate::form::CheckedForms>
            <form class="form" method="post" action={crate::form::post_to::<super::RateComplaint>()}>
                <input type="hidden" name="complaint_id" value=complaint_id />
                <h2>{tr!(i18n, complaints.rate)}</h2>
                <crate::form::PlainStars
                    name="stars"
                    legend=Signal::derive(move || t_string!(i18n, complaints.rate_question).to_string())
                    error=Signal::derive(move || t_string!(i18n, complaints.rating_required).to_string())
                />
                <div class="field">
                    <label for="rate-comment">{tr!(i18n, complaints.rate_comment)}</label>
                    <textarea id="rate-comment" name="comment" rows="3" maxlength=rules::TEXT_MAX></textarea>
                </div>
                <button type="submit" class="button primary">{tr!(i18n, complaints.rate_send)}</button>
            </form>
        </crate::form::CheckedForms>
    }
}

/// Adding information, with files: the text is checked before it is sent and kept as a draft
/// meanwhile; an island in islands mode.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn AddInformationForm(complaint_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let add_files = Picked::new();
    let add = upload_action(
        move || vec![("complaint_id", complaint_id.to_string()), ("text", text.get_untracked())],
        add_files,
        super::add_complaint_information_with_files,
    );
    let forget_draft = crate::form::keep_draft(format!("complaint:{complaint_id}:add"), vec![("text", text)]);
    let live = crate::form::hydrated();
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            forget_draft();
            complaint_done(complaint_id, "added");
        }
    });
    // An empty text is said at once; the server checks it again.
    let empty = RwSignal::new(false);
    let on_add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        empty.set(text.with_untracked(|t| t.trim().is_empty()));
        if !empty.get_untracked() {
            add.dispatch(());
        }
    };
    view! {
        <form class="form" novalidate on:submit=on_add>
            <h2>{tr!(i18n, complaints.add)}</h2>
            <div class="field">
                <label for="add-text">{tr!(i18n, complaints.add_label)}</label>
                <textarea
                    id="add-text"
                    name="text"
                    rows="4"
                    maxlength=rules::TEXT_MAX
                    aria-describedby=move || empty.get().then_some("add-text-error")
                    aria-invalid=move || empty.get().to_string()
                    prop:value=text
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                <Show when=move || empty.get()>
                    <p class="error" id="add-text-error">{tr!(i18n, complaints.text_required)}</p>
                </Show>
            </div>
            <FilePicker picked=add_files id="add-files" />
            <p role="alert" class="error-box">{move || add.value().get().and_then(Result::err).map(|e| refusal_text(&e, i18n.get_locale()))}</p>
            <button type="submit" class="button primary" disabled=move || !live.get() || add.pending().get()>
                {tr!(i18n, complaints.add_send)}
            </button>
        </form>
    }
}
