//! The complaints desk (agents and supervisors): `/staff/complaints`, the queue filtered by
//! status, category, deadline and "assigned to me", paged by keyset; and
//! `/staff/complaints/:id`, where a complaint is claimed, answered, noted internally, marked
//! complex and decided (or its review decided, by someone other than the first decision's
//! author). The server asks the rules before every step, whatever the page offers; a complaint
//! about the member of staff does not exist for them. Every look at a complaint is recorded in
//! the audit trail with the customer as its subject, so the customer's security activity shows it.

use super::pages::{Deadline, Decisions, Timeline, category_name, kind_name, refusal_text};
use super::rules::{self, Status};
use super::{Action, ComplaintDetail, ComplaintSummary};
use crate::error::AppError;
use crate::form::CheckedForms;
use crate::format::format_date;
use crate::i18n::*;
use crate::layout::{PageTitle, failed, loading};
use crate::resource::settled;
use leptos::prelude::*;
use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

/// One complaint in the desk's queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub summary: ComplaintSummary,
    pub customer_name: String,
    pub customer_no: String,
    pub handler: Option<String>,
    pub mine: bool,
}

/// A page of the queue, and the cursor of the next (`received_on:id`), if there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub next: Option<String>,
}

/// A complaint as the desk sees it: everything the customer sees, internal notes, and who the
/// customer and the handler are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffComplaint {
    pub detail: ComplaintDetail,
    pub customer_name: String,
    pub customer_no: String,
    pub handler: Option<String>,
    pub handler_id: Option<i64>,
    /// "standard" (15 days), "complex" (30) or "approved" (30 + the extension's days).
    pub time_limit: String,
    /// The staff a supervisor may assign it to, and who it may be recorded as being about.
    pub colleagues: Vec<Colleague>,
    /// The handler's request for more time beyond the complex limit, once made.
    pub extension: Option<Extension>,
    /// The number to call back, for the handler of a complaint whose customer asked to be called.
    pub call_back: Option<String>,
}

/// A request for more time, and its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub extra_days: i64,
    pub reason: String,
    pub requested_by: String,
    /// `None` while a supervisor's answer is awaited.
    pub approved: Option<bool>,
    pub answer: String,
}

/// A member of staff, as the assignment and recusal lists name them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleague {
    pub id: i64,
    pub staff_no: String,
    pub name: String,
    /// May handle complaints (an agent or a supervisor).
    pub desk: bool,
}

pub const PAGE_SIZE: usize = 20;

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::auth::Role;
    use crate::complaints::service::{self, Party};
    use crate::guard::Authenticated;
    use crate::state::AppState;

    /// The asker, if on the complaints desk: their state, session and who they are to the rules.
    pub async fn desk() -> Result<(AppState, Authenticated, Party), AppError> {
        let (state, who) = crate::guard::require_staff(&[Role::Agent, Role::Supervisor]).await?;
        let id = who.staff_id().ok_or(AppError::Forbidden)?;
        let party = Party::Staff { id, supervisor: who.role == Role::Supervisor };
        Ok((state, who, party))
    }

    pub fn id_of(party: Party) -> i64 {
        match party {
            Party::Staff { id, .. } => id,
            Party::Customer(_) => 0,
        }
    }

    /// The complaint as `staff_id` sees it; `NotFound` if it does not exist for them.
    pub async fn load(state: &AppState, party: Party, complaint_id: i64) -> Result<(StaffComplaint, i64), AppError> {
        let today = crate::accounts::china_today(state.now());
        let detail = service::detail(&state.pool, party, complaint_id, today)
            .await
            .map_err(AppError::internal)?
            .ok_or(AppError::NotFound)?;
        let row: (String, String, i64, Option<String>, String, Option<i64>, String) = sqlx::query_as(
            "SELECT cu.name, cu.customer_no, cu.id, s.name, c.time_limit, c.handler_id, cu.mobile FROM complaints c \
             JOIN customers cu ON cu.id = c.customer_id LEFT JOIN staff_users s ON s.id = c.handler_id \
             WHERE c.id = $1",
        )
        .bind(complaint_id)
        .fetch_one(&state.pool)
        .await
        .map_err(AppError::internal)?;
        let (customer_name, customer_no, customer_id, handler, time_limit, handler_id, mobile) = row;
        // Only the handler calls back, and only a customer who asked to be called.
        let call_back =
            (detail.contact == "phone" && handler_id.is_some() && handler_id == Some(id_of(party))).then_some(mobile);
        let colleagues: Vec<Colleague> = service::staff_list(&state.pool)
            .await
            .map_err(AppError::internal)?
            .into_iter()
            .map(|s| Colleague {
                id: s.id,
                staff_no: s.staff_no,
                name: s.name,
                desk: s.role == "agent" || s.role == "supervisor",
            })
            .collect();
        let extension = service::extension_of(&state.pool, complaint_id).await.map_err(AppError::internal)?.map(|e| {
            let requested_by = colleagues
                .iter()
                .find(|c: &&Colleague| c.id == e.requested_by)
                .map(|c| format!("{} {}", c.staff_no, c.name))
                .unwrap_or_default();
            Extension {
                extra_days: e.extra_days,
                reason: e.reason,
                requested_by,
                approved: e.approved,
                answer: e.answer,
            }
        });
        let complaint = StaffComplaint {
            detail,
            customer_name,
            customer_no,
            handler,
            handler_id,
            time_limit,
            colleagues,
            extension,
            call_back,
        };
        Ok((complaint, customer_id))
    }

    /// Records a member of staff's look at or step on a customer's complaint, about the customer.
    pub async fn audit(
        state: &AppState,
        who: &Authenticated,
        kind: &str,
        customer_id: i64,
        complaint_id: i64,
    ) -> Result<(), AppError> {
        let detail = serde_json::json!({ "complaint_id": complaint_id }).to_string();
        crate::audit::record_about(&state.pool, who, kind, customer_id, state.now(), &detail)
            .await
            .map_err(AppError::internal)
    }

    /// After a step: the audit entry, the customer's message if the step tells them something,
    /// and the complaint as it is now.
    pub async fn after_step(
        state: &AppState,
        who: &Authenticated,
        party: Party,
        complaint_id: i64,
        audit_kind: &str,
        notify: Option<(crate::messages::MessageKind, &service::Taken)>,
    ) -> Result<StaffComplaint, AppError> {
        let now = state.now();
        if let Some((kind, taken)) = notify {
            service::notify_customer(state, taken, kind, complaint_id, now).await.map_err(AppError::internal)?;
        }
        let (complaint, customer_id) = load(state, party, complaint_id).await?;
        audit(state, who, audit_kind, customer_id, complaint_id).await?;
        // Sent by the browser itself (the desk's plain forms): back to the complaint, saying so.
        crate::form::back_saying("desk");
        Ok(complaint)
    }
}

/// The queue: `status` "open" (default), "all" or a status; `category`; `due` "soon" or
/// "overdue"; `mine` "1" for the complaints the asker handles; `after` the cursor of the page.
#[server(endpoint = "staff/complaints/queue")]
pub async fn load_queue(
    status: Option<String>,
    category: Option<String>,
    due: Option<String>,
    mine: Option<String>,
    after: Option<String>,
) -> Result<QueuePage, AppError> {
    let cursor = match after.as_deref().filter(|a| !a.is_empty()) {
        Some(text) => {
            let parsed = text.split_once(':').and_then(|(day, id)| Some((day.parse().ok()?, id.parse().ok()?)));
            Some(parsed.ok_or_else(|| AppError::Invalid { field: "after".into(), problem: "invalid".into() })?)
        }
        None => None,
    };
    let (state, who, party) = ssr::desk().await?;
    let staff_id = ssr::id_of(party);
    let now = state.now();
    let filter = super::service::QueueFilter {
        status: status.unwrap_or_default(),
        category: category.unwrap_or_default(),
        due: due.unwrap_or_default(),
        mine: mine.as_deref() == Some("1"),
    };
    let today = crate::accounts::china_today(now);
    let (rows, more) = super::service::queue(&state.pool, staff_id, &filter, cursor, PAGE_SIZE, today)
        .await
        .map_err(AppError::internal)?;
    let next = more.then(|| rows.last().map(|r| format!("{}:{}", r.summary.received_on, r.summary.id))).flatten();
    let detail = serde_json::json!({ "listed": rows.len() }).to_string();
    crate::audit::record(&state.pool, &who, "staff_viewed_complaint_queue", now, &detail)
        .await
        .map_err(AppError::internal)?;
    let items = rows
        .into_iter()
        .map(|r| QueueItem {
            summary: r.summary,
            customer_name: r.customer_name,
            customer_no: r.customer_no,
            handler: r.handler,
            mine: r.mine,
        })
        .collect();
    Ok(QueuePage { items, next })
}

/// One complaint for the desk; the look is recorded about the customer.
#[server(endpoint = "staff/complaints/one")]
pub async fn load_staff_complaint(complaint_id: i64) -> Result<StaffComplaint, AppError> {
    let (state, who, party) = ssr::desk().await?;
    let (complaint, customer_id) = ssr::load(&state, party, complaint_id).await?;
    ssr::audit(&state, &who, "complaint_viewed_by_staff", customer_id, complaint_id).await?;
    Ok(complaint)
}

/// The asker takes an unclaimed complaint on.
#[server(endpoint = "staff/complaints/claim")]
pub async fn claim_complaint(complaint_id: i64) -> Result<StaffComplaint, AppError> {
    let (state, who, party) = ssr::desk().await?;
    let step = rules::Step::Accept;
    super::service::take_step(&state.pool, party, complaint_id, &step, "", state.now()).await?;
    ssr::after_step(&state, &who, party, complaint_id, "complaint_claimed", None).await
}

/// A supervisor gives a complaint to an agent or supervisor (never to the staff it is about).
#[server(endpoint = "staff/complaints/assign")]
pub async fn assign_complaint(complaint_id: i64, assignee: i64) -> Result<StaffComplaint, AppError> {
    let (state, who, party) = ssr::desk().await?;
    if who.role != crate::auth::Role::Supervisor {
        return Err(AppError::Forbidden);
    }
    super::service::assign(&state.pool, ssr::id_of(party), complaint_id, assignee, state.now()).await?;
    ssr::after_step(&state, &who, party, complaint_id, "complaint_assigned", None).await
}

/// The handler or a supervisor records that the complaint is about a member of staff, who may
/// then never see or handle it.
#[server(endpoint = "staff/complaints/recuse")]
pub async fn recuse_staff(complaint_id: i64, about: i64) -> Result<StaffComplaint, AppError> {
    let (state, who, party) = ssr::desk().await?;
    super::service::recuse(&state.pool, party, complaint_id, about, state.now()).await?;
    ssr::after_step(&state, &who, party, complaint_id, "complaint_recusal_recorded", None).await
}

/// The handler writes to the customer: a reply, or (`ask`) a question the customer is to answer.
/// The customer is told by message (and SMS or e-mail as they chose).
#[server(endpoint = "staff/complaints/reply")]
pub async fn reply_to_customer(complaint_id: i64, text: String, ask: bool) -> Result<StaffComplaint, AppError> {
    super::check_text("reply", &text)?;
    let desk = ssr::desk().await?;
    reply_with(desk, complaint_id, &text, ask, &[]).await
}

/// `reply_to_customer` as a multipart form (`complaint_id`, `text`, `ask`) with up to three files
/// (a letter, a statement): what the desk's page sends. Only staff at the desk get as far as
/// reading the files; a refused file is named and nothing is stored.
#[server(endpoint = "staff/complaints/reply_with_files", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn reply_with_files(data: leptos::server_fn::codec::MultipartData) -> Result<StaffComplaint, AppError> {
    let desk = ssr::desk().await?;
    let mut form = super::upload::read(data).await?;
    let complaint_id = form.take("complaint_id").parse().map_err(|_| AppError::NotFound)?;
    let text = form.take("text");
    super::check_text("reply", &text)?;
    reply_with(desk, complaint_id, &text, form.take("ask") == "true", &form.files).await
}

#[cfg(feature = "ssr")]
async fn reply_with(
    (state, who, party): (crate::state::AppState, crate::guard::Authenticated, super::service::Party),
    complaint_id: i64,
    text: &str,
    ask: bool,
    files: &[super::service::Upload],
) -> Result<StaffComplaint, AppError> {
    let step = if ask { rules::Step::AskCustomer } else { rules::Step::Reply };
    let now = state.now();
    let taken =
        super::service::take_step_sending(&state.pool, party, complaint_id, &step, text.trim(), files, now).await?;
    let notify = Some((crate::messages::MessageKind::ComplaintReply, &taken));
    ssr::after_step(&state, &who, party, complaint_id, "complaint_replied", notify).await
}

/// The handler records a telephone call with the customer: what was said, or that nobody
/// answered. The customer reads it on the complaint's timeline and is told by message.
#[server(endpoint = "staff/complaints/call")]
pub async fn record_call(complaint_id: i64, text: String) -> Result<StaffComplaint, AppError> {
    super::check_text("call", &text)?;
    let (state, who, party) = ssr::desk().await?;
    let taken =
        super::service::take_step(&state.pool, party, complaint_id, &rules::Step::Call, text.trim(), state.now())
            .await?;
    let notify = Some((crate::messages::MessageKind::ComplaintReply, &taken));
    ssr::after_step(&state, &who, party, complaint_id, "complaint_called", notify).await
}

/// An internal note for colleagues; the customer never sees it.
#[server(endpoint = "staff/complaints/note")]
pub async fn add_internal_note(complaint_id: i64, text: String) -> Result<StaffComplaint, AppError> {
    super::check_text("note", &text)?;
    let (state, who, party) = ssr::desk().await?;
    super::service::add_note(&state.pool, ssr::id_of(party), complaint_id, &text, state.now()).await?;
    ssr::after_step(&state, &who, party, complaint_id, "complaint_noted", None).await
}

/// The handler marks the case complex (30 days), with the reason the customer is sent.
#[server(endpoint = "staff/complaints/complex")]
pub async fn mark_complaint_complex(complaint_id: i64, reason: String) -> Result<StaffComplaint, AppError> {
    super::check_text("reason", &reason)?;
    let (state, who, party) = ssr::desk().await?;
    let taken =
        super::service::mark_complex(&state.pool, ssr::id_of(party), complaint_id, &reason, state.now()).await?;
    let notify = Some((crate::messages::MessageKind::ComplaintExtended, &taken));
    ssr::after_step(&state, &who, party, complaint_id, "complaint_marked_complex", notify).await
}

/// The handler of a complex case asks a supervisor for `extra_days` more (1 to 30), with the
/// reason the customer will be told if it is approved.
#[server(endpoint = "staff/complaints/extension")]
pub async fn request_extension(complaint_id: i64, extra_days: u32, reason: String) -> Result<StaffComplaint, AppError> {
    super::check_text("reason", &reason)?;
    let (state, who, party) = ssr::desk().await?;
    super::service::request_extension(&state.pool, ssr::id_of(party), complaint_id, extra_days, &reason, state.now())
        .await?;
    ssr::after_step(&state, &who, party, complaint_id, "complaint_extension_requested", None).await
}

/// A supervisor (not the one who asked) approves the extension, and the customer is told the
/// new deadline and the reason; or refuses it, with a reason for the handler.
#[server(endpoint = "staff/complaints/extension_answer")]
pub async fn answer_extension(complaint_id: i64, approve: bool, answer: String) -> Result<StaffComplaint, AppError> {
    if answer.trim().chars().count() > rules::TEXT_MAX {
        return Err(AppError::Invalid { field: "answer".into(), problem: "too_long".into() });
    }
    let (state, who, party) = ssr::desk().await?;
    let taken =
        super::service::answer_extension(&state.pool, party, complaint_id, approve, &answer, state.now()).await?;
    let notify = taken.as_ref().map(|t| (crate::messages::MessageKind::ComplaintExtended, t));
    ssr::after_step(&state, &who, party, complaint_id, "complaint_extension_answered", notify).await
}

/// The handler stops the clock for an external appraisal, with the reason the customer reads.
#[server(endpoint = "staff/complaints/pause")]
pub async fn pause_complaint(complaint_id: i64, reason: String) -> Result<StaffComplaint, AppError> {
    super::check_text("reason", &reason)?;
    let (state, who, party) = ssr::desk().await?;
    super::service::pause(&state.pool, ssr::id_of(party), complaint_id, Some(&reason), state.now()).await?;
    ssr::after_step(&state, &who, party, complaint_id, "complaint_paused", None).await
}

/// The handler starts the clock again once the appraisal is back.
#[server(endpoint = "staff/complaints/resume")]
pub async fn resume_complaint(complaint_id: i64) -> Result<StaffComplaint, AppError> {
    let (state, who, party) = ssr::desk().await?;
    super::service::pause(&state.pool, ssr::id_of(party), complaint_id, None, state.now()).await?;
    ssr::after_step(&state, &who, party, complaint_id, "complaint_resumed", None).await
}

/// The decision: the facts checked, the grounds, and what the bank will do. On a requested
/// review, the review's decision, by someone other than the first decision's author.
#[server(endpoint = "staff/complaints/decide")]
pub async fn decide_complaint(
    complaint_id: i64,
    facts: String,
    grounds: String,
    remedy: String,
) -> Result<StaffComplaint, AppError> {
    for (field, text) in [("facts", &facts), ("grounds", &grounds), ("remedy", &remedy)] {
        if text.trim().chars().count() > rules::TEXT_MAX {
            return Err(AppError::Invalid { field: field.into(), problem: "too_long".into() });
        }
    }
    let (state, who, party) = ssr::desk().await?;
    let decision =
        rules::Decision { facts: facts.trim().into(), grounds: grounds.trim().into(), remedy: remedy.trim().into() };
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM complaints WHERE id = $1")
        .bind(complaint_id)
        .fetch_optional(&state.pool)
        .await
        .map_err(AppError::internal)?;
    let step = if status.as_deref() == Some(Status::ReviewRequested.as_str()) {
        rules::Step::DecideReview(decision)
    } else {
        rules::Step::Decide(decision)
    };
    let taken = super::service::take_step(&state.pool, party, complaint_id, &step, "", state.now()).await?;
    let notify = Some((crate::messages::MessageKind::ComplaintDecided, &taken));
    ssr::after_step(&state, &who, party, complaint_id, "complaint_decided", notify).await
}

/// A status's name as the desk reads it ("waiting for the customer", not "for you").
fn status_name(status: Status, locale: Locale) -> String {
    match status {
        Status::WaitingForCustomer => td_string!(locale, workbench.status_waiting).to_string(),
        s => super::pages::status_name(s, locale),
    }
}

/// `/staff/complaints?status=…&category=…&due=…&mine=1&after=…`: the queue, oldest first.
#[component]
pub fn StaffComplaintsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let get = move |name: &str| query.with(|q| q.get(name)).unwrap_or_default();
    let page = crate::resource::blocking(
        move || (get("status"), get("category"), get("due"), get("mine"), get("after")),
        |(status, category, due, mine, after)| {
            let some = |s: String| (!s.is_empty()).then_some(s);
            load_queue(some(status), some(category), some(due), some(mine), some(after))
        },
    );
    let title = Signal::derive(move || t_string!(i18n, workbench.title).to_string());
    let selected = move |name: &'static str, value: &'static str| move || get(name) == value;
    view! {
        <PageTitle text=title />
        <section class="page">
            <p><a href="/staff/home">{tr!(i18n, branch.back)}</a></p>
            <h1>{title}</h1>
            <form class="filters" method="get" action="/staff/complaints">
                <div class="field">
                    <label for="q-status">{tr!(i18n, workbench.filter_status)}</label>
                    <select id="q-status" name="status">
                        <option value="open" selected=selected("status", "open")>{tr!(i18n, workbench.filter_open)}</option>
                        {Status::ALL
                            .into_iter()
                            .map(|s| {
                                let name = s.as_str();
                                view! { <option value=name selected=move || get("status") == name>{move || status_name(s, i18n.get_locale())}</option> }
                            })
                            .collect_view()}
                        <option value="all" selected=selected("status", "all")>{tr!(i18n, workbench.filter_all)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="q-category">{tr!(i18n, workbench.filter_category)}</label>
                    <select id="q-category" name="category">
                        <option value="">{tr!(i18n, workbench.filter_every_category)}</option>
                        {rules::CATEGORIES
                            .into_iter()
                            .map(|c| view! { <option value=c selected=move || get("category") == c>{move || category_name(c, i18n.get_locale())}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="q-due">{tr!(i18n, workbench.filter_due)}</label>
                    <select id="q-due" name="due">
                        <option value="">{tr!(i18n, workbench.filter_any_due)}</option>
                        <option value="soon" selected=selected("due", "soon")>{tr!(i18n, workbench.filter_soon)}</option>
                        <option value="overdue" selected=selected("due", "overdue")>{tr!(i18n, workbench.filter_overdue)}</option>
                    </select>
                </div>
                <div class="field check">
                    <input type="checkbox" id="q-mine" name="mine" value="1" checked=selected("mine", "1") />
                    <label for="q-mine">{tr!(i18n, workbench.filter_mine)}</label>
                </div>
                <button type="submit" class="button">{tr!(i18n, workbench.filter_apply)}</button>
            </form>
            <h2 id="queue-heading">{tr!(i18n, workbench.queue)}</h2>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(page.await).await {
                        Ok(p) if p.items.is_empty() => view! { <p class="empty">{tr!(i18n, workbench.empty)}</p> }.into_any(),
                        Ok(p) => {
                            let next = p.next.map(|cursor| {
                                let mut href = format!("/staff/complaints?after={cursor}");
                                for name in ["status", "category", "due", "mine"] {
                                    let value = get(name);
                                    if !value.is_empty() {
                                        href.push_str(&format!("&{name}={value}"));
                                    }
                                }
                                href
                            });
                            view! {
                                <ul class="cards" aria-labelledby="queue-heading">
                                    {p.items.into_iter().map(|item| view! { <QueueCard item /> }).collect_view()}
                                </ul>
                                {next.map(|href| view! { <p><a class="button" href=href>{tr!(i18n, workbench.next_page)}</a></p> })}
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
fn QueueCard(item: QueueItem) -> impl IntoView {
    let i18n = use_i18n();
    let s = item.summary.clone();
    let (kind, category, status) = (s.kind.clone(), s.category.clone(), s.status);
    let handler = item.handler.clone();
    let mine = item.mine;
    view! {
        <li class="card complaint-card">
            <h3><a href=format!("/staff/complaints/{}", s.id)>{s.reference.clone()}</a></h3>
            <p>
                <span class="badge">{move || status_name(status, i18n.get_locale())}</span>
                " " {move || format!("{} · {}", kind_name(&kind, i18n.get_locale()), category_name(&category, i18n.get_locale()))}
            </p>
            <p>{format!("{}（{}）", item.customer_name, item.customer_no)}</p>
            <p>
                {move || match (&handler, mine) {
                    (_, true) => t_string!(i18n, workbench.handled_by_you).to_string(),
                    (Some(name), false) => td_string!(i18n.get_locale(), workbench.handled_by, name = name.clone()).to_string(),
                    (None, _) => t_string!(i18n, workbench.unclaimed).to_string(),
                }}
            </p>
            <Deadline summary=item.summary />
        </li>
    }
}

/// `/staff/complaints/:id`.
#[component]
pub fn StaffComplaintPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let complaint = crate::resource::blocking(id, |id| async move {
        match id {
            Some(id) => load_staff_complaint(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match settled(complaint.await).await {
                    Ok(c) => view! { <StaffComplaintView c /> }.into_any(),
                    Err(AppError::NotFound) => view! { <crate::layout::NotFound /> }.into_any(),
                    Err(_) => failed().into_any(),
                }
            })}
        </Transition>
    }
}

/// A text area of a desk form, with its label and the "required" message (shown by
/// [`CheckedForms`] when the form is sent without it).
#[component]
fn TextField(
    id: &'static str,
    name: &'static str,
    label: Signal<String>,
    #[prop(optional)] rows: Option<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <textarea id=id name=name rows=rows.unwrap_or(4) maxlength=rules::TEXT_MAX required aria-invalid="false"></textarea>
            <p class="error" id=format!("{id}-error") hidden>{tr!(i18n, workbench.text_required)}</p>
        </div>
    }
}

/// A choice of one member of staff, with its label and the "choose one" message.
#[component]
fn StaffPicker(id: &'static str, label: Signal<String>, people: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=id required aria-invalid="false">
                <option value="">{tr!(i18n, complaints.choose)}</option>
                {people.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
            </select>
            <p class="error" id=format!("{id}-error") hidden>{tr!(i18n, workbench.choose_staff)}</p>
        </div>
    }
}

/// A desk form: posted by the browser to a server function (`to`, its [`crate::form::post_to`])
/// with the complaint's id, after which the page comes back as it now is, saying so
/// (`done=desk`), or with the refusal.
#[component]
fn DeskForm(
    to: &'static str,
    complaint_id: i64,
    #[prop(optional)] multipart: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <form class="form" method="post" action=to enctype=multipart.then_some("multipart/form-data")>
            <input type="hidden" name="complaint_id" value=complaint_id />
            {children()}
        </form>
    }
}

/// The refusal of a desk step that the redirect back to this page carried in its address.
fn desk_refusal() -> Option<AppError> {
    let prefix = <ClaimComplaint as leptos::server_fn::ServerFn>::PATH.trim_end_matches("claim");
    crate::form::refusal_under(prefix)
}

/// A desk step that takes one text (a reason, a note): its heading, a hint, the text and a button.
#[component]
fn TextStep(
    to: &'static str,
    complaint_id: i64,
    heading: fn(Locale) -> String,
    #[prop(optional)] hint: Option<fn(Locale) -> String>,
    /// The text field's id and name.
    field: (&'static str, &'static str),
    label: fn(Locale) -> String,
    #[prop(default = 2)] rows: u32,
    button: fn(Locale) -> String,
    /// What to say between the hint and the text.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let text = move |f: fn(Locale) -> String| move || f(i18n.get_locale());
    view! {
        <DeskForm to complaint_id>
            <h2>{text(heading)}</h2>
            {hint.map(|hint| view! { <p class="hint">{text(hint)}</p> })}
            {children.map(|c| c())}
            <TextField id=field.0 name=field.1 label=Signal::derive(text(label)) rows />
            <button type="submit" class="button">{text(button)}</button>
        </DeskForm>
    }
}

/// A complaint at the desk: what it is and where it stands, and the steps the asker may take now,
/// each a plain HTML form ([`DeskForm`]) checked before it is sent ([`CheckedForms`]): no code in
/// the browser but that check.
#[component]
fn StaffComplaintView(c: StaffComplaint) -> impl IntoView {
    let i18n = use_i18n();
    let complaint_id = c.detail.summary.id;
    let may = |action: Action| c.detail.may(action);
    let [claim, reply, ask, call, decide, review, complex, extend, answer, pause, resume, assign, recuse, note] = [
        Action::Claim,
        Action::Reply,
        Action::AskCustomer,
        Action::RecordCall,
        Action::Decide,
        Action::DecideReview,
        Action::MarkComplex,
        Action::RequestExtension,
        Action::AnswerExtension,
        Action::Pause,
        Action::Resume,
        Action::Assign,
        Action::Recuse,
        Action::Note,
    ]
    .map(may);
    // Everyone but the handler, as "number name"; for assigning, only those on the desk.
    let people = |desk_only: bool| {
        c.colleagues
            .iter()
            .filter(|p| (p.desk || !desk_only) && Some(p.id) != c.handler_id)
            .map(|p| (p.id, format!("{} {}", p.staff_no, p.name)))
            .collect::<Vec<_>>()
    };
    let (assignable, about) = (people(true), people(false));
    let call_back = c.call_back.clone();
    let reference = c.detail.summary.reference.clone();
    let title = Signal::derive(move || {
        td_string!(i18n.get_locale(), complaints.title, reference = reference.clone()).to_string()
    });
    let label = move |f: fn(Locale) -> String| Signal::derive(move || f(i18n.get_locale()));
    let refused = desk_refusal();
    view! {
        <PageTitle text=title />
        <section class="page narrow">
            <p><a href="/staff/complaints">{tr!(i18n, workbench.back)}</a></p>
            <h1>{title}</h1>
            <crate::form::DoneNote what="desk">{tr!(i18n, announce.done)}</crate::form::DoneNote>
            {refused.map(|e| view! { <p role="alert" class="error-box">{move || refusal_text(&e, i18n.get_locale())}</p> })}
            {
                let d = c.detail.clone();
                let s = d.summary.clone();
                let (kind, category) = (s.kind.clone(), s.category.clone());
                let limit = c.time_limit.clone();
                let extra = c.extension.as_ref().map_or(0, |e| e.extra_days);
                let extension = c.extension.clone();
                let handler = c.handler.clone();
                view! {
                    <p>
                        <span class="badge">{move || status_name(s.status, i18n.get_locale())}</span>
                        " " {move || format!("{} · {}", kind_name(&kind, i18n.get_locale()), category_name(&category, i18n.get_locale()))}
                    </p>
                    <dl class="figures">
                        <div><dt>{tr!(i18n, workbench.customer)}</dt><dd>{format!("{}（{}）", c.customer_name, c.customer_no)}</dd></div>
                        <div><dt>{tr!(i18n, workbench.received)}</dt><dd>{move || format_date(s.received_on, i18n.get_locale())}</dd></div>
                        <div>
                            <dt>{tr!(i18n, workbench.time_limit)}</dt>
                            <dd>
                                {move || {
                                    let l = i18n.get_locale();
                                    match limit.as_str() {
                                        "complex" => td_string!(l, workbench.limit_complex).to_string(),
                                        "approved" => td_string!(l, workbench.limit_approved, days = 30 + extra).to_string(),
                                        _ => td_string!(l, workbench.limit_standard).to_string(),
                                    }
                                }}
                            </dd>
                        </div>
                        {extension.map(|e| {
                            let status = e.approved;
                            view! {
                                <div>
                                    <dt>{tr!(i18n, workbench.extension)}</dt>
                                    <dd>
                                        {move || {
                                            let l = i18n.get_locale();
                                            let state = match status {
                                                None => td_string!(l, workbench.extension_pending).to_string(),
                                                Some(true) => td_string!(l, workbench.extension_approved).to_string(),
                                                Some(false) => td_string!(l, workbench.extension_refused).to_string(),
                                            };
                                            let by = e.requested_by.clone();
                                            td_string!(l, workbench.extension_line, days = e.extra_days, by, state).to_string()
                                        }}
                                        <span class="prose">{format!(" {}", e.reason)}</span>
                                        {(!e.answer.is_empty()).then(|| view! { <span class="prose">{format!(" — {}", e.answer)}</span> })}
                                    </dd>
                                </div>
                            }
                        })}
                        <div>
                            <dt>{tr!(i18n, workbench.handler)}</dt>
                            <dd>{move || handler.clone().unwrap_or_else(|| t_string!(i18n, workbench.unclaimed).to_string())}</dd>
                        </div>
                    </dl>
                    <Deadline summary=d.summary.clone() />
                    <h2>{tr!(i18n, workbench.customer_text)}</h2>
                    <dl class="figures">
                        <div><dt>{tr!(i18n, complaints.what)}</dt><dd class="prose">{d.what_happened.clone()}</dd></div>
                        {(!d.wanted.is_empty()).then(|| view! {
                            <div><dt>{tr!(i18n, complaints.wanted)}</dt><dd class="prose">{d.wanted.clone()}</dd></div>
                        })}
                        {d.visit.clone().map(|(_, reference)| view! {
                            <div>
                                <dt>{tr!(i18n, complaints.visit_term)}</dt>
                                <dd>{move || td_string!(i18n.get_locale(), complaints.about_visit, reference = reference.clone()).to_string()}</dd>
                            </div>
                        })}
                        {d.notice.clone().map(|notice| view! {
                            <div>
                                <dt>{tr!(i18n, complaints.notice)}</dt>
                                <dd class:late-notice=notice.late>
                                    {move || {
                                        let l = i18n.get_locale();
                                        let date = format_date(notice.window_ends_on, l);
                                        if notice.late {
                                            td_string!(l, complaints.notice_late, date = date).to_string()
                                        } else {
                                            td_string!(l, complaints.notice_on_time, date = date).to_string()
                                        }
                                    }}
                                </dd>
                            </div>
                        })}
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
                    </dl>
                    <Decisions decisions=d.decisions.clone() />
                    <Timeline complaint_id=d.summary.id entries=d.timeline.clone() staff=true />
                }
            }
            <CheckedForms>
                {claim.then(|| view! {
                    <DeskForm to={crate::form::post_to::<ClaimComplaint>()} complaint_id>
                        <p><button type="submit" class="button primary">{tr!(i18n, workbench.claim)}</button></p>
                    </DeskForm>
                })}
                {reply.then(|| view! {
                    <DeskForm to={crate::form::post_to::<ReplyWithFiles>()} complaint_id multipart=true>
                        <h2>{tr!(i18n, workbench.reply)}</h2>
                        <TextField id="reply-text" name="text" label=label(|l| td_string!(l, workbench.reply_label).to_string()) />
                        <div class="field files">
                            <label for="reply-files">{tr!(i18n, complaints.files_label)}</label>
                            <p class="hint" id="reply-files-hint">{tr!(i18n, complaints.files_hint)}</p>
                            <input type="file" id="reply-files" name="file" multiple accept=super::files::ACCEPT aria-describedby="reply-files-hint" />
                        </div>
                        <div class="actions">
                            <button type="submit" class="button primary" name="ask" value="false">{tr!(i18n, workbench.send_reply)}</button>
                            {ask.then(|| view! {
                                <button type="submit" class="button" name="ask" value="true">{tr!(i18n, workbench.send_question)}</button>
                            })}
                        </div>
                    </DeskForm>
                })}
                {call.then(|| view! {
                    <TextStep to={crate::form::post_to::<RecordCall>()} complaint_id
                        heading=|l| td_string!(l, workbench.call_title).to_string()
                        field=("call-text", "text") rows=3
                        label=|l| td_string!(l, workbench.call_label).to_string()
                        button=|l| td_string!(l, workbench.call_send).to_string()>
                        {call_back.clone().map(|number| view! {
                            <p class="notice">{move || td_string!(i18n.get_locale(), workbench.call_back, number = number.clone()).to_string()}</p>
                        })}
                    </TextStep>
                })}
                {(decide || review).then(|| view! {
                    <DeskForm to={crate::form::post_to::<DecideComplaint>()} complaint_id>
                        <h2>{move || if review { t_string!(i18n, workbench.decide_review) } else { t_string!(i18n, workbench.decide) }}</h2>
                        <TextField id="decision-facts" name="facts" label=label(|l| td_string!(l, workbench.facts).to_string()) />
                        <TextField id="decision-grounds" name="grounds" label=label(|l| td_string!(l, workbench.grounds).to_string()) />
                        <div class="field">
                            <label for="decision-remedy">{tr!(i18n, workbench.remedy)}</label>
                            <textarea id="decision-remedy" name="remedy" rows="3" maxlength=rules::TEXT_MAX></textarea>
                        </div>
                        <button type="submit" class="button primary">{tr!(i18n, workbench.send_decision)}</button>
                    </DeskForm>
                })}
                {complex.then(|| view! {
                    <TextStep to={crate::form::post_to::<MarkComplaintComplex>()} complaint_id
                        heading=|l| td_string!(l, workbench.mark_complex).to_string()
                        hint=|l| td_string!(l, workbench.mark_complex_note).to_string()
                        field=("complex-reason", "reason")
                        label=|l| td_string!(l, workbench.reason).to_string()
                        button=|l| td_string!(l, workbench.mark_complex).to_string() />
                })}
                {extend.then(|| view! {
                    <DeskForm to={crate::form::post_to::<RequestExtension>()} complaint_id>
                        <h2>{tr!(i18n, workbench.request_extension)}</h2>
                        <p class="hint">{tr!(i18n, workbench.request_extension_note)}</p>
                        <div class="field">
                            <label for="extension-days">{tr!(i18n, workbench.extension_days)}</label>
                            <input id="extension-days" name="extra_days" type="number" inputmode="numeric" min="1" max="30" required aria-invalid="false" />
                            <p class="error" id="extension-days-error" hidden>{tr!(i18n, workbench.extension_days_error)}</p>
                        </div>
                        <TextField id="extension-reason" name="reason" label=label(|l| td_string!(l, workbench.reason).to_string()) rows=2 />
                        <button type="submit" class="button">{tr!(i18n, workbench.request_extension)}</button>
                    </DeskForm>
                })}
                {answer.then(|| view! {
                    <DeskForm to={crate::form::post_to::<AnswerExtension>()} complaint_id>
                        <h2>{tr!(i18n, workbench.answer_extension)}</h2>
                        // A refusal says why; an approval may.
                        <TextField id="extension-answer" name="answer" label=label(|l| td_string!(l, workbench.extension_answer).to_string()) rows=2 />
                        <div class="actions">
                            <button type="submit" class="button primary" name="approve" value="true" formnovalidate>{tr!(i18n, workbench.approve_extension)}</button>
                            <button type="submit" class="button" name="approve" value="false">{tr!(i18n, workbench.refuse_extension)}</button>
                        </div>
                    </DeskForm>
                })}
                {pause.then(|| view! {
                    <TextStep to={crate::form::post_to::<PauseComplaint>()} complaint_id
                        heading=|l| td_string!(l, workbench.pause).to_string()
                        hint=|l| td_string!(l, workbench.pause_note).to_string()
                        field=("pause-reason", "reason")
                        label=|l| td_string!(l, workbench.pause_reason).to_string()
                        button=|l| td_string!(l, workbench.pause).to_string() />
                })}
                {resume.then(|| view! {
                    <DeskForm to={crate::form::post_to::<ResumeComplaint>()} complaint_id>
                        <h2>{tr!(i18n, workbench.resume)}</h2>
                        <p><button type="submit" class="button">{tr!(i18n, workbench.resume)}</button></p>
                    </DeskForm>
                })}
                {assign.then(|| view! {
                    <DeskForm to={crate::form::post_to::<AssignComplaint>()} complaint_id>
                        <h2>{tr!(i18n, workbench.assign)}</h2>
                        <StaffPicker id="assignee" label=label(|l| td_string!(l, workbench.assign_to).to_string()) people=assignable />
                        <button type="submit" class="button">{tr!(i18n, workbench.assign)}</button>
                    </DeskForm>
                })}
                {recuse.then(|| view! {
                    <DeskForm to={crate::form::post_to::<RecuseStaff>()} complaint_id>
                        <h2>{tr!(i18n, workbench.recuse)}</h2>
                        <p class="hint">{tr!(i18n, workbench.recuse_note)}</p>
                        <StaffPicker id="about" label=label(|l| td_string!(l, workbench.recuse_who).to_string()) people=about />
                        <button type="submit" class="button">{tr!(i18n, workbench.recuse_send)}</button>
                    </DeskForm>
                })}
                {note.then(|| view! {
                    <TextStep to={crate::form::post_to::<AddInternalNote>()} complaint_id
                        heading=|l| td_string!(l, workbench.note).to_string()
                        hint=|l| td_string!(l, workbench.note_hint).to_string()
                        field=("note-text", "text")
                        label=|l| td_string!(l, workbench.note_label).to_string()
                        button=|l| td_string!(l, workbench.add_note).to_string() />
                })}
            </CheckedForms>
        </section>
    }
}
