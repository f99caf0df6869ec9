//! The appointments SQL. Booking takes a place from the slot's counter with one conditional
//! UPDATE inside the booking transaction (and a CHECK behind it): whatever the number of server
//! instances, a slot never holds more bookings than its capacity. Every query about a
//! customer's appointments names the customer.

use super::rules::{self, Hours, SlotCount};
use super::{
    Appointment, AppointmentStatus, BookingStep, BranchChoice, BranchInfo, Closure, DayOption, Names, ServiceInfo,
    SlotOption,
};
use crate::accounts::china_today;
use crate::error::AppError;
use crate::state::{AppState, Settings};
use chrono::{NaiveDate, NaiveTime};
use sqlx::AnyPool;
use std::collections::HashMap;

pub async fn tier_of(pool: &AnyPool, customer_id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT tier FROM customers WHERE id = $1").bind(customer_id).fetch_one(pool).await
}

type ServiceRow = (i64, String, String, String, i64, i64, String, String);

fn service_from(r: ServiceRow) -> ServiceInfo {
    ServiceInfo {
        id: r.0,
        code: r.1,
        name: Names { zh: r.2, en: r.3 },
        duration_minutes: u32::try_from(r.4).unwrap_or(30),
        lead_time_hours: u32::try_from(r.5).unwrap_or(0),
        documents: Names { zh: r.6, en: r.7 },
    }
}

const SERVICE_COLUMNS: &str =
    "SELECT id, code, name_zh, name_en, duration_minutes, lead_time_hours, documents_zh, documents_en FROM services";

pub async fn services(pool: &AnyPool) -> Result<Vec<ServiceInfo>, sqlx::Error> {
    let rows: Vec<ServiceRow> = sqlx::query_as(&format!("{SERVICE_COLUMNS} ORDER BY id")).fetch_all(pool).await?;
    Ok(rows.into_iter().map(service_from).collect())
}

type BranchRow = (i64, String, String, String, String, String, String, String, String, String, i64, i64, i64, i64);

/// Branches offering `service_id` (all when `code` is `None`, else the one with that code),
/// with their hours and the closures from `from` to `to`.
async fn branches(
    pool: &AnyPool,
    service_id: i64,
    code: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<BranchInfo>, sqlx::Error> {
    let rows: Vec<BranchRow> = sqlx::query_as(
        "SELECT b.id, b.code, b.name_zh, b.name_en, b.district_zh, b.district_en, b.address_zh, b.address_en, \
         b.phone, b.timezone, b.step_free, b.elderly_window, b.counters, b.vip_counters FROM branches b \
         JOIN branch_services bs ON bs.branch_id = b.id WHERE bs.service_id = $1 AND ($2 = '' OR b.code = $2) \
         ORDER BY b.code",
    )
    .bind(service_id)
    .bind(code.unwrap_or(""))
    .fetch_all(pool)
    .await?;
    let hours: Vec<(i64, i64, String, String)> =
        sqlx::query_as("SELECT branch_id, weekday, opens, closes FROM branch_hours ORDER BY branch_id, weekday")
            .fetch_all(pool)
            .await?;
    let closures: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT branch_id, day, reason_zh, reason_en FROM branch_closures WHERE day >= $1 AND day <= $2 ORDER BY day",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(pool)
    .await?;
    let ranges: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT branch_id, starts_at, ends_at FROM slot_closures WHERE ends_at > $1 AND starts_at < $2 ORDER BY starts_at",
    )
    .bind(crate::accounts::service::china_midnight(from))
    .bind(crate::accounts::service::china_midnight(to + chrono::Duration::days(1)))
    .fetch_all(pool)
    .await?;
    let time = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").ok();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(BranchInfo {
                hours: hours
                    .iter()
                    .filter(|h| h.0 == r.0)
                    .filter_map(|h| {
                        Some(Hours { weekday: u32::try_from(h.1).ok()?, opens: time(&h.2)?, closes: time(&h.3)? })
                    })
                    .collect(),
                closures: closures
                    .iter()
                    .filter(|c| c.0 == r.0)
                    .filter_map(|c| {
                        Some(Closure { day: c.1.parse().ok()?, reason: Names { zh: c.2.clone(), en: c.3.clone() } })
                    })
                    .collect(),
                closed_ranges: ranges.iter().filter(|c| c.0 == r.0).map(|c| (c.1, c.2)).collect(),
                // A zone the portal cannot place in time is not offered rather than guessed.
                offset_secs: rules::zone_offset_secs(&r.9)?,
                id: r.0,
                code: r.1,
                name: Names { zh: r.2, en: r.3 },
                district: Names { zh: r.4, en: r.5 },
                address: Names { zh: r.6, en: r.7 },
                phone: r.8,
                step_free: r.10 != 0,
                elderly_window: r.11 != 0,
                counters: u32::try_from(r.12).unwrap_or(0),
                vip_counters: u32::try_from(r.13).unwrap_or(0),
            })
        })
        .collect())
}

/// The counters of the slots already booked at a branch for a service, by start time.
async fn slot_counts(
    pool: &AnyPool,
    branch_id: i64,
    service_id: i64,
    from: i64,
    to: i64,
) -> Result<HashMap<i64, SlotCount>, sqlx::Error> {
    let rows: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT starts_at, capacity, vip_reserved, taken, regular_taken FROM slot_usage \
         WHERE branch_id = $1 AND service_id = $2 AND starts_at >= $3 AND starts_at < $4",
    )
    .bind(branch_id)
    .bind(service_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    let n = |v: i64| u32::try_from(v).unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(|(at, capacity, vip_reserved, taken, regular_taken)| {
            (
                at,
                SlotCount {
                    capacity: n(capacity),
                    vip_reserved: n(vip_reserved),
                    taken: n(taken),
                    regular_taken: n(regular_taken),
                },
            )
        })
        .collect())
}

/// The bookable start times of one branch-local day and the places this customer could take.
async fn day_slots(
    pool: &AnyPool,
    settings: &Settings,
    branch: &BranchInfo,
    service: &ServiceInfo,
    day: NaiveDate,
    vip: bool,
    now: i64,
) -> Result<Vec<SlotOption>, sqlx::Error> {
    let closures: Vec<NaiveDate> = branch.closures.iter().map(|c| c.day).collect();
    let starts: Vec<i64> = rules::slot_starts(day, &branch.hours, &closures, service.duration_minutes)
        .into_iter()
        .map(|t| rules::to_utc(day, t, branch.offset_secs))
        .filter(|at| {
            rules::bookable(*at, now, i64::from(service.lead_time_hours), i64::from(settings.booking_window_days))
                && rules::clear_of(*at, i64::from(service.duration_minutes) * 60, &branch.closed_ranges)
        })
        .collect();
    let (Some(first), Some(last)) = (starts.first(), starts.last()) else { return Ok(Vec::new()) };
    let counts = slot_counts(pool, branch.id, service.id, *first, last + 1).await?;
    Ok(starts
        .into_iter()
        .map(|at| {
            let count = counts.get(&at).copied().unwrap_or(SlotCount::empty(branch.counters, branch.vip_counters));
            SlotOption { starts_at: at, places: count.places_for(vip) }
        })
        .collect())
}

/// The branch-local day of a moment.
fn local_day(unix: i64, offset_secs: i64) -> NaiveDate {
    rules::to_local(unix, offset_secs).date()
}

/// Free times from `now` on, soonest first, at most `limit` (for "that time was just taken").
async fn next_free(
    pool: &AnyPool,
    settings: &Settings,
    branch: &BranchInfo,
    service: &ServiceInfo,
    vip: bool,
    now: i64,
    limit: usize,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut out = Vec::new();
    let today = local_day(now, branch.offset_secs);
    for day in rules::booking_days(today, i64::from(settings.booking_window_days)) {
        for slot in day_slots(pool, settings, branch, service, day, vip, now).await? {
            if slot.places > 0 {
                out.push(slot.starts_at);
                if out.len() >= limit {
                    return Ok(out);
                }
            }
        }
    }
    Ok(out)
}

/// What the booking steps chose so far.
pub struct StepChoice<'a> {
    pub service: Option<&'a str>,
    pub branch: Option<&'a str>,
    pub day: Option<NaiveDate>,
    pub search: &'a str,
    pub moving: Option<i64>,
}

fn matches_search(branch: &BranchInfo, search: &str) -> bool {
    let search = search.trim().to_lowercase();
    search.is_empty()
        || [
            &branch.name.zh,
            &branch.name.en,
            &branch.district.zh,
            &branch.district.en,
            &branch.address.zh,
            &branch.address.en,
        ]
        .iter()
        .any(|text| text.to_lowercase().contains(&search))
}

pub async fn booking_step(
    pool: &AnyPool,
    settings: &Settings,
    customer_id: i64,
    vip: bool,
    choice: &StepChoice<'_>,
    now: i64,
) -> Result<BookingStep, sqlx::Error> {
    let today = china_today(now);
    let window_end = today + chrono::Duration::days(i64::from(settings.booking_window_days));
    let moving = match choice.moving {
        Some(id) => appointments_of(pool, settings, customer_id, Some(id), now).await?.pop().filter(|a| a.changeable),
        None => None,
    };
    let services = services(pool).await?;
    let service = choice.service.and_then(|code| services.iter().find(|s| s.code == code)).cloned();
    let mut step = BookingStep {
        services,
        service: service.clone(),
        branches: Vec::new(),
        branch: None,
        days: Vec::new(),
        day: None,
        slots: Vec::new(),
        moving,
        vip,
    };
    let Some(service) = service else { return Ok(step) };
    let offered = branches(pool, service.id, None, today, window_end).await?;
    let branch = choice.branch.and_then(|code| offered.iter().find(|b| b.code == code)).cloned();
    let Some(branch) = branch else {
        for b in offered.into_iter().filter(|b| matches_search(b, choice.search)) {
            let today_slots = day_slots(pool, settings, &b, &service, local_day(now, b.offset_secs), vip, now).await?;
            let next_free_today = today_slots.iter().find(|s| s.places > 0).map(|s| s.starts_at);
            step.branches.push(BranchChoice { branch: b, next_free_today });
        }
        return Ok(step);
    };
    for day in rules::booking_days(local_day(now, branch.offset_secs), i64::from(settings.booking_window_days)) {
        let slots = day_slots(pool, settings, &branch, &service, day, vip, now).await?;
        let closure = branch.closures.iter().find(|c| c.day == day).map(|c| c.reason.clone());
        step.days.push(DayOption {
            day,
            free_times: u32::try_from(slots.iter().filter(|s| s.places > 0).count()).unwrap_or(0),
            open: !slots.is_empty(),
            closure,
        });
        if Some(day) == choice.day {
            step.day = Some(day);
            step.slots = slots;
        }
    }
    step.branch = Some(branch);
    Ok(step)
}

/// What a customer asks to book.
pub struct BookRequest<'a> {
    pub customer_id: i64,
    pub vip: bool,
    pub service: &'a str,
    pub branch: &'a str,
    pub starts_at: i64,
    /// The appointment this one replaces.
    pub moving: Option<i64>,
    pub reason: Option<String>,
}

/// Why a booking, move or cancellation did not happen.
#[derive(Debug)]
pub enum BookingError {
    /// Not a time this branch offers for this service now (closed, past, beyond the window…).
    NotOffered,
    /// The last place was just taken; these are the next free times.
    Taken(Vec<i64>),
    Limit(rules::LimitProblem),
    /// The appointment is not the customer's (or not booked any more).
    NotFound,
    /// Too close to the start to change.
    TooLate,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for BookingError {
    fn from(e: sqlx::Error) -> Self {
        BookingError::Db(e)
    }
}

impl BookingError {
    pub fn into_app_error(self) -> AppError {
        let invalid = |field: &str, problem: &str| AppError::Invalid { field: field.into(), problem: problem.into() };
        match self {
            BookingError::NotOffered => invalid("starts_at", "not_offered"),
            BookingError::Taken(next_free) => AppError::Taken { next_free },
            BookingError::Limit(rules::LimitProblem::TooMany) => invalid("starts_at", "too_many"),
            BookingError::Limit(rules::LimitProblem::Overlaps) => invalid("starts_at", "overlaps"),
            BookingError::NotFound => AppError::NotFound,
            BookingError::TooLate => invalid("appointment", "too_late"),
            BookingError::Db(e) => AppError::internal(e),
        }
    }
}

/// Books the time, or moves `moving` to it, in one transaction: the customer's row is locked
/// first (one booking of theirs at a time, so the limits hold), the limits are checked, then
/// the slot's counter takes a place only while one is free for the customer's tier. Anything
/// refused rolls back whole.
pub async fn book(
    pool: &AnyPool,
    settings: &Settings,
    request: &BookRequest<'_>,
    now: i64,
) -> Result<Appointment, BookingError> {
    let today = china_today(now);
    let window_end = today + chrono::Duration::days(i64::from(settings.booking_window_days) + 1);
    let service =
        services(pool).await?.into_iter().find(|s| s.code == request.service).ok_or(BookingError::NotOffered)?;
    let branch = branches(pool, service.id, Some(request.branch), today, window_end)
        .await?
        .pop()
        .ok_or(BookingError::NotOffered)?;
    let day = local_day(request.starts_at, branch.offset_secs);
    let offered = day_slots(pool, settings, &branch, &service, day, request.vip, now).await?;
    if !offered.iter().any(|s| s.starts_at == request.starts_at) {
        return Err(BookingError::NotOffered);
    }
    let ends_at = request.starts_at + i64::from(service.duration_minutes) * 60;
    let regular = i64::from(!request.vip);

    let mut tx = pool.begin().await?;
    // A write first: SQLite then holds the write lock for the whole transaction (no upgrade
    // from a read lock that could fail), and PostgreSQL serialises this customer's bookings.
    sqlx::query("UPDATE customers SET preferred_locale = preferred_locale WHERE id = $1")
        .bind(request.customer_id)
        .execute(&mut *tx)
        .await?;
    let old: Option<(i64, i64, i64, i64, i64, i64)> = match request.moving {
        Some(id) => {
            let row: Option<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
                "SELECT id, branch_id, service_id, starts_at, regular_place, ends_at FROM appointments \
                 WHERE id = $1 AND customer_id = $2 AND status = 'booked'",
            )
            .bind(id)
            .bind(request.customer_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                tx.rollback().await?;
                return Err(BookingError::NotFound);
            };
            if !rules::can_change(row.3, now, i64::from(settings.appointment_change_cutoff_hours)) {
                tx.rollback().await?;
                return Err(BookingError::TooLate);
            }
            Some(row)
        }
        None => None,
    };
    let upcoming: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT starts_at, ends_at FROM appointments WHERE customer_id = $1 AND status = 'booked' AND ends_at > $2 AND id <> $3",
    )
    .bind(request.customer_id)
    .bind(now)
    .bind(request.moving.unwrap_or(0))
    .fetch_all(&mut *tx)
    .await?;
    if let Err(problem) = rules::check_limits(&upcoming, (request.starts_at, ends_at)) {
        tx.rollback().await?;
        return Err(BookingError::Limit(problem));
    }
    // Staff may have closed the time since it was offered.
    let closed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM slot_closures WHERE branch_id = $1 AND starts_at < $2 AND ends_at > $3",
    )
    .bind(branch.id)
    .bind(ends_at)
    .bind(request.starts_at)
    .fetch_one(&mut *tx)
    .await?;
    if closed > 0 {
        tx.rollback().await?;
        return Err(BookingError::NotOffered);
    }
    sqlx::query(
        "INSERT INTO slot_usage (branch_id, service_id, starts_at, capacity, vip_reserved, taken, regular_taken) \
         VALUES ($1, $2, $3, $4, $5, 0, 0) ON CONFLICT (branch_id, service_id, starts_at) DO NOTHING",
    )
    .bind(branch.id)
    .bind(service.id)
    .bind(request.starts_at)
    .bind(i64::from(branch.counters))
    .bind(i64::from(branch.vip_counters.min(branch.counters)))
    .execute(&mut *tx)
    .await?;
    let claimed = sqlx::query(
        "UPDATE slot_usage SET taken = taken + 1, regular_taken = regular_taken + $4 \
         WHERE branch_id = $1 AND service_id = $2 AND starts_at = $3 AND taken < capacity \
         AND ($4 = 0 OR regular_taken < capacity - vip_reserved)",
    )
    .bind(branch.id)
    .bind(service.id)
    .bind(request.starts_at)
    .bind(regular)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        tx.rollback().await?;
        let next = next_free(pool, settings, &branch, &service, request.vip, now, 5).await?;
        return Err(BookingError::Taken(next));
    }
    let reference = rules::reference_code(rand::random::<u64>());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO appointments (reference, customer_id, branch_id, service_id, starts_at, ends_at, status, regular_place, created_at, assisted_by) \
         VALUES ($1, $2, $3, $4, $5, $6, 'booked', $7, $8, $9) RETURNING id",
    )
    .bind(&reference)
    .bind(request.customer_id)
    .bind(branch.id)
    .bind(service.id)
    .bind(request.starts_at)
    .bind(ends_at)
    .bind(regular)
    .bind(now)
    .bind(crate::audit::acting_staff())
    .fetch_one(&mut *tx)
    .await?;
    if let Some((old_id, old_branch, old_service, old_start, old_regular, _)) = old {
        sqlx::query(
            "UPDATE appointments SET status = 'moved', moved_to = $1, changed_at = $2, change_reason = $3, \
             change_assisted_by = $5 WHERE id = $4",
        )
        .bind(id)
        .bind(now)
        .bind(request.reason.as_deref().unwrap_or("plans_changed"))
        .bind(old_id)
        .bind(crate::audit::acting_staff())
        .execute(&mut *tx)
        .await?;
        give_back(&mut tx, old_branch, old_service, old_start, old_regular).await?;
    }
    tx.commit().await?;
    appointments_of(pool, settings, request.customer_id, Some(id), now).await?.pop().ok_or(BookingError::NotFound)
}

/// Returns a place to its slot's counter.
async fn give_back(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    branch_id: i64,
    service_id: i64,
    starts_at: i64,
    regular_place: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE slot_usage SET taken = taken - 1, regular_taken = regular_taken - $4 \
         WHERE branch_id = $1 AND service_id = $2 AND starts_at = $3",
    )
    .bind(branch_id)
    .bind(service_id)
    .bind(starts_at)
    .bind(regular_place)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Cancels the customer's own booked appointment until the cut-off; its place is given back.
pub async fn cancel(
    pool: &AnyPool,
    settings: &Settings,
    customer_id: i64,
    appointment_id: i64,
    reason: &str,
    now: i64,
) -> Result<Appointment, BookingError> {
    let mut tx = pool.begin().await?;
    let cutoff = i64::from(settings.appointment_change_cutoff_hours) * 3600;
    let done = sqlx::query(
        "UPDATE appointments SET status = 'cancelled', changed_at = $1, change_reason = $2, change_assisted_by = $6 \
         WHERE id = $3 AND customer_id = $4 AND status = 'booked' AND starts_at >= $5",
    )
    .bind(now)
    .bind(reason)
    .bind(appointment_id)
    .bind(customer_id)
    .bind(now + cutoff)
    .bind(crate::audit::acting_staff())
    .execute(&mut *tx)
    .await?;
    let row: Option<(i64, i64, i64, i64, String)> = sqlx::query_as(
        "SELECT branch_id, service_id, starts_at, regular_place, status FROM appointments WHERE id = $1 AND customer_id = $2",
    )
    .bind(appointment_id)
    .bind(customer_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((branch_id, service_id, starts_at, regular_place, status)) = row else {
        tx.rollback().await?;
        return Err(BookingError::NotFound);
    };
    if done.rows_affected() != 1 {
        tx.rollback().await?;
        return Err(if status == "booked" { BookingError::TooLate } else { BookingError::NotFound });
    }
    give_back(&mut tx, branch_id, service_id, starts_at, regular_place).await?;
    tx.commit().await?;
    appointments_of(pool, settings, customer_id, Some(appointment_id), now).await?.pop().ok_or(BookingError::NotFound)
}

type AppointmentRow = (
    i64,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The customer's appointments (or just `only`), soonest upcoming first, then the past.
pub async fn appointments_of(
    pool: &AnyPool,
    settings: &Settings,
    customer_id: i64,
    only: Option<i64>,
    now: i64,
) -> Result<Vec<Appointment>, sqlx::Error> {
    let rows: Vec<AppointmentRow> = sqlx::query_as(
        "SELECT a.id, a.reference, a.status, a.starts_at, a.ends_at, a.branch_id, a.service_id, a.change_reason, \
         r.waiting, r.attitude, r.handling, r.comment, \
         (SELECT s.name || ' ' || s.staff_no FROM staff_users s WHERE s.id = a.assisted_by), \
         (SELECT s.name || ' ' || s.staff_no FROM staff_users s WHERE s.id = a.change_assisted_by) \
         FROM appointments a LEFT JOIN visit_ratings r ON r.appointment_id = a.id \
         WHERE a.customer_id = $1 AND ($2 = 0 OR a.id = $2) ORDER BY a.starts_at DESC, a.id DESC LIMIT 100",
    )
    .bind(customer_id)
    .bind(only.unwrap_or(0))
    .fetch_all(pool)
    .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let today = china_today(now);
    let services = services(pool).await?;
    let mut branch_cache: HashMap<(i64, i64), BranchInfo> = HashMap::new();
    let mut out = Vec::new();
    for (
        id,
        reference,
        status,
        starts_at,
        ends_at,
        branch_id,
        service_id,
        change_reason,
        waiting,
        attitude,
        handling,
        comment,
        booked_by_agent,
        changed_by_agent,
    ) in rows
    {
        let score = |s: Option<i64>| s.and_then(|s| u8::try_from(s).ok());
        let rating = match (score(waiting), score(attitude), score(handling)) {
            (Some(waiting), Some(attitude), Some(handling)) => {
                Some(super::rating::VisitRating { waiting, attitude, handling, comment: comment.unwrap_or_default() })
            }
            _ => None,
        };
        let Some(service) = services.iter().find(|s| s.id == service_id).cloned() else { continue };
        if let std::collections::hash_map::Entry::Vacant(slot) = branch_cache.entry((branch_id, service_id)) {
            let all = branches(pool, service_id, None, today, today + chrono::Duration::days(30)).await?;
            for b in all {
                if b.id == branch_id {
                    slot.insert(b);
                    break;
                }
            }
        }
        // A branch that no longer offers the service still shows the visit booked there.
        let branch = match branch_cache.get(&(branch_id, service_id)) {
            Some(b) => b.clone(),
            None => match branch_by_id(pool, branch_id, today).await? {
                Some(b) => b,
                None => continue,
            },
        };
        let status = AppointmentStatus::parse(&status).unwrap_or(AppointmentStatus::Cancelled);
        let changeable = status == AppointmentStatus::Booked
            && rules::can_change(starts_at, now, i64::from(settings.appointment_change_cutoff_hours));
        out.push(Appointment {
            qr_svg: qr_svg(&reference),
            id,
            reference,
            status,
            starts_at,
            ends_at,
            branch,
            service,
            changeable,
            change_reason,
            rating,
            booked_by_agent,
            changed_by_agent,
        });
    }
    // Upcoming first (soonest first), then the past (latest first).
    out.sort_by_key(|a| if a.ends_at > now { (0, a.starts_at) } else { (1, -a.starts_at) });
    Ok(out)
}

async fn branch_by_id(pool: &AnyPool, branch_id: i64, today: NaiveDate) -> Result<Option<BranchInfo>, sqlx::Error> {
    let service_id: Option<i64> =
        sqlx::query_scalar("SELECT service_id FROM branch_services WHERE branch_id = $1 ORDER BY service_id LIMIT 1")
            .bind(branch_id)
            .fetch_optional(pool)
            .await?;
    let Some(service_id) = service_id else { return Ok(None) };
    Ok(branches(pool, service_id, None, today, today).await?.into_iter().find(|b| b.id == branch_id))
}

/// The reference as a QR code, an SVG drawn on the server.
pub fn qr_svg(reference: &str) -> String {
    match qrcode::QrCode::new(reference.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(160, 160)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
        Err(_) => String::new(),
    }
}

/// After a booking, move or cancellation: the message to the customer and the audit record.
pub async fn after_change(
    state: &AppState,
    who: &crate::guard::Authenticated,
    appointment: &Appointment,
    event: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    use crate::messages::{MessageKind, service::NewMessage};
    let kind = match event {
        "appointment_booked" => MessageKind::AppointmentBooked,
        "appointment_moved" => MessageKind::AppointmentMoved,
        _ => MessageKind::AppointmentCancelled,
    };
    let customer_id = who.customer_id().unwrap_or_default();
    let key = format!("{event}:{}", appointment.id);
    let message = NewMessage {
        customer_id,
        kind,
        params: appointment_params(appointment),
        account_id: None,
        dedupe_key: Some(&key),
    };
    crate::messages::service::post(&state.pool, &state.gateway, message, now).await?;
    let detail =
        serde_json::json!({ "appointment_id": appointment.id, "reference": appointment.reference }).to_string();
    crate::audit::record(&state.pool, who, event, now, &detail).await
}

pub fn appointment_params(a: &Appointment) -> crate::messages::MessageParams {
    crate::messages::MessageParams {
        reference: Some(a.reference.clone()),
        branch: Some(a.branch.name.clone()),
        service: Some(a.service.name.clone()),
        starts_at: Some(a.starts_at),
        ..Default::default()
    }
}

/// The day-before reminders: every booked appointment starting tomorrow (China time) gets one
/// message, however often this runs.
pub async fn remind(
    pool: &AnyPool,
    gateway: &crate::notify::Gateway,
    settings: &Settings,
    now: i64,
) -> Result<u32, sqlx::Error> {
    let tomorrow = china_today(now) + chrono::Duration::days(1);
    let (from, to) = (
        crate::accounts::service::china_midnight(tomorrow),
        crate::accounts::service::china_midnight(tomorrow + chrono::Duration::days(1)),
    );
    let due: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, customer_id FROM appointments WHERE status = 'booked' AND starts_at >= $1 AND starts_at < $2 ORDER BY id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    let mut sent = 0;
    for (id, customer_id) in due {
        let Some(appointment) = appointments_of(pool, settings, customer_id, Some(id), now).await?.pop() else {
            continue;
        };
        let key = format!("appointment_reminder:{id}");
        let message = crate::messages::service::NewMessage {
            customer_id,
            kind: crate::messages::MessageKind::AppointmentReminder,
            params: appointment_params(&appointment),
            account_id: None,
            dedupe_key: Some(&key),
        };
        if crate::messages::service::post(pool, gateway, message, now).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// The `.ics` file of one of the signed-in customer's booked visits, in `locale`: its name and
/// body, and the cookies a renewed session sets. `NotFound` for anyone else's.
pub async fn calendar(
    state: &AppState,
    parts: &http::request::Parts,
    appointment_id: i64,
    locale: crate::i18n::Locale,
) -> Result<(String, String, Vec<http::HeaderValue>), AppError> {
    let (who, cookies) = crate::guard::session_of(state, parts).await?;
    let who = who.ok_or(AppError::Unauthenticated)?;
    let customer_id = who.customer_id().ok_or(AppError::Forbidden)?;
    let now = state.now();
    let a = appointments_of(&state.pool, &state.settings, customer_id, Some(appointment_id), now)
        .await
        .map_err(AppError::internal)?
        .pop()
        .filter(|a| a.status == AppointmentStatus::Booked)
        .ok_or(AppError::NotFound)?;
    let title = format!("{} · {}", a.service.name.get(locale), a.branch.name.get(locale));
    let description = format!(
        "{}: {}\n{}: {}\n{}",
        leptos_i18n::td_string!(locale, appointments.reference_label),
        a.reference,
        leptos_i18n::td_string!(locale, appointments.bring),
        a.service.documents.get(locale),
        a.branch.phone
    );
    let body = rules::calendar_file(&rules::CalendarVisit {
        reference: &a.reference,
        title: &title,
        location: a.branch.address.get(locale),
        description: &description,
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        stamp: now,
    });
    Ok((format!("visit-{}.ics", a.reference), body, cookies))
}

/// Closes `starts_at..ends_at` at a branch for booking: the range is recorded, every visit
/// booked in it is cancelled (its place given back) in the same transaction, and each customer
/// gets a message with a link to book again. Answers how many visits were cancelled.
#[allow(clippy::too_many_arguments)]
pub async fn close_range(
    pool: &AnyPool,
    gateway: &crate::notify::Gateway,
    settings: &Settings,
    branch_id: i64,
    (starts_at, ends_at): (i64, i64),
    reason: &str,
    staff_id: i64,
    now: i64,
) -> Result<u32, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO slot_closures (branch_id, starts_at, ends_at, reason, closed_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(branch_id)
    .bind(starts_at)
    .bind(ends_at)
    .bind(reason)
    .bind(staff_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let hit: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT id, customer_id, service_id, starts_at, regular_place FROM appointments \
         WHERE branch_id = $1 AND status = 'booked' AND starts_at < $2 AND ends_at > $3",
    )
    .bind(branch_id)
    .bind(ends_at)
    .bind(starts_at)
    .fetch_all(&mut *tx)
    .await?;
    for (id, _, service_id, start, regular) in &hit {
        sqlx::query("UPDATE appointments SET status = 'cancelled', changed_at = $1, change_reason = 'branch_closed' WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        give_back(&mut tx, branch_id, *service_id, *start, *regular).await?;
    }
    tx.commit().await?;
    for (id, customer_id, ..) in &hit {
        let Some(a) = appointments_of(pool, settings, *customer_id, Some(*id), now).await?.pop() else { continue };
        let key = format!("appointment_closed:{id}");
        let message = crate::messages::service::NewMessage {
            customer_id: *customer_id,
            kind: crate::messages::MessageKind::AppointmentClosed,
            params: crate::messages::MessageParams {
                rebook: Some(format!("/appointments/book?service={}&branch={}", a.service.code, a.branch.code)),
                ..appointment_params(&a)
            },
            account_id: None,
            dedupe_key: Some(&key),
        };
        crate::messages::service::post(pool, gateway, message, now).await?;
    }
    Ok(u32::try_from(hit.len()).unwrap_or(u32::MAX))
}
