//! Branch appointments: book a visit for a service instead of queueing, see it with its
//! reference and QR code, add it to a calendar, move or cancel it.
//!
//! `rules` holds the booking rules as pure functions (slots, lead times, the VIP reservation,
//! the per-customer limits, the calendar file); `service` the SQL, where one transaction takes
//! a place from the slot's counter so that no slot is ever overbooked; `pages` the pages. The
//! server functions below stay thin: who is asking, then a plain function.

pub mod branch;
pub mod pages;
pub mod rating;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

use crate::error::AppError;
use crate::i18n::Locale;
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use pages::AppointmentsPage;

/// A text the bank keeps in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Names {
    pub zh: String,
    pub en: String,
}

impl Names {
    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::zh_CN => &self.zh,
            Locale::en => &self.en,
        }
    }
}

/// A service one can book a visit for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInfo {
    pub id: i64,
    pub code: String,
    pub name: Names,
    pub duration_minutes: u32,
    /// Booked at least this long ahead (large cash withdrawals: a day).
    pub lead_time_hours: u32,
    pub documents: Names,
}

/// A closure day of a branch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub day: NaiveDate,
    pub reason: Names,
}

/// A branch as the finder shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchInfo {
    pub id: i64,
    pub code: String,
    pub name: Names,
    pub district: Names,
    pub address: Names,
    pub phone: String,
    pub step_free: bool,
    pub elderly_window: bool,
    pub hours: Vec<rules::Hours>,
    /// Closures from today to the end of the booking window.
    pub closures: Vec<Closure>,
    /// Times staff closed for booking (start, end; unix seconds) in the booking window.
    pub closed_ranges: Vec<(i64, i64)>,
    /// The branch's offset from UTC (its zone has no daylight saving).
    pub offset_secs: i64,
    pub counters: u32,
    pub vip_counters: u32,
}

/// A branch in the finder, with the first time still free today for the chosen service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchChoice {
    pub branch: BranchInfo,
    pub next_free_today: Option<i64>,
}

/// One start time and the places this customer could still book in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotOption {
    pub starts_at: i64,
    pub places: u32,
}

/// One day in the date step: open or not (and why not), and how many times are still free.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayOption {
    pub day: NaiveDate,
    pub free_times: u32,
    /// A closure's reason; `None` and no free times on a weekday the branch is closed or when
    /// everything is taken.
    pub closure: Option<Names>,
    pub open: bool,
}

/// Everything the booking steps need for the choices made so far (service, branch, day).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingStep {
    pub services: Vec<ServiceInfo>,
    pub service: Option<ServiceInfo>,
    pub branches: Vec<BranchChoice>,
    pub branch: Option<BranchInfo>,
    pub days: Vec<DayOption>,
    pub day: Option<NaiveDate>,
    pub slots: Vec<SlotOption>,
    /// The appointment being moved, when this booking replaces one.
    pub moving: Option<Appointment>,
    /// Whether this customer may use the places kept for VIPs.
    pub vip: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Booked,
    Cancelled,
    Moved,
    CheckedIn,
    NoShow,
}

impl AppointmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::Moved => "moved",
            AppointmentStatus::CheckedIn => "checked_in",
            AppointmentStatus::NoShow => "no_show",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::Booked, Self::Cancelled, Self::Moved, Self::CheckedIn, Self::NoShow]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// One of the customer's appointments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: i64,
    pub reference: String,
    pub status: AppointmentStatus,
    pub starts_at: i64,
    pub ends_at: i64,
    pub branch: BranchInfo,
    pub service: ServiceInfo,
    /// Still booked and more than the cut-off ahead: may be cancelled or moved.
    pub changeable: bool,
    pub change_reason: Option<String>,
    /// The reference as a QR code (SVG) for the branch's check-in.
    pub qr_svg: String,
    /// The customer's rating of the visit, once given (only a checked-in visit can have one).
    pub rating: Option<rating::VisitRating>,
    /// Booked, or cancelled or moved, by an agent in a delegated session ("name S0007").
    pub booked_by_agent: Option<String>,
    pub changed_by_agent: Option<String>,
}

/// Reasons a customer can give for cancelling or moving.
pub const CHANGE_REASONS: [&str; 4] = ["plans_changed", "done_elsewhere", "wrong_booking", "other"];

/// Who is asking, as booking needs it: the customer and whether they are a VIP.
#[cfg(feature = "ssr")]
async fn booking_customer() -> Result<(crate::state::AppState, crate::guard::Authenticated, i64, bool), AppError> {
    let (state, who, customer_id) = crate::guard::require_customer().await?;
    let tier = service::tier_of(&state.pool, customer_id).await.map_err(AppError::internal)?;
    Ok((state, who, customer_id, rules::is_vip(&tier)))
}

/// The choices for the booking steps so far. Unknown codes and days outside the window are
/// simply not chosen (the step asks again).
#[server(endpoint = "appointments/step")]
pub async fn load_booking_step(
    service: Option<String>,
    branch: Option<String>,
    day: Option<String>,
    search: Option<String>,
    moving: Option<i64>,
) -> Result<BookingStep, AppError> {
    let (state, _who, customer_id, vip) = booking_customer().await?;
    let now = state.now();
    let choice = service::StepChoice {
        service: service.as_deref(),
        branch: branch.as_deref(),
        day: day.as_deref().and_then(|d| d.parse().ok()),
        search: search.as_deref().unwrap_or(""),
        moving,
    };
    service::booking_step(&state.pool, &state.settings, customer_id, vip, &choice, now)
        .await
        .map_err(AppError::internal)
}

/// Books (or, with `moving`, moves an appointment to) a time. A time someone else just took
/// answers `Taken` with the next free times.
#[server(endpoint = "appointments/book")]
pub async fn book_appointment(
    service: String,
    branch: String,
    starts_at: i64,
    #[server(default)] moving: Option<i64>,
    #[server(default)] reason: Option<String>,
) -> Result<Appointment, AppError> {
    let (state, who, customer_id, vip) = booking_customer().await?;
    let now = state.now();
    let request =
        service::BookRequest { customer_id, vip, service: &service, branch: &branch, starts_at, moving, reason };
    let booked = service::book(&state.pool, &state.settings, &request, now).await.map_err(|e| e.into_app_error())?;
    service::after_change(
        &state,
        &who,
        &booked,
        if moving.is_some() { "appointment_moved" } else { "appointment_booked" },
        now,
    )
    .await
    .map_err(AppError::internal)?;
    crate::form::on_to(&format!("/appointments/{}?done=1", booked.id));
    Ok(booked)
}

#[server(endpoint = "appointments/mine")]
pub async fn my_appointments() -> Result<Vec<Appointment>, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    let now = state.now();
    service::appointments_of(&state.pool, &state.settings, customer_id, None, now).await.map_err(AppError::internal)
}

/// One of the customer's own appointments; anyone else's answers `NotFound`.
#[server(endpoint = "appointments/one")]
pub async fn my_appointment(appointment_id: i64) -> Result<Appointment, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    let now = state.now();
    service::appointments_of(&state.pool, &state.settings, customer_id, Some(appointment_id), now)
        .await
        .map_err(AppError::internal)?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Cancels one's own appointment, with a reason, up to the cut-off before it starts.
#[server(endpoint = "appointments/cancel")]
pub async fn cancel_appointment(appointment_id: i64, reason: String) -> Result<Appointment, AppError> {
    if !CHANGE_REASONS.contains(&reason.as_str()) {
        return Err(AppError::Invalid { field: "reason".into(), problem: "required".into() });
    }
    let (state, who, customer_id) = crate::guard::require_customer().await?;
    let now = state.now();
    let cancelled = service::cancel(&state.pool, &state.settings, customer_id, appointment_id, &reason, now)
        .await
        .map_err(|e| e.into_app_error())?;
    service::after_change(&state, &who, &cancelled, "appointment_cancelled", now).await.map_err(AppError::internal)?;
    crate::form::back_saying("cancelled");
    Ok(cancelled)
}
