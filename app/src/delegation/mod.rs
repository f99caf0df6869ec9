//! Delegated staff sessions: a support agent, with the customer's consent, sees what the customer
//! sees. This first part is finding the customer: `/staff/customers` searches by customer number,
//! mobile number or name, shows masked details only, and records every search in the audit trail.
//!
//! `rules` holds the pure rules (what a search asks for, the masking); the server function below
//! checks who is asking (an agent or a supervisor) and runs the search.

pub mod rules;

use crate::error::AppError;
use crate::i18n::*;
use crate::layout::{PageTitle, failed, loading};
use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// A customer found, as staff may see them before any consent: masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerMatch {
    pub customer_no: String,
    pub masked_name: String,
    pub masked_phone: String,
    pub tier: String,
}

/// At most this many customers are listed for one search.
pub const MAX_RESULTS: i64 = 20;

/// Finds customers by number, mobile or name (the start of it), masked. Agents and supervisors
/// only; every search is recorded, with what was asked and how many were found.
#[server(endpoint = "staff/customers/search")]
pub async fn search_customers(query: String) -> Result<Vec<CustomerMatch>, AppError> {
    use crate::auth::Role;
    let (state, who) = crate::guard::require_staff(&[Role::Agent, Role::Supervisor]).await?;
    let parsed = rules::parse_query(&query)
        .ok_or_else(|| AppError::Invalid { field: "query".into(), problem: "unreadable".into() })?;
    let found = ssr::search(&state.pool, &parsed).await?;
    let detail = serde_json::json!({ "by": parsed.kind(), "query": query.trim(), "found": found.len() });
    crate::audit::record(&state.pool, &who, "customer_search", state.now(), &detail.to_string())
        .await
        .map_err(AppError::internal)?;
    Ok(found)
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::rules::{Query, mask_name};
    use super::{CustomerMatch, MAX_RESULTS};
    use crate::error::AppError;
    use sqlx::AnyPool;

    pub async fn search(pool: &AnyPool, query: &Query) -> Result<Vec<CustomerMatch>, AppError> {
        let (condition, value) = match query {
            Query::CustomerNo(no) => ("customer_no = $1", no.clone()),
            Query::Mobile(mobile) => ("mobile = $1", mobile.clone()),
            // A name's start; LIKE's own wildcards in it are matched literally.
            Query::Name(name) => (
                "name LIKE $1 ESCAPE '\\'",
                format!("{}%", name.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")),
            ),
        };
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(&format!(
            "SELECT customer_no, name, mobile, tier FROM customers WHERE {condition} AND status <> 'closed' \
             ORDER BY customer_no LIMIT {MAX_RESULTS}"
        ))
        .bind(value)
        .fetch_all(pool)
        .await
        .map_err(AppError::internal)?;
        Ok(rows
            .into_iter()
            .map(|(customer_no, name, mobile, tier)| CustomerMatch {
                customer_no,
                masked_name: mask_name(&name),
                masked_phone: crate::auth::service::mask_phone(&mobile),
                tier,
            })
            .collect())
    }
}

pub fn tier_name(tier: &str, locale: Locale) -> String {
    match tier {
        "gold" => td_string!(locale, customers.tier_gold),
        "platinum" => td_string!(locale, customers.tier_platinum),
        "diamond" => td_string!(locale, customers.tier_diamond),
        _ => td_string!(locale, customers.tier_regular),
    }
    .to_string()
}

/// `/staff/customers`: the search, a plain GET form (it works without WASM), and the results.
#[component]
pub fn CustomerSearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let query = use_query_map();
    let asked = move || query.with(|q| q.get("q").unwrap_or_default());
    let results = Resource::new_blocking(asked, |q| async move {
        if q.trim().is_empty() { Ok(None) } else { search_customers(q).await.map(Some) }
    });
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, customers.title).to_string()) />
        <section class="page staff-customers">
            <p><a href="/staff/home">{t!(i18n, wealth.staff_back)}</a></p>
            <h1>{t!(i18n, customers.title)}</h1>
            <p class="lead">{t!(i18n, customers.lead)}</p>
            <form method="get" action="/staff/customers" class="search-form" role="search">
                <div class="field">
                    <label for="customer-query">{t!(i18n, customers.query)}</label>
                    <p class="hint" id="customer-query-hint">{t!(i18n, customers.query_hint)}</p>
                    <input id="customer-query" name="q" type="search" autocomplete="off" maxlength="40"
                        aria-describedby="customer-query-hint" value=asked />
                </div>
                <p><button type="submit" class="button primary">{t!(i18n, customers.search)}</button></p>
            </form>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(None) => ().into_any(),
                        Ok(Some(found)) if found.is_empty() => view! { <p class="empty" role="status">{t!(i18n, customers.none)}</p> }.into_any(),
                        Ok(Some(found)) => {
                            let n = found.len();
                            view! {
                            <h2 id="results-heading">{move || td_string!(locale(), customers.found, n = n).to_string()}</h2>
                            <div class="table-scroll" role="region" aria-labelledby="results-heading" tabindex="0">
                                <table>
                                    <thead>
                                        <tr>
                                            <th scope="col">{t!(i18n, customers.col_number)}</th>
                                            <th scope="col">{t!(i18n, customers.col_name)}</th>
                                            <th scope="col">{t!(i18n, customers.col_phone)}</th>
                                            <th scope="col">{t!(i18n, customers.col_tier)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {found.into_iter().map(|c| {
                                            let tier = c.tier.clone();
                                            view! {
                                                <tr>
                                                    <th scope="row">{c.customer_no}</th>
                                                    <td>{c.masked_name}</td>
                                                    <td>{c.masked_phone}</td>
                                                    <td>{move || tier_name(&tier, locale())}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            }.into_any()
                        }
                        Err(AppError::Invalid { .. }) => view! { <p class="error-box" role="alert">{t!(i18n, customers.unreadable)}</p> }.into_any(),
                        Err(_) => failed().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
