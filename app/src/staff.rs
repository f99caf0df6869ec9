//! The staff side: where support agents, branch staff and supervisors land after signing in at
//! `/staff`. Their work queues (complaints, branch appointments, delegated sessions) hang off
//! this home as those features arrive.

use crate::auth::Role;
use crate::error::AppError;
use crate::i18n::*;
use crate::layout::PageTitle;
use crate::resource::settled;
use leptos::prelude::*;
use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

/// The signed-in member of staff as their home shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub staff_no: String,
    pub name: String,
    pub role: Role,
    pub branch_zh: Option<String>,
    pub branch_en: Option<String>,
}

#[server(endpoint = "staff/profile")]
pub async fn staff_profile() -> Result<StaffMember, AppError> {
    let (state, who) = crate::guard::require_staff(&[Role::Agent, Role::BranchStaff, Role::Supervisor]).await?;
    let id = who.principal.strip_prefix("staff:").and_then(|id| id.parse::<i64>().ok()).ok_or(AppError::Forbidden)?;
    let row: Option<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT s.staff_no, s.name, b.name_zh, b.name_en FROM staff_users s LEFT JOIN branches b ON b.id = s.branch_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(&state.pool)
    .await
    .map_err(AppError::internal)?;
    let (staff_no, name, branch_zh, branch_en) = row.ok_or(AppError::NotFound)?;
    Ok(StaffMember { staff_no, name, role: who.role, branch_zh, branch_en })
}

/// A role's name in the reader's language.
pub fn role_name(role: Role, locale: Locale) -> String {
    match role {
        Role::Customer => td_string!(locale, staff.role_customer),
        Role::Agent => td_string!(locale, staff.role_agent),
        Role::BranchStaff => td_string!(locale, staff.role_branch_staff),
        Role::Supervisor => td_string!(locale, staff.role_supervisor),
    }
    .to_string()
}

/// The work each role does here, in the order they are listed on the home page.
fn duties(role: Role) -> &'static [Duty] {
    match role {
        Role::Agent => &[Duty::Complaints, Duty::Delegation],
        Role::BranchStaff => &[Duty::BranchAppointments],
        Role::Supervisor => &[
            Duty::Complaints,
            Duty::Delegation,
            Duty::DelegationReview,
            Duty::BranchAppointments,
            Duty::Reports,
            Duty::ComplaintReport,
            Duty::WealthReview,
        ],
        Role::Customer => &[],
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Duty {
    Complaints,
    Delegation,
    DelegationReview,
    BranchAppointments,
    Reports,
    ComplaintReport,
    WealthReview,
}

/// The page where a duty is done, once it exists.
fn duty_page(duty: Duty) -> Option<&'static str> {
    match duty {
        Duty::BranchAppointments => Some("/staff/appointments"),
        Duty::Reports => Some("/staff/reports"),
        Duty::Complaints => Some("/staff/complaints"),
        Duty::ComplaintReport => Some("/staff/complaints/report"),
        Duty::WealthReview => Some("/staff/wealth"),
        Duty::Delegation => Some("/staff/customers"),
        Duty::DelegationReview => Some("/staff/delegations"),
    }
}

fn duty_text(duty: Duty, locale: Locale) -> (String, String) {
    let (title, body) = match duty {
        Duty::Complaints => (td_string!(locale, staff.duty_complaints), td_string!(locale, staff.duty_complaints_body)),
        Duty::Delegation => (td_string!(locale, staff.duty_delegation), td_string!(locale, staff.duty_delegation_body)),
        Duty::DelegationReview => {
            (td_string!(locale, staff.duty_delegation_review), td_string!(locale, staff.duty_delegation_review_body))
        }
        Duty::BranchAppointments => {
            (td_string!(locale, staff.duty_appointments), td_string!(locale, staff.duty_appointments_body))
        }
        Duty::Reports => (td_string!(locale, staff.duty_reports), td_string!(locale, staff.duty_reports_body)),
        Duty::ComplaintReport => {
            (td_string!(locale, staff.duty_complaint_report), td_string!(locale, staff.duty_complaint_report_body))
        }
        Duty::WealthReview => (td_string!(locale, staff.duty_wealth), td_string!(locale, staff.duty_wealth_body)),
    };
    (title.to_string(), body.to_string())
}

#[component]
pub fn StaffHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let profile = crate::resource::blocking(|| (), |_| staff_profile());
    // Back from a delegated session that has ended: which, and why.
    let query = leptos_router::hooks::use_query_map();
    let ended = crate::resource::blocking(
        move || query.with(|q| q.get("assist_ended").and_then(|id| id.parse::<i64>().ok())),
        |id| async move {
            match id {
                Some(id) => Some(crate::delegation::assist_status(id).await),
                None => None,
            }
        },
    );
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, staff.home_title).to_string()) />
        <section class="page">
            <h1>{tr!(i18n, staff.home_title)}</h1>
            <crate::delegation::pages::AssistEnded ended />
            <Transition fallback=move || view! { <p role="status">{tr!(i18n, settings.loading)}</p> }>
                {move || Suspend::new(async move {
                    match settled(profile.await).await {
                        Ok(p) => {
                            let locale = i18n.get_locale();
                            let branch = match locale {
                                Locale::en => p.branch_en.clone(),
                                Locale::zh_CN => p.branch_zh.clone(),
                            };
                            view! {
                                <p class="lead">
                                    {td_string!(locale, staff.signed_in_as, name = p.name.clone(), no = p.staff_no.clone(), role = role_name(p.role, locale)).to_string()}
                                    {branch.map(|b| format!(" · {b}"))}
                                </p>
                                <h2>{tr!(i18n, staff.duties_title)}</h2>
                                <ul class="cards">
                                    {duties(p.role)
                                        .iter()
                                        .map(|d| {
                                            let (title, body) = duty_text(*d, locale);
                                            // Each "open" link names its duty to screen readers (the links differ).
                                            let named = title.clone();
                                            view! {
                                                <li class="card">
                                                    <h3>{title}</h3>
                                                    <p>{body}</p>
                                                    {match duty_page(*d) {
                                                        Some(href) => view! {
                                                            <p>
                                                                <a class="button" href=href>
                                                                    {tr!(i18n, staff.open)}
                                                                    <span class="sr-only">{format!(" {named}")}</span>
                                                                </a>
                                                            </p>
                                                        }
                                                        .into_any(),
                                                        None => view! { <p class="notice">{tr!(i18n, area.coming)}</p> }.into_any(),
                                                    }}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                            .into_any()
                        }
                        Err(_) => view! { <p class="error-box" role="alert">{tr!(i18n, error.generic)}</p> }.into_any(),
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
    fn each_staff_role_has_its_own_work_and_customers_none() {
        assert!(duties(Role::Agent).contains(&Duty::Delegation));
        assert!(!duties(Role::BranchStaff).contains(&Duty::Complaints));
        assert!(duties(Role::Supervisor).contains(&Duty::Reports));
        assert!(duties(Role::Customer).is_empty());
    }
}
