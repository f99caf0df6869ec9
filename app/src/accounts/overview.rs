//! `/accounts`, the signed-in home: totals per currency, dates coming up, then every account
//! grouped by kind with the figures that fit its kind and its status in plain words.

use super::rules::{CurrencyTotals, Upcoming, UpcomingKind};
use super::{AccountKind, AccountStatus, AccountSummary, accounts_overview};
use crate::format::{format_date, format_datetime, format_money};
use crate::i18n::*;
use crate::layout::PageTitle;
use crate::money::Money;
use crate::resource::settled;
use leptos::prelude::*;
use leptos_i18n::td_string;

pub fn kind_name(kind: AccountKind, locale: Locale) -> String {
    match kind {
        AccountKind::Demand => td_string!(locale, accounts.kind_demand),
        AccountKind::TimeDeposit => td_string!(locale, accounts.kind_time_deposit),
        AccountKind::CreditCard => td_string!(locale, accounts.kind_credit_card),
        AccountKind::Loan => td_string!(locale, accounts.kind_loan),
        AccountKind::Wealth => td_string!(locale, accounts.kind_wealth),
    }
    .to_string()
}

/// The status's name and, for anything not active, what it means and what to do.
pub fn status_text(status: AccountStatus, locale: Locale) -> (String, Option<String>) {
    match status {
        AccountStatus::Active => (td_string!(locale, accounts.status_active).to_string(), None),
        AccountStatus::Frozen => (
            td_string!(locale, accounts.status_frozen).to_string(),
            Some(td_string!(locale, accounts.status_frozen_body).to_string()),
        ),
        AccountStatus::Closed => (
            td_string!(locale, accounts.status_closed).to_string(),
            Some(td_string!(locale, accounts.status_closed_body).to_string()),
        ),
        AccountStatus::Dormant => (
            td_string!(locale, accounts.status_dormant).to_string(),
            Some(td_string!(locale, accounts.status_dormant_body).to_string()),
        ),
    }
}

/// The figures an account shows in lists: (label, amount) pairs that fit its kind.
pub fn figures(account: &AccountSummary, locale: Locale) -> Vec<(String, String)> {
    let money = |minor| format_money(Money::new(minor, account.currency), locale);
    match account.kind {
        AccountKind::Demand => vec![
            (td_string!(locale, accounts.available).to_string(), money(account.available_minor)),
            (td_string!(locale, accounts.ledger).to_string(), money(account.ledger_minor)),
        ],
        AccountKind::TimeDeposit => {
            vec![(td_string!(locale, accounts.principal).to_string(), money(account.ledger_minor))]
        }
        AccountKind::CreditCard => vec![
            (td_string!(locale, accounts.amount_due).to_string(), money((-account.ledger_minor).max(0))),
            (td_string!(locale, accounts.available_credit).to_string(), money(account.available_minor)),
            (td_string!(locale, accounts.credit_limit).to_string(), money(account.limit_minor.unwrap_or(0))),
        ],
        AccountKind::Loan => {
            vec![(td_string!(locale, accounts.outstanding).to_string(), money((-account.ledger_minor).max(0)))]
        }
        AccountKind::Wealth => {
            vec![(td_string!(locale, accounts.market_value).to_string(), money(account.ledger_minor))]
        }
    }
}

fn upcoming_text(item: &Upcoming, locale: Locale) -> String {
    let date = format_date(item.on, locale);
    let amount = item.amount.map(|m| format_money(m, locale)).unwrap_or_default();
    match item.what {
        UpcomingKind::CardPayment => td_string!(locale, accounts.upcoming_card, date = date, amount = amount),
        UpcomingKind::LoanInstalment => td_string!(locale, accounts.upcoming_loan, date = date, amount = amount),
        UpcomingKind::DepositMaturity => td_string!(locale, accounts.upcoming_deposit, date = date, amount = amount),
    }
    .to_string()
}

#[component]
fn Totals(totals: Vec<CurrencyTotals>, as_of: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="totals" aria-labelledby="totals-heading">
            <h2 id="totals-heading">{tr!(i18n, accounts.totals_title)}</h2>
            <ul class="totals-list">
                {totals
                    .into_iter()
                    .map(|t| {
                        let m = move |minor| format_money(Money::new(minor, t.currency), i18n.get_locale());
                        view! {
                            <li>
                                <h3>{t.currency.code().to_owned()}</h3>
                                <dl class="figures">
                                    <div><dt>{tr!(i18n, accounts.assets)}</dt><dd>{move || m(t.assets_minor)}</dd></div>
                                    <div><dt>{tr!(i18n, accounts.liabilities)}</dt><dd>{move || m(t.liabilities_minor)}</dd></div>
                                    <div class="net"><dt>{tr!(i18n, accounts.net_worth)}</dt><dd>{move || m(t.net_minor)}</dd></div>
                                </dl>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="hint">{move || td_string!(i18n.get_locale(), accounts.as_of, time = format_datetime(as_of, i18n.get_locale())).to_string()}</p>
        </section>
    }
}

/// One account in the overview: a link to its details with the figures that fit its kind.
#[component]
pub fn AccountCard(account: AccountSummary) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/accounts/{}", account.id);
    let status = account.status;
    let account = StoredValue::new(account);
    view! {
        <li class="card account-card" class:inactive=status != AccountStatus::Active>
            <h3>
                <a href=href>{account.with_value(|a| a.product_name.clone())}</a>
            </h3>
            <p class="account-number">
                {account.with_value(|a| a.masked_number.clone())} " · " {account.with_value(|a| a.currency.code().to_owned())}
            </p>
            <dl class="figures">
                {move || {
                    account
                        .with_value(|a| figures(a, i18n.get_locale()))
                        .into_iter()
                        .map(|(label, value)| view! { <div><dt>{label}</dt><dd>{value}</dd></div> })
                        .collect_view()
                }}
            </dl>
            {move || {
                let (name, body) = status_text(status, i18n.get_locale());
                body.map(|body| view! { <p class="status-note"><strong>{name}</strong> " " {body}</p> })
            }}
        </li>
    }
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    // Blocking: the page is whole in the first response, with or without WASM.
    let overview = crate::resource::blocking(|| (), |_| accounts_overview());
    let risk = crate::resource::blocking(|| (), |_| crate::wealth::my_standing());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, nav.accounts).to_string()) />
        <section class="page">
            <h1>{tr!(i18n, nav.accounts)}</h1>
            <Transition fallback=move || view! { <p role="status">{tr!(i18n, settings.loading)}</p> }>
                {move || Suspend::new(async move {
                    let risk = risk.await.ok();
                    match settled(overview.await).await {
                        Ok(o) if o.accounts.is_empty() => view! { <p>{tr!(i18n, accounts.none)}</p> }.into_any(),
                        Ok(o) => {
                            let upcoming = o.upcoming.clone();
                            view! {
                                <Totals totals=o.totals.clone() as_of=o.as_of />
                                {risk.map(|(standing, today)| view! { <crate::wealth::products::LevelNote standing today /> })}
                                <section aria-labelledby="upcoming-heading">
                                    <h2 id="upcoming-heading">{tr!(i18n, accounts.upcoming_title)}</h2>
                                    {if upcoming.is_empty() {
                                        view! { <p>{tr!(i18n, accounts.upcoming_none)}</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="upcoming">
                                                {upcoming
                                                    .into_iter()
                                                    .map(|u| {
                                                        let href = format!("/accounts/{}", u.account_id);
                                                        view! { <li><a href=href>{move || upcoming_text(&u, i18n.get_locale())}</a></li> }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        }
                                        .into_any()
                                    }}
                                </section>
                                {AccountKind::ALL
                                    .into_iter()
                                    .filter_map(|kind| {
                                        let group: Vec<AccountSummary> =
                                            o.accounts.iter().filter(|a| a.kind == kind).cloned().collect();
                                        (!group.is_empty()).then(|| {
                                            let id = format!("group-{kind:?}").to_lowercase();
                                            view! {
                                                <section aria-labelledby=id.clone()>
                                                    <h2 id=id.clone()>{move || kind_name(kind, i18n.get_locale())}</h2>
                                                    <ul class="cards accounts">
                                                        {group.into_iter().map(|account| view! { <AccountCard account /> }).collect_view()}
                                                    </ul>
                                                </section>
                                            }
                                        })
                                    })
                                    .collect_view()}
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
