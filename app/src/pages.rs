//! The pages that load on demand: each route below is a split point. The landing and sign-in
//! pages are in the first load (see `shell::App`); every other page's code is fetched the first
//! time it is visited (in a release build made with `--split`, a WASM chunk of its own, plus the
//! chunks it shares with other pages).
//!
//! One `#[lazy_route]` per route, written out: the macro names its chunk from where it is written,
//! so generating these from a `macro_rules!` would give every route the same chunk name.

// `#[lazy_route]` expands to the import/export pair that wasm-split links up (an `extern "C"`
// block and `#[no_mangle]` functions); this module holds nothing else.
#![allow(unsafe_code)]

use crate::auth::RequireSignIn;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// A page only a signed-in customer may see.
fn customer<V: IntoView + 'static>(page: fn() -> V) -> AnyView {
    view! { <RequireSignIn staff=false>{move || page()}</RequireSignIn> }.into_any()
}

/// A page only signed-in staff may see.
fn staff<V: IntoView + 'static>(page: fn() -> V) -> AnyView {
    view! { <RequireSignIn staff=true>{move || page()}</RequireSignIn> }.into_any()
}

pub struct ForgotPassword;
#[lazy_route]
impl LazyRoute for ForgotPassword {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        crate::auth::password::ForgotPasswordPage().into_any()
    }
}

pub struct StaffHome;
#[lazy_route]
impl LazyRoute for StaffHome {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        staff(crate::staff::StaffHomePage)
    }
}

pub struct BranchDay;
#[lazy_route]
impl LazyRoute for BranchDay {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        staff(crate::appointments::branch::BranchDayPage)
    }
}

pub struct ComplaintQueue;
#[lazy_route]
impl LazyRoute for ComplaintQueue {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        staff(crate::complaints::workbench::StaffComplaintsPage)
    }
}

pub struct ComplaintReport;
#[lazy_route]
impl LazyRoute for ComplaintReport {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        staff(crate::complaints::report::ComplaintReportPage)
    }
}

pub struct StaffComplaint;
#[lazy_route]
impl LazyRoute for StaffComplaint {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        staff(crate::complaints::workbench::StaffComplaintPage)
    }
}

pub struct WeekReport;
#[lazy_route]
impl LazyRoute for WeekReport {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        staff(crate::appointments::branch::WeekReportPage)
    }
}

pub struct Accounts;
#[lazy_route]
impl LazyRoute for Accounts {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::accounts::AccountsPage)
    }
}

pub struct Account;
#[lazy_route]
impl LazyRoute for Account {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::accounts::detail::AccountPage)
    }
}

pub struct Statement;
#[lazy_route]
impl LazyRoute for Statement {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::accounts::statement::StatementPage)
    }
}

pub struct Report;
#[lazy_route]
impl LazyRoute for Report {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::accounts::report::ReportPage)
    }
}

pub struct Appointments;
#[lazy_route]
impl LazyRoute for Appointments {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::appointments::AppointmentsPage)
    }
}

pub struct Book;
#[lazy_route]
impl LazyRoute for Book {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::appointments::pages::BookPage)
    }
}

pub struct Appointment;
#[lazy_route]
impl LazyRoute for Appointment {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::appointments::pages::AppointmentPage)
    }
}

pub struct Complaints;
#[lazy_route]
impl LazyRoute for Complaints {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::complaints::ComplaintsPage)
    }
}

pub struct NewComplaint;
#[lazy_route]
impl LazyRoute for NewComplaint {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::complaints::pages::NewComplaintPage)
    }
}

pub struct Complaint;
#[lazy_route]
impl LazyRoute for Complaint {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::complaints::pages::ComplaintPage)
    }
}

pub struct Wealth;
#[lazy_route]
impl LazyRoute for Wealth {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::wealth::WealthPage)
    }
}

pub struct CustomerSearch;
#[lazy_route]
impl LazyRoute for CustomerSearch {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        staff(crate::delegation::CustomerSearchPage)
    }
}

pub struct StartAssist;
#[lazy_route]
impl LazyRoute for StartAssist {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        staff(crate::delegation::pages::StartAssistPage)
    }
}

pub struct AssistStatus;
#[lazy_route]
impl LazyRoute for AssistStatus {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        staff(crate::delegation::pages::AssistPage)
    }
}

pub struct Delegations;
#[lazy_route]
impl LazyRoute for Delegations {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        staff(crate::delegation::pages::DelegationsPage)
    }
}

pub struct Assessment;
#[lazy_route]
impl LazyRoute for Assessment {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::wealth::questionnaire::AssessmentPage)
    }
}

pub struct AssessmentResult;
#[lazy_route]
impl LazyRoute for AssessmentResult {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::wealth::questionnaire::AssessmentResultPage)
    }
}

pub struct WealthProduct;
#[lazy_route]
impl LazyRoute for WealthProduct {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::wealth::products::ProductDetailPage)
    }
}

pub struct WealthReview;
#[lazy_route]
impl LazyRoute for WealthReview {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        staff(crate::wealth::review::WealthReviewPage)
    }
}

pub struct Messages;
#[lazy_route]
impl LazyRoute for Messages {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::messages::MessagesPage)
    }
}

pub struct Settings;
#[lazy_route]
impl LazyRoute for Settings {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::settings::SettingsPage)
    }
}

pub struct ChangePassword;
#[lazy_route]
impl LazyRoute for ChangePassword {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        customer(crate::auth::password::ChangePasswordPage)
    }
}
