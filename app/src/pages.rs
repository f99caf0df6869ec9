//! The pages that load on demand, one unit per job: a route's code is fetched the first time one
//! of its job's pages is visited (in a release build made with `--split`, the job's WASM chunk
//! plus the chunks it shares with other jobs), and the job's other pages come with it. The landing
//! and sign-in pages are in the first load (see `shell::App`).
//!
//! A unit per job, not per page: each split point cuts the code the pages share into more chunks
//! (with one per page, the account page loaded 176 files, 182 KB as sent where one file would have
//! been 127 KB), and a browser compiles and instantiates each file apart.
//!
//! The jobs' units are written out, each an enum of its pages and a `#[lazy]` function: the macro
//! names its chunk from where it is written, so generating them from a `macro_rules!` would give
//! every job the same chunk name. `route!` writes only the routes, which hold no `#[lazy]`. In
//! islands mode (the `islands` feature) there are no units: a page's browser code is its islands.

// `#[lazy]` expands to the import/export pair that wasm-split links up (an `extern "C"` block and
// `#[no_mangle]` functions); this module holds nothing else.
#![allow(unsafe_code)]

use crate::auth::RequireSignIn;
#[cfg(not(feature = "islands"))]
use leptos::lazy;
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// A page only a signed-in customer may see.
fn customer<V: IntoView + 'static>(page: fn() -> V) -> AnyView {
    view! { <RequireSignIn staff=false>{move || page()}</RequireSignIn> }.into_any()
}

/// A page only signed-in staff may see.
fn staff<V: IntoView + 'static>(page: fn() -> V) -> AnyView {
    view! { <RequireSignIn staff=true>{move || page()}</RequireSignIn> }.into_any()
}

/// The unit (its `#[lazy]` function's name) whose code the page at `path` needs, as the routes in
/// `shell::App` place them; None for the pages that load no app and for unknown addresses.
pub fn unit_of(path: &str) -> Option<&'static str> {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match first {
        "forgot-password" => Some("forgot_password_job"),
        "accounts" => Some("accounts_job"),
        "appointments" => Some("appointments_job"),
        "complaints" => Some("complaints_job"),
        "wealth" => Some("wealth_job"),
        "messages" => Some("messages_job"),
        "settings" => Some("settings_job"),
        "staff" if path.trim_end_matches('/') != "/staff" => Some("staff_job"),
        _ => None,
    }
}

/// One route of a job: its view is the job's unit, loaded on demand, showing this page.
macro_rules! route {
    ($route:ident => $job:ident($page:expr), preload $preload:ident) => {
        pub struct $route;
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }
            async fn view(_this: Self) -> AnyView {
                // In islands mode the pages are the server's: no unit to load.
                #[cfg(not(feature = "islands"))]
                return $job($page).await;
                #[cfg(feature = "islands")]
                $job($page)
            }
            async fn preload() {
                // On the server the routes are not split: nothing to fetch.
                #[cfg(all(feature = "hydrate", not(feature = "islands")))]
                $preload().await;
            }
        }
    };
}

/// Resetting a forgotten password, the one public page that loads the app.
#[cfg_attr(not(feature = "islands"), lazy)]
fn forgot_password_job(_page: ()) -> AnyView {
    crate::auth::password::ForgotPasswordPage().into_any()
}
route!(ForgotPassword => forgot_password_job(()), preload __preload_forgot_password_job);

pub enum AccountsPage {
    Overview,
    Account,
    Statement,
    Report,
}
/// Balances and transactions.
#[cfg_attr(not(feature = "islands"), lazy)]
fn accounts_job(page: AccountsPage) -> AnyView {
    match page {
        AccountsPage::Overview => customer(crate::accounts::AccountsPage),
        AccountsPage::Account => customer(crate::accounts::detail::AccountPage),
        AccountsPage::Statement => customer(crate::accounts::statement::StatementPage),
        AccountsPage::Report => customer(crate::accounts::report::ReportPage),
    }
}
route!(Accounts => accounts_job(AccountsPage::Overview), preload __preload_accounts_job);
route!(Account => accounts_job(AccountsPage::Account), preload __preload_accounts_job);
route!(Statement => accounts_job(AccountsPage::Statement), preload __preload_accounts_job);
route!(Report => accounts_job(AccountsPage::Report), preload __preload_accounts_job);

pub enum AppointmentsPage {
    List,
    Book,
    One,
}
/// Branch appointments.
#[cfg_attr(not(feature = "islands"), lazy)]
fn appointments_job(page: AppointmentsPage) -> AnyView {
    match page {
        AppointmentsPage::List => customer(crate::appointments::AppointmentsPage),
        AppointmentsPage::Book => customer(crate::appointments::pages::BookPage),
        AppointmentsPage::One => customer(crate::appointments::pages::AppointmentPage),
    }
}
route!(Appointments => appointments_job(AppointmentsPage::List), preload __preload_appointments_job);
route!(Book => appointments_job(AppointmentsPage::Book), preload __preload_appointments_job);
route!(Appointment => appointments_job(AppointmentsPage::One), preload __preload_appointments_job);

pub enum ComplaintsPage {
    List,
    New,
    One,
}
/// Complaints and suggestions.
#[cfg_attr(not(feature = "islands"), lazy)]
fn complaints_job(page: ComplaintsPage) -> AnyView {
    match page {
        ComplaintsPage::List => customer(crate::complaints::ComplaintsPage),
        ComplaintsPage::New => customer(crate::complaints::pages::NewComplaintPage),
        ComplaintsPage::One => customer(crate::complaints::pages::ComplaintPage),
    }
}
route!(Complaints => complaints_job(ComplaintsPage::List), preload __preload_complaints_job);
route!(NewComplaint => complaints_job(ComplaintsPage::New), preload __preload_complaints_job);
route!(Complaint => complaints_job(ComplaintsPage::One), preload __preload_complaints_job);

pub enum WealthPage {
    Home,
    Assessment,
    AssessmentResult,
    Product,
}
/// Wealth products: the risk assessment and the products it allows.
#[cfg_attr(not(feature = "islands"), lazy)]
fn wealth_job(page: WealthPage) -> AnyView {
    match page {
        WealthPage::Home => customer(crate::wealth::WealthPage),
        WealthPage::Assessment => customer(crate::wealth::questionnaire::AssessmentPage),
        WealthPage::AssessmentResult => customer(crate::wealth::questionnaire::AssessmentResultPage),
        WealthPage::Product => customer(crate::wealth::products::ProductDetailPage),
    }
}
route!(Wealth => wealth_job(WealthPage::Home), preload __preload_wealth_job);
route!(Assessment => wealth_job(WealthPage::Assessment), preload __preload_wealth_job);
route!(AssessmentResult => wealth_job(WealthPage::AssessmentResult), preload __preload_wealth_job);
route!(WealthProduct => wealth_job(WealthPage::Product), preload __preload_wealth_job);

/// Messages and alerts.
#[cfg_attr(not(feature = "islands"), lazy)]
fn messages_job(_page: ()) -> AnyView {
    customer(crate::messages::MessagesPage)
}
route!(Messages => messages_job(()), preload __preload_messages_job);

pub enum SettingsPage {
    Settings,
    Password,
}
/// Settings and the password.
#[cfg_attr(not(feature = "islands"), lazy)]
fn settings_job(page: SettingsPage) -> AnyView {
    match page {
        SettingsPage::Settings => customer(crate::settings::SettingsPage),
        SettingsPage::Password => customer(crate::auth::password::ChangePasswordPage),
    }
}
route!(Settings => settings_job(SettingsPage::Settings), preload __preload_settings_job);
route!(ChangePassword => settings_job(SettingsPage::Password), preload __preload_settings_job);

pub enum StaffPage {
    Home,
    BranchDay,
    WeekReport,
    ComplaintQueue,
    ComplaintReport,
    Complaint,
    CustomerSearch,
    StartAssist,
    AssistStatus,
    Delegations,
    WealthReview,
}
/// The whole staff side.
#[cfg_attr(not(feature = "islands"), lazy)]
fn staff_job(page: StaffPage) -> AnyView {
    match page {
        StaffPage::Home => staff(crate::staff::StaffHomePage),
        StaffPage::BranchDay => staff(crate::appointments::branch::BranchDayPage),
        StaffPage::WeekReport => staff(crate::appointments::branch::WeekReportPage),
        StaffPage::ComplaintQueue => staff(crate::complaints::workbench::StaffComplaintsPage),
        StaffPage::ComplaintReport => staff(crate::complaints::report::ComplaintReportPage),
        StaffPage::Complaint => staff(crate::complaints::workbench::StaffComplaintPage),
        StaffPage::CustomerSearch => staff(crate::delegation::CustomerSearchPage),
        StaffPage::StartAssist => staff(crate::delegation::pages::StartAssistPage),
        StaffPage::AssistStatus => staff(crate::delegation::pages::AssistPage),
        StaffPage::Delegations => staff(crate::delegation::pages::DelegationsPage),
        StaffPage::WealthReview => staff(crate::wealth::review::WealthReviewPage),
    }
}
route!(StaffHome => staff_job(StaffPage::Home), preload __preload_staff_job);
route!(BranchDay => staff_job(StaffPage::BranchDay), preload __preload_staff_job);
route!(WeekReport => staff_job(StaffPage::WeekReport), preload __preload_staff_job);
route!(ComplaintQueue => staff_job(StaffPage::ComplaintQueue), preload __preload_staff_job);
route!(ComplaintReport => staff_job(StaffPage::ComplaintReport), preload __preload_staff_job);
route!(StaffComplaint => staff_job(StaffPage::Complaint), preload __preload_staff_job);
route!(CustomerSearch => staff_job(StaffPage::CustomerSearch), preload __preload_staff_job);
route!(StartAssist => staff_job(StaffPage::StartAssist), preload __preload_staff_job);
route!(AssistStatus => staff_job(StaffPage::AssistStatus), preload __preload_staff_job);
route!(Delegations => staff_job(StaffPage::Delegations), preload __preload_staff_job);
route!(WealthReview => staff_job(StaffPage::WealthReview), preload __preload_staff_job);

#[cfg(test)]
mod tests {
    use super::unit_of;

    #[test]
    fn every_page_that_loads_the_app_names_its_jobs_unit() {
        let cases = [
            ("/forgot-password", "forgot_password_job"),
            ("/accounts", "accounts_job"),
            ("/accounts/1", "accounts_job"),
            ("/accounts/1/statement", "accounts_job"),
            ("/accounts/1/transactions/2/report", "accounts_job"),
            ("/appointments", "appointments_job"),
            ("/appointments/book", "appointments_job"),
            ("/appointments/3", "appointments_job"),
            ("/complaints", "complaints_job"),
            ("/complaints/new", "complaints_job"),
            ("/complaints/4", "complaints_job"),
            ("/wealth", "wealth_job"),
            ("/wealth/assessment", "wealth_job"),
            ("/wealth/assessments/5", "wealth_job"),
            ("/wealth/products/W1", "wealth_job"),
            ("/messages", "messages_job"),
            ("/settings", "settings_job"),
            ("/settings/password", "settings_job"),
            ("/staff/home", "staff_job"),
            ("/staff/appointments", "staff_job"),
            ("/staff/complaints/6", "staff_job"),
            ("/staff/assist/new", "staff_job"),
            ("/staff/wealth", "staff_job"),
        ];
        // The names are the #[lazy] functions' own: the split manifest names each unit after one.
        let source = include_str!("pages.rs");
        for (path, unit) in cases {
            assert_eq!(unit_of(path), Some(unit), "{path}");
            let lazy = format!("#[cfg_attr(not(feature = \"islands\"), lazy)]\nfn {unit}(");
            assert!(source.contains(&lazy), "{unit} is a #[lazy] function");
        }
        for path in ["/", "/sign-in", "/staff", "/staff/", "/no-such-page", ""] {
            assert_eq!(unit_of(path), None, "{path}");
        }
    }
}
