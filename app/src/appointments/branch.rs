//! The staff side of appointments: branch staff see their branch's visits for a day, check
//! visitors in and mark those who did not come; supervisors see any branch, and the week's
//! bookings, visits, no-shows and cancellations per branch. Every look at customers' visits
//! is recorded in the audit trail.

#[cfg(feature = "ssr")]
use super::rules::{can_check_in, can_mark_no_show, week_start};
use super::{AppointmentStatus, Names};
#[cfg(feature = "ssr")]
use crate::auth::Role;
use crate::error::AppError;
use crate::format::format_date;
use crate::i18n::*;
use crate::layout::PageTitle;
use crate::resource::settled;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

/// One visit on a branch's day list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchVisit {
    pub id: i64,
    pub reference: String,
    pub customer_name: String,
    pub customer_no: String,
    pub vip: bool,
    pub service: Names,
    pub starts_at: i64,
    pub ends_at: i64,
    pub status: AppointmentStatus,
    pub can_check_in: bool,
    pub can_mark_no_show: bool,
    /// Booked by an agent in a delegated session ("name S0007").
    pub booked_by_agent: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchDay {
    pub code: String,
    pub name: Names,
    pub day: NaiveDate,
    pub offset_secs: i64,
    pub visits: Vec<BranchVisit>,
    /// Ranges of this day closed for booking: (start, end, reason), unix seconds.
    pub closed: Vec<(i64, i64, String)>,
    /// Branches a supervisor may switch to (code, name); only their own for branch staff.
    pub branches: Vec<(String, Names)>,
}

/// One branch's week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekRow {
    pub code: String,
    pub name: Names,
    pub booked: u32,
    pub checked_in: u32,
    pub no_show: u32,
    pub cancelled: u32,
    pub moved: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekReport {
    pub monday: NaiveDate,
    pub rows: Vec<WeekRow>,
}

pub const OUTCOMES: [&str; 2] = ["checked_in", "no_show"];

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::guard::Authenticated;
    use sqlx::AnyPool;

    pub fn staff_id(who: &Authenticated) -> Result<i64, AppError> {
        who.principal.strip_prefix("staff:").and_then(|id| id.parse().ok()).ok_or(AppError::Forbidden)
    }

    /// The branch (id, code) a member of staff works at, if any.
    pub async fn own_branch(pool: &AnyPool, staff_id: i64) -> Result<Option<(i64, String)>, sqlx::Error> {
        sqlx::query_as("SELECT b.id, b.code FROM staff_users s JOIN branches b ON b.id = s.branch_id WHERE s.id = $1")
            .bind(staff_id)
            .fetch_optional(pool)
            .await
    }

    /// The branch this person may look at: branch staff their own only; supervisors any
    /// (`asked`, or the first).
    pub async fn branch_for(
        pool: &AnyPool,
        who: &Authenticated,
        asked: Option<&str>,
    ) -> Result<(i64, String), AppError> {
        let own = own_branch(pool, staff_id(who)?).await.map_err(AppError::internal)?;
        match who.role {
            Role::BranchStaff => {
                let own = own.ok_or(AppError::Forbidden)?;
                if asked.is_some_and(|code| code != own.1) {
                    return Err(AppError::Forbidden);
                }
                Ok(own)
            }
            _ => {
                let code = asked.map(str::to_owned).or(own.map(|o| o.1)).unwrap_or_else(|| "B001".to_owned());
                let id: Option<i64> = sqlx::query_scalar("SELECT id FROM branches WHERE code = $1")
                    .bind(&code)
                    .fetch_optional(pool)
                    .await
                    .map_err(AppError::internal)?;
                Ok((id.ok_or(AppError::NotFound)?, code))
            }
        }
    }

    /// The branch's offset from UTC, as its day list places times.
    pub async fn branch_offset(pool: &AnyPool, branch_id: i64) -> Result<i64, AppError> {
        let zone: String = sqlx::query_scalar("SELECT timezone FROM branches WHERE id = $1")
            .bind(branch_id)
            .fetch_one(pool)
            .await
            .map_err(AppError::internal)?;
        Ok(crate::appointments::rules::zone_offset_secs(&zone).unwrap_or(8 * 3600))
    }

    type VisitRow = (i64, String, String, String, String, String, String, i64, i64, String, Option<String>);

    pub async fn day_visits(
        pool: &AnyPool,
        branch_id: i64,
        from: i64,
        to: i64,
        now: i64,
    ) -> Result<Vec<BranchVisit>, sqlx::Error> {
        let rows: Vec<VisitRow> = sqlx::query_as(
            "SELECT a.id, a.reference, c.name, c.customer_no, c.tier, s.name_zh, s.name_en, a.starts_at, a.ends_at, a.status, \
             (SELECT x.name || ' ' || x.staff_no FROM staff_users x WHERE x.id = a.assisted_by) \
             FROM appointments a JOIN customers c ON c.id = a.customer_id JOIN services s ON s.id = a.service_id \
             WHERE a.branch_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3 AND a.status <> 'moved' \
             ORDER BY a.starts_at, a.id",
        )
        .bind(branch_id)
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let status = AppointmentStatus::parse(&r.9).unwrap_or(AppointmentStatus::Cancelled);
                let booked = status == AppointmentStatus::Booked;
                BranchVisit {
                    id: r.0,
                    reference: r.1,
                    customer_name: r.2,
                    customer_no: r.3,
                    vip: super::super::rules::is_vip(&r.4),
                    service: Names { zh: r.5, en: r.6 },
                    starts_at: r.7,
                    ends_at: r.8,
                    status,
                    can_check_in: can_check_in(booked, r.7, r.8, now),
                    can_mark_no_show: can_mark_no_show(booked, r.7, now),
                    booked_by_agent: r.10,
                }
            })
            .collect())
    }
}

#[server(endpoint = "staff/appointments/day")]
pub async fn load_branch_day(day: Option<String>, branch: Option<String>) -> Result<BranchDay, AppError> {
    let (state, who) = crate::guard::require_staff(&[Role::BranchStaff, Role::Supervisor]).await?;
    let now = state.now();
    let (branch_id, code) = ssr::branch_for(&state.pool, &who, branch.as_deref().filter(|b| !b.is_empty())).await?;
    let day = match day.as_deref().filter(|d| !d.is_empty()) {
        Some(text) => text
            .parse::<NaiveDate>()
            .map_err(|_| AppError::Invalid { field: "day".into(), problem: "not_a_date".into() })?,
        None => crate::accounts::china_today(now),
    };
    let names: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT code, name_zh, name_en, timezone FROM branches ORDER BY code")
            .fetch_all(&state.pool)
            .await
            .map_err(AppError::internal)?;
    let (_, zh, en, zone) = names.iter().find(|n| n.0 == code).cloned().ok_or(AppError::NotFound)?;
    let offset_secs = super::rules::zone_offset_secs(&zone).unwrap_or(8 * 3600);
    let from = super::rules::to_utc(day, chrono::NaiveTime::MIN, offset_secs);
    let visits = ssr::day_visits(&state.pool, branch_id, from, from + 86_400, now).await.map_err(AppError::internal)?;
    let closed: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT starts_at, ends_at, reason FROM slot_closures \
         WHERE branch_id = $1 AND ends_at > $2 AND starts_at < $3 ORDER BY starts_at",
    )
    .bind(branch_id)
    .bind(from)
    .bind(from + 86_400)
    .fetch_all(&state.pool)
    .await
    .map_err(AppError::internal)?;
    let detail = serde_json::json!({ "branch": code, "day": day.to_string(), "visits": visits.len() }).to_string();
    crate::audit::record(&state.pool, &who, "staff_viewed_branch_day", now, &detail)
        .await
        .map_err(AppError::internal)?;
    let branches = names
        .into_iter()
        .filter(|n| who.role == Role::Supervisor || n.0 == code)
        .map(|(c, zh, en, _)| (c, Names { zh, en }))
        .collect();
    Ok(BranchDay { code, name: Names { zh, en }, day, offset_secs, visits, closed, branches })
}

/// Checks a visitor in, or marks a visit missed, at the staff member's own branch (any, for
/// supervisors), when the time allows. A visitor checked in is asked, once, to rate the visit.
#[server(endpoint = "staff/appointments/mark")]
pub async fn mark_visit(appointment_id: i64, outcome: String) -> Result<(), AppError> {
    if !OUTCOMES.contains(&outcome.as_str()) {
        return Err(AppError::Invalid { field: "outcome".into(), problem: "unknown".into() });
    }
    let (state, who) = crate::guard::require_staff(&[Role::BranchStaff, Role::Supervisor]).await?;
    let now = state.now();
    let row: Option<(i64, i64, i64, i64, String)> =
        sqlx::query_as("SELECT customer_id, branch_id, starts_at, ends_at, status FROM appointments WHERE id = $1")
            .bind(appointment_id)
            .fetch_optional(&state.pool)
            .await
            .map_err(AppError::internal)?;
    let (customer_id, branch_id, starts_at, ends_at, status) = row.ok_or(AppError::NotFound)?;
    if who.role == Role::BranchStaff {
        let own = ssr::own_branch(&state.pool, ssr::staff_id(&who)?).await.map_err(AppError::internal)?;
        if own.map(|o| o.0) != Some(branch_id) {
            // Another branch's visit is not theirs to see: answer as if it did not exist.
            return Err(AppError::NotFound);
        }
    }
    let booked = status == "booked";
    let allowed = match outcome.as_str() {
        "checked_in" => can_check_in(booked, starts_at, ends_at, now),
        _ => can_mark_no_show(booked, starts_at, now),
    };
    if !allowed {
        return Err(AppError::Invalid { field: "outcome".into(), problem: "not_now".into() });
    }
    // Who checked the visitor in: a complaint about the visit is never theirs to handle.
    let checked_in_by = if outcome == "checked_in" { Some(ssr::staff_id(&who)?) } else { None };
    let done = sqlx::query(
        "UPDATE appointments SET status = $1, changed_at = $2, checked_in_by = $3 WHERE id = $4 AND status = 'booked'",
    )
    .bind(&outcome)
    .bind(now)
    .bind(checked_in_by)
    .bind(appointment_id)
    .execute(&state.pool)
    .await
    .map_err(AppError::internal)?;
    if done.rows_affected() != 1 {
        return Err(AppError::Invalid { field: "outcome".into(), problem: "not_now".into() });
    }
    if checked_in_by.is_some() {
        // The visitor is checked in whatever happens to the request for a rating.
        if let Err(error) = super::rating::ssr::ask(&state, customer_id, appointment_id, now).await {
            tracing::warn!(%error, appointment_id, "the request to rate a visit could not be posted");
        }
    }
    let detail = serde_json::json!({ "appointment_id": appointment_id, "outcome": outcome }).to_string();
    crate::audit::record_about(&state.pool, &who, &format!("appointment_{outcome}"), customer_id, now, &detail)
        .await
        .map_err(AppError::internal)?;
    crate::form::back_saying(if outcome == "checked_in" { "checked-in" } else { "no-show" });
    Ok(())
}

/// Closes a range of a day at the staff member's branch (any branch, for supervisors): no
/// more bookings in it, and visits booked there are cancelled with a message to book again.
#[server(endpoint = "staff/appointments/close")]
pub async fn close_slots(
    branch: Option<String>,
    day: String,
    from: String,
    to: String,
    reason: String,
) -> Result<u32, AppError> {
    let invalid = |field: &str| AppError::Invalid { field: field.into(), problem: "invalid".into() };
    let day: NaiveDate = day.parse().map_err(|_| invalid("day"))?;
    let time = |t: &str| chrono::NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
    let (Some(from), Some(to)) = (time(&from), time(&to)) else { return Err(invalid("from")) };
    if to <= from {
        return Err(invalid("to"));
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(invalid("reason"));
    }
    let (state, who) = crate::guard::require_staff(&[Role::BranchStaff, Role::Supervisor]).await?;
    let (branch_id, code) = ssr::branch_for(&state.pool, &who, branch.as_deref().filter(|b| !b.is_empty())).await?;
    let now = state.now();
    let offset = ssr::branch_offset(&state.pool, branch_id).await?;
    let range = (super::rules::to_utc(day, from, offset), super::rules::to_utc(day, to, offset));
    let staff_id = ssr::staff_id(&who)?;
    let cancelled = super::service::close_range(
        &state.pool,
        &state.gateway,
        &state.settings,
        branch_id,
        range,
        reason,
        staff_id,
        now,
    )
    .await
    .map_err(AppError::internal)?;
    let detail =
        serde_json::json!({ "branch": code, "from": range.0, "to": range.1, "cancelled": cancelled }).to_string();
    crate::audit::record(&state.pool, &who, "slots_closed", now, &detail).await.map_err(AppError::internal)?;
    Ok(cancelled)
}

/// Supervisors: per branch, the visits of the week starting on the Monday of `week` (a date).
#[server(endpoint = "staff/appointments/week")]
pub async fn load_week_report(week: Option<String>) -> Result<WeekReport, AppError> {
    let (state, _who) = crate::guard::require_staff(&[Role::Supervisor]).await?;
    let now = state.now();
    let day = match week.as_deref().filter(|d| !d.is_empty()) {
        Some(text) => text
            .parse::<NaiveDate>()
            .map_err(|_| AppError::Invalid { field: "week".into(), problem: "not_a_date".into() })?,
        None => crate::accounts::china_today(now),
    };
    let monday = week_start(day);
    let from = crate::accounts::service::china_midnight(monday);
    #[derive(sqlx::FromRow)]
    struct Row {
        code: String,
        name_zh: String,
        name_en: String,
        booked: i64,
        checked_in: i64,
        no_show: i64,
        cancelled: i64,
        moved: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT b.code, b.name_zh, b.name_en, \
         CAST(COUNT(a.id) AS BIGINT) AS booked, \
         CAST(COALESCE(SUM(CASE WHEN a.status = 'checked_in' THEN 1 ELSE 0 END), 0) AS BIGINT) AS checked_in, \
         CAST(COALESCE(SUM(CASE WHEN a.status = 'no_show' THEN 1 ELSE 0 END), 0) AS BIGINT) AS no_show, \
         CAST(COALESCE(SUM(CASE WHEN a.status = 'cancelled' THEN 1 ELSE 0 END), 0) AS BIGINT) AS cancelled, \
         CAST(COALESCE(SUM(CASE WHEN a.status = 'moved' THEN 1 ELSE 0 END), 0) AS BIGINT) AS moved \
         FROM branches b LEFT JOIN appointments a ON a.branch_id = b.id AND a.starts_at >= $1 AND a.starts_at < $2 \
         GROUP BY b.code, b.name_zh, b.name_en ORDER BY b.code",
    )
    .bind(from)
    .bind(from + 7 * 86_400)
    .fetch_all(&state.pool)
    .await
    .map_err(AppError::internal)?;
    let n = |v: i64| u32::try_from(v).unwrap_or(0);
    Ok(WeekReport {
        monday,
        rows: rows
            .into_iter()
            .map(|r| WeekRow {
                code: r.code,
                name: Names { zh: r.name_zh, en: r.name_en },
                booked: n(r.booked),
                checked_in: n(r.checked_in),
                no_show: n(r.no_show),
                cancelled: n(r.cancelled),
                moved: n(r.moved),
            })
            .collect(),
    })
}

/// `/staff/appointments?day=…&branch=…`: a branch's visits for a day, with check-in and no-show
/// (plain forms, which come back to this page saying what was done) and the form that closes a
/// range of the day.
#[component]
pub fn BranchDayPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let day = crate::resource::blocking(
        move || query.with(|q| (q.get("day"), q.get("branch"))),
        |(day, branch)| load_branch_day(day, branch),
    );
    let locale = move || i18n.get_locale();
    let mark_error = StoredValue::new(crate::form::refusal::<MarkVisit>().map(|e| match e {
        AppError::Invalid { .. } => t_string!(i18n, branch.not_now).to_string(),
        _ => t_string!(i18n, error.generic).to_string(),
    }));
    // How many booked visits the range just closed cancelled, from the address it came back to.
    let cancelled = query.with_untracked(|q| q.get("cancelled").and_then(|n| n.parse::<u32>().ok()).unwrap_or(0));
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, branch.title).to_string()) />
        <section class="page">
            <p><a href="/staff/home">{tr!(i18n, branch.back)}</a></p>
            <h1>{tr!(i18n, branch.title)}</h1>
            <Transition fallback=move || view! { <p role="status">{tr!(i18n, settings.loading)}</p> }>
                {move || Suspend::new(async move {
                    match settled(day.await).await {
                        Ok(d) => {
                            let offset = d.offset_secs;
                            let (code, name) = (d.code.clone(), d.name.clone());
                            view! {
                                <form class="month-pick" method="get" action="/staff/appointments">
                                    <label for="branch-pick">{tr!(i18n, branch.branch)}</label>
                                    <select id="branch-pick" name="branch">
                                        {d.branches.iter().map(|(c, n)| {
                                            let n = n.clone();
                                            view! { <option value=c.clone() selected=*c == code>{move || n.get(locale()).to_owned()}</option> }
                                        }).collect_view()}
                                    </select>
                                    <label for="day-pick">{tr!(i18n, branch.day)}</label>
                                    <input id="day-pick" type="date" name="day" value=d.day.to_string() />
                                    <button type="submit" class="button">{tr!(i18n, branch.show)}</button>
                                </form>
                                <h2 id="visits-heading">
                                    {move || format!("{} · {}", name.get(locale()), format_date(d.day, locale()))}
                                </h2>
                                <crate::form::DoneNote what="checked-in">{tr!(i18n, branch.checked_in_done)}</crate::form::DoneNote>
                                <crate::form::DoneNote what="no-show">{tr!(i18n, branch.no_show_done)}</crate::form::DoneNote>
                                <p role="alert" class="error-box">{mark_error.get_value()}</p>
                                {if d.visits.is_empty() {
                                    view! { <p class="empty">{tr!(i18n, branch.none)}</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-scroll" role="region" aria-labelledby="visits-heading" tabindex="0">
                                            <table aria-labelledby="visits-heading">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">{tr!(i18n, branch.col_time)}</th>
                                                        <th scope="col">{tr!(i18n, branch.col_customer)}</th>
                                                        <th scope="col">{tr!(i18n, branch.col_service)}</th>
                                                        <th scope="col">{tr!(i18n, branch.col_status)}</th>
                                                        <th scope="col">{tr!(i18n, branch.col_action)}</th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {d.visits.into_iter().map(|v| {
                                                        let id = v.id;
                                                        let service = v.service.clone();
                                                        let who = format!("{} {}", v.customer_name, v.customer_no);
                                                        view! {
                                                            <tr>
                                                                <td>{super::rules::to_local(v.starts_at, offset).format("%H:%M").to_string()}</td>
                                                                <td>
                                                                    {who.clone()}
                                                                    {v.vip.then(|| view! { " " <span class="badge">{tr!(i18n, branch.vip)}</span> })}
                                                                    <br /><span class="hint">{v.reference.clone()}</span>
                                                                    {v.booked_by_agent.clone().map(|agent| view! { <crate::delegation::pages::OnBehalf agent /> })}
                                                                </td>
                                                                <td>{move || service.get(locale()).to_owned()}</td>
                                                                <td>{move || super::pages::status_name(v.status, locale())}</td>
                                                                <td class="row-actions">
                                                                    {v.can_check_in.then(|| {
                                                                        let label = td_string!(locale(), branch.check_in_label, who = who.clone()).to_string();
                                                                        view! {
                                                                            <form method="post" action={crate::form::post_to::<MarkVisit>()}>
                                                                                <input type="hidden" name="appointment_id" value=id />
                                                                                <input type="hidden" name="outcome" value="checked_in" />
                                                                                <button type="submit" class="button primary" aria-label=label>{tr!(i18n, branch.check_in)}</button>
                                                                            </form>
                                                                        }
                                                                    })}
                                                                    {v.can_mark_no_show.then(|| {
                                                                        let label = td_string!(locale(), branch.no_show_label, who = who.clone()).to_string();
                                                                        view! {
                                                                            <form method="post" action={crate::form::post_to::<MarkVisit>()}>
                                                                                <input type="hidden" name="appointment_id" value=id />
                                                                                <input type="hidden" name="outcome" value="no_show" />
                                                                                <button type="submit" class="button" aria-label=label>{tr!(i18n, branch.no_show)}</button>
                                                                            </form>
                                                                        }
                                                                    })}
                                                                </td>
                                                            </tr>
                                                        }
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    }
                                    .into_any()
                                }}
                                <h2>{tr!(i18n, branch.close_title)}</h2>
                                <p class="hint">{tr!(i18n, branch.close_lead)}</p>
                                <crate::form::DoneNote what="closed">
                                    {move || td_string!(locale(), branch.closed_done, n = cancelled).to_string()}
                                </crate::form::DoneNote>
                                <CloseSlotsForm branch=d.code.clone() day=d.day />
                                {(!d.closed.is_empty()).then(|| {
                                    let hm = move |t: i64| super::rules::to_local(t, offset).format("%H:%M").to_string();
                                    view! {
                                        <h3 id="closed-heading">{tr!(i18n, branch.closed_ranges)}</h3>
                                        <ul aria-labelledby="closed-heading">
                                            {d.closed.iter().map(|(from, to, reason)| view! {
                                                <li>{format!("{}–{} · {}", hm(*from), hm(*to), reason)}</li>
                                            }).collect_view()}
                                        </ul>
                                    }
                                })}
                            }
                            .into_any()
                        }
                        Err(AppError::Invalid { .. }) => view! { <p class="error-box" role="alert">{tr!(i18n, branch.bad_day)}</p> }.into_any(),
                        Err(AppError::Forbidden) => view! { <p class="error-box" role="alert">{tr!(i18n, branch.not_yours)}</p> }.into_any(),
                        Err(_) => view! { <p class="error-box" role="alert">{tr!(i18n, error.generic)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The form that closes a range of the day shown, checked before it is sent (an island in islands
/// mode); once closed, the day's page loads again and says how many visits were cancelled.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
fn CloseSlotsForm(branch: String, day: NaiveDate) -> impl IntoView {
    let i18n = use_i18n();
    let close = ServerAction::<CloseSlots>::new();
    Effect::new({
        let branch = branch.clone();
        move |_| {
            if let Some(Ok(n)) = close.value().get() {
                crate::shell::load_page(&format!(
                    "/staff/appointments?day={day}&branch={branch}&done=closed&cancelled={n}"
                ));
            }
        }
    });
    let live = crate::form::hydrated();
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (f, t, r) = (from.get_untracked(), to.get_untracked(), reason.get_untracked());
        let ok = !f.is_empty() && !t.is_empty() && t > f && !r.trim().is_empty();
        problem.set(!ok);
        if ok {
            close.dispatch(CloseSlots {
                branch: Some(branch.clone()),
                day: day.to_string(),
                from: f,
                to: t,
                reason: r,
            });
        }
    };
    let failed = move || match close.value().get() {
        Some(Err(AppError::Invalid { .. })) => Some(t_string!(i18n, branch.bad_range).to_string()),
        Some(Err(_)) => Some(t_string!(i18n, error.generic).to_string()),
        _ => problem.get().then(|| t_string!(i18n, branch.bad_range).to_string()),
    };
    view! {
        <form class="form close-form" method="post" novalidate on:submit=on_submit>
            <div class="filter-grid">
                <div class="field">
                    <label for="close-from">{tr!(i18n, branch.close_from)}</label>
                    <input id="close-from" type="time" name="from" prop:value=from on:input=move |ev| from.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="close-to">{tr!(i18n, branch.close_to)}</label>
                    <input id="close-to" type="time" name="to" prop:value=to on:input=move |ev| to.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="close-reason">{tr!(i18n, branch.close_reason)}</label>
                    <input id="close-reason" type="text" name="reason" maxlength=200 prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
                </div>
            </div>
            <p role="alert" class="error-box">{failed}</p>
            <p><button type="submit" class="button" disabled=move || !live.get() || close.pending().get()>{tr!(i18n, branch.close_submit)}</button></p>
        </form>
    }
}

/// `/staff/reports?week=…`: supervisors' weekly figures per branch.
#[component]
pub fn WeekReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let report = crate::resource::blocking(move || query.with(|q| q.get("week")), load_week_report);
    let locale = move || i18n.get_locale();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, branch.report_title).to_string()) />
        <section class="page">
            <p><a href="/staff/home">{tr!(i18n, branch.back)}</a></p>
            <h1>{tr!(i18n, branch.report_title)}</h1>
            <Transition fallback=move || view! { <p role="status">{tr!(i18n, settings.loading)}</p> }>
                {move || Suspend::new(async move {
                    match settled(report.await).await {
                        Ok(r) => {
                            let monday = r.monday;
                            let prev = (monday - chrono::Duration::days(7)).to_string();
                            let next = (monday + chrono::Duration::days(7)).to_string();
                            view! {
                                <p class="filter-actions">
                                    <a class="button" href=format!("/staff/reports?week={prev}")>{tr!(i18n, branch.prev_week)}</a>
                                    <a class="button" href=format!("/staff/reports?week={next}")>{tr!(i18n, branch.next_week)}</a>
                                </p>
                                <div class="table-scroll" role="region" aria-labelledby="week-caption" tabindex="0">
                                    <table>
                                        <caption id="week-caption">{move || td_string!(locale(), branch.week_caption, from = format_date(monday, locale()), to = format_date(monday + chrono::Duration::days(6), locale())).to_string()}</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">{tr!(i18n, branch.branch)}</th>
                                                <th scope="col" class="num">{tr!(i18n, branch.col_booked)}</th>
                                                <th scope="col" class="num">{tr!(i18n, appointments.status_checked_in)}</th>
                                                <th scope="col" class="num">{tr!(i18n, appointments.status_no_show)}</th>
                                                <th scope="col" class="num">{tr!(i18n, appointments.status_cancelled)}</th>
                                                <th scope="col" class="num">{tr!(i18n, appointments.status_moved)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {r.rows.into_iter().map(|row| {
                                                let name = row.name.clone();
                                                view! {
                                                    <tr>
                                                        <th scope="row">{move || name.get(locale()).to_owned()}</th>
                                                        <td class="num">{row.booked}</td>
                                                        <td class="num">{row.checked_in}</td>
                                                        <td class="num">{row.no_show}</td>
                                                        <td class="num">{row.cancelled}</td>
                                                        <td class="num">{row.moved}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                            .into_any()
                        }
                        Err(AppError::Invalid { .. }) => view! { <p class="error-box" role="alert">{tr!(i18n, branch.bad_day)}</p> }.into_any(),
                        Err(_) => view! { <p class="error-box" role="alert">{tr!(i18n, error.generic)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
