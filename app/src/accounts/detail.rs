//! `/accounts/:id`: one account's details (what fits its kind) and its history, filtered by what
//! the URL says, newest first, with "load more" (a plain link without WASM; in place with it).

use super::filter::{CATEGORIES, FilterProblem, FilterQuery, PERIODS};
use super::overview::{figures, kind_name, status_text};
use super::rules::{deposit_interest, loan_terms, minimum_payment, next_due};
use super::{AccountKind, AccountSummary, HistoryPage, TxRow, account, account_history, china_today};
use crate::error::AppError;
use crate::format::{format_date, format_datetime, format_money, format_signed_money};
use crate::i18n::*;
use crate::layout::PageTitle;
use crate::money::{Currency, Money};
use crate::resource::settled;
use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_router::hooks::{use_params_map, use_query_map};

pub fn category_name(category: &str, locale: Locale) -> String {
    match category {
        "salary" => td_string!(locale, accounts.cat_salary),
        "transfer_in" => td_string!(locale, accounts.cat_transfer_in),
        "transfer_out" => td_string!(locale, accounts.cat_transfer_out),
        "interest" => td_string!(locale, accounts.cat_interest),
        "groceries" => td_string!(locale, accounts.cat_groceries),
        "dining" => td_string!(locale, accounts.cat_dining),
        "transport" => td_string!(locale, accounts.cat_transport),
        "shopping" => td_string!(locale, accounts.cat_shopping),
        "health" => td_string!(locale, accounts.cat_health),
        "entertainment" => td_string!(locale, accounts.cat_entertainment),
        "card_repayment" => td_string!(locale, accounts.cat_card_repayment),
        "loan_repayment" => td_string!(locale, accounts.cat_loan_repayment),
        "deposit" => td_string!(locale, accounts.cat_deposit),
        "investment" => td_string!(locale, accounts.cat_investment),
        _ => td_string!(locale, accounts.cat_other),
    }
    .to_string()
}

fn period_name(period: &str, locale: Locale) -> String {
    match period {
        "7d" => td_string!(locale, accounts.period_7d),
        "30d" => td_string!(locale, accounts.period_30d),
        "3m" => td_string!(locale, accounts.period_3m),
        "12m" => td_string!(locale, accounts.period_12m),
        _ => td_string!(locale, accounts.period_custom),
    }
    .to_string()
}

fn problem_text(problem: FilterProblem, locale: Locale) -> String {
    match problem {
        FilterProblem::BadPeriod => td_string!(locale, accounts.problem_period),
        FilterProblem::BadFrom => td_string!(locale, accounts.problem_from),
        FilterProblem::BadTo => td_string!(locale, accounts.problem_to),
        FilterProblem::Reversed => td_string!(locale, accounts.problem_reversed),
        FilterProblem::TooLong => td_string!(locale, accounts.problem_too_long),
        FilterProblem::BadMin => td_string!(locale, accounts.problem_min),
        FilterProblem::BadMax => td_string!(locale, accounts.problem_max),
        FilterProblem::AmountsReversed => td_string!(locale, accounts.problem_amounts),
        FilterProblem::BadDirection => td_string!(locale, accounts.problem_direction),
    }
    .to_string()
}

/// Today in China, wherever the page is running.
fn today() -> chrono::NaiveDate {
    #[cfg(feature = "ssr")]
    let now = use_context::<crate::state::AppState>().map_or_else(|| chrono::Utc::now().timestamp(), |s| s.now());
    #[cfg(not(feature = "ssr"))]
    let now = (leptos::web_sys::js_sys::Date::now() / 1000.0) as i64;
    china_today(now)
}

/// "Show full number": a code to the customer's phone first; the number then shows on this page
/// only (it is never in the page's first HTML).
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
fn RevealNumber(account_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let start = ServerAction::<super::StartRevealNumber>::new();
    let finish = ServerAction::<super::RevealNumber>::new();
    let challenge = move || start.value().get().and_then(Result::ok);
    let error_text = move |e: AppError| crate::auth::sign_in_error_text(&e, i18n.get_locale());
    view! {
        {move || match (finish.value().get(), challenge()) {
            (Some(Ok(number)), _) => view! {
                <p class="full-number" role="status">
                    {tr!(i18n, accounts.full_number)} " " <strong>{number}</strong>
                </p>
            }
            .into_any(),
            (_, Some(c)) => view! {
                <form
                    class="form reveal"
                    method="post"
                    novalidate
                    on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        finish.dispatch(super::RevealNumber { account_id, challenge_id: c.id.clone(), code: code.get_untracked() });
                    }
                >
                    <crate::auth::CodeField id="reveal-code" code masked_phone=c.masked_phone.clone() />
                    <p role="alert" class="error-box">{move || finish.value().get().and_then(Result::err).map(error_text)}</p>
                    <button type="submit" class="button primary" disabled=move || finish.pending().get()>
                        {tr!(i18n, accounts.reveal_confirm)}
                    </button>
                </form>
            }
            .into_any(),
            _ => view! {
                <p>
                    <button type="button" class="button" disabled=move || start.pending().get()
                        on:click=move |_| { start.dispatch(super::StartRevealNumber { account_id }); }>
                        {tr!(i18n, accounts.reveal)}
                    </button>
                </p>
                <p role="alert" class="error-box">{move || start.value().get().and_then(Result::err).map(error_text)}</p>
            }
            .into_any(),
        }}
    }
}

/// Details only some kinds have: deposit terms, card statement, loan schedule.
#[component]
fn KindDetails(account: AccountSummary) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let money = move |minor: i64| format_money(Money::new(minor, account.currency), locale());
    let rate = move |bp: i64| format!("{}.{:02}%", bp / 100, bp % 100);
    let row = |label: String, value: String| view! { <div><dt>{label}</dt><dd>{value}</dd></div> };
    match account.kind {
        AccountKind::TimeDeposit => {
            let a = account.clone();
            view! {
                <dl class="figures">
                    {move || {
                        let l = locale();
                        vec![
                            row(td_string!(l, accounts.rate).to_string(), a.rate_bp.map(rate).unwrap_or_default()),
                            row(td_string!(l, accounts.opened_on).to_string(), format_date(a.opened_on, l)),
                            row(td_string!(l, accounts.matures_on).to_string(), a.matures_on.map(|d| format_date(d, l)).unwrap_or_default()),
                            row(td_string!(l, accounts.interest_at_maturity).to_string(), deposit_interest(&a).map(money).unwrap_or_default()),
                        ]
                        .collect_view()
                    }}
                </dl>
            }
            .into_any()
        }
        AccountKind::CreditCard => {
            let owed = (-account.ledger_minor).max(0);
            let due = account.due_day.and_then(|d| next_due(today(), d));
            view! {
                <dl class="figures">
                    {move || {
                        let l = locale();
                        vec![
                            row(td_string!(l, accounts.statement_balance).to_string(), money(owed)),
                            row(td_string!(l, accounts.minimum_payment).to_string(), money(minimum_payment(owed))),
                            row(td_string!(l, accounts.due_date).to_string(), due.map(|d| format_date(d, l)).unwrap_or_default()),
                        ]
                        .collect_view()
                    }}
                </dl>
            }
            .into_any()
        }
        AccountKind::Loan => {
            let Some(terms) = loan_terms(&account) else { return ().into_any() };
            let schedule = terms.schedule();
            view! {
                <dl class="figures">
                    {move || {
                        let l = locale();
                        vec![
                            row(td_string!(l, accounts.original_principal).to_string(), money(terms.principal_minor)),
                            row(td_string!(l, accounts.rate).to_string(), rate(terms.rate_bp)),
                            row(td_string!(l, accounts.monthly_instalment).to_string(), money(terms.instalment())),
                        ]
                        .collect_view()
                    }}
                </dl>
                <details class="schedule">
                    <summary id="schedule-summary">{tr!(i18n, accounts.schedule_title)}</summary>
                    <div class="table-scroll" role="region" aria-labelledby="schedule-summary" tabindex="0">
                        <table>
                            <thead>
                                <tr>
                                    <th scope="col">{tr!(i18n, accounts.col_number)}</th>
                                    <th scope="col">{tr!(i18n, accounts.due_date)}</th>
                                    <th scope="col" class="num">{tr!(i18n, accounts.col_payment)}</th>
                                    <th scope="col" class="num">{tr!(i18n, accounts.col_principal)}</th>
                                    <th scope="col" class="num">{tr!(i18n, accounts.col_interest)}</th>
                                    <th scope="col" class="num">{tr!(i18n, accounts.col_remaining)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {schedule
                                    .into_iter()
                                    .map(|i| view! {
                                        <tr>
                                            <td>{i.number}</td>
                                            <td>{move || format_date(i.due, locale())}</td>
                                            <td class="num">{move || money(i.payment_minor)}</td>
                                            <td class="num">{move || money(i.principal_minor)}</td>
                                            <td class="num">{move || money(i.interest_minor)}</td>
                                            <td class="num">{move || money(i.remaining_minor)}</td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                </details>
            }
            .into_any()
        }
        AccountKind::Demand | AccountKind::Wealth => ().into_any(),
    }
}

/// One transaction: date, what and with whom, category, signed amount (sign and colour), balance.
#[component]
fn TxItem(tx: TxRow, currency: Currency, account_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let report = format!("/accounts/{account_id}/transactions/{}/report", tx.id);
    let direction = if tx.amount_minor >= 0 { "in" } else { "out" };
    view! {
        <li class="tx">
            <span class="tx-date">{move || format_datetime(tx.booked_at, i18n.get_locale())}</span>
            <span class="tx-what">
                <span class="tx-description">{tx.description.clone()}</span>
                {(!tx.counterparty.is_empty()).then(|| view! { <span class="tx-counterparty">{tx.counterparty.clone()}</span> })}
                <span class="tx-category">{move || category_name(&tx.category, i18n.get_locale())}</span>
                <a class="tx-report" href=report>{tr!(i18n, report.link)}</a>
            </span>
            <span class="tx-amounts">
                <span class=format!("amount {direction}")>{move || format_signed_money(Money::new(tx.amount_minor, currency), i18n.get_locale())}</span>
                <span class="tx-balance">
                    {move || td_string!(i18n.get_locale(), accounts.balance_after, amount = format_money(Money::new(tx.balance_after_minor, currency), i18n.get_locale())).to_string()}
                </span>
            </span>
        </li>
    }
}

/// The filter form: a plain GET form, so the filter lands in the URL with or without WASM.
#[component]
fn FilterForm(account_id: i64, query: FilterQuery, problems: Vec<FilterProblem>) -> impl IntoView {
    let i18n = use_i18n();
    let period = query.period.clone().unwrap_or_else(|| super::filter::DEFAULT_PERIOD.to_owned());
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let has = {
        let problems = problems.clone();
        move |p: FilterProblem| problems.contains(&p)
    };
    let error_ids = {
        let has = has.clone();
        move |ps: &[FilterProblem]| ps.iter().any(|p| has(*p)).then_some("filter-errors")
    };
    view! {
        <form class="filters" method="get" action=format!("/accounts/{account_id}") aria-labelledby="filter-heading">
            <h2 id="filter-heading">{tr!(i18n, accounts.filter_title)}</h2>
            {(!problems.is_empty()).then(|| {
                let problems = problems.clone();
                view! {
                    <div class="error-box" id="filter-errors" role="alert">
                        <ul>
                            {move || problems.iter().map(|p| view! { <li>{problem_text(*p, i18n.get_locale())}</li> }).collect_view()}
                        </ul>
                    </div>
                }
            })}
            <div class="filter-grid">
                <div class="field">
                    <label for="f-period">{tr!(i18n, accounts.period)}</label>
                    <select id="f-period" name="period" aria-describedby=error_ids(&[FilterProblem::BadPeriod])>
                        {PERIODS
                            .iter()
                            .chain(["custom"].iter())
                            .map(|p| {
                                let selected = *p == period;
                                view! { <option value=*p selected=selected>{move || period_name(p, i18n.get_locale())}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-from">{tr!(i18n, accounts.from)}</label>
                    <input id="f-from" type="date" name="from" value=value(&query.from)
                        aria-invalid=has(FilterProblem::BadFrom).to_string()
                        aria-describedby=error_ids(&[FilterProblem::BadFrom, FilterProblem::Reversed, FilterProblem::TooLong]) />
                </div>
                <div class="field">
                    <label for="f-to">{tr!(i18n, accounts.to)}</label>
                    <input id="f-to" type="date" name="to" value=value(&query.to)
                        aria-invalid=has(FilterProblem::BadTo).to_string()
                        aria-describedby=error_ids(&[FilterProblem::BadTo, FilterProblem::Reversed]) />
                </div>
                <div class="field">
                    <label for="f-dir">{tr!(i18n, accounts.direction)}</label>
                    <select id="f-dir" name="dir">
                        <option value="" selected=query.dir.is_none()>{tr!(i18n, accounts.dir_all)}</option>
                        <option value="in" selected=query.dir.as_deref() == Some("in")>{tr!(i18n, accounts.dir_in)}</option>
                        <option value="out" selected=query.dir.as_deref() == Some("out")>{tr!(i18n, accounts.dir_out)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="f-min">{tr!(i18n, accounts.min_amount)}</label>
                    <input id="f-min" type="text" inputmode="decimal" name="min" value=value(&query.min)
                        aria-invalid=has(FilterProblem::BadMin).to_string()
                        aria-describedby=error_ids(&[FilterProblem::BadMin, FilterProblem::AmountsReversed]) />
                </div>
                <div class="field">
                    <label for="f-max">{tr!(i18n, accounts.max_amount)}</label>
                    <input id="f-max" type="text" inputmode="decimal" name="max" value=value(&query.max)
                        aria-invalid=has(FilterProblem::BadMax).to_string()
                        aria-describedby=error_ids(&[FilterProblem::BadMax]) />
                </div>
                <div class="field">
                    <label for="f-q">{tr!(i18n, accounts.search)}</label>
                    <input id="f-q" type="search" name="q" value=value(&query.q) />
                </div>
                <div class="field">
                    <label for="f-category">{tr!(i18n, accounts.category)}</label>
                    <select id="f-category" name="category">
                        <option value="" selected=query.category.is_none()>{tr!(i18n, accounts.category_all)}</option>
                        {CATEGORIES
                            .iter()
                            .map(|c| {
                                let selected = query.category.as_deref() == Some(*c);
                                view! { <option value=*c selected=selected>{move || category_name(c, i18n.get_locale())}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
            </div>
            <p class="hint">{tr!(i18n, accounts.custom_hint)}</p>
            <p class="filter-actions">
                <button type="submit" class="button primary">{tr!(i18n, accounts.apply)}</button>
                <a class="button" href=format!("/accounts/{account_id}")>{tr!(i18n, accounts.reset)}</a>
            </p>
        </form>
    }
}

/// The history list with "load more": a link to the next page (works without WASM); once the
/// app runs, the next page is fetched and appended in place and announced politely ("20 more
/// transactions shown"); when it was the last page the link goes, and the focus moves to the list.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
fn History(account_id: i64, currency: Currency, query: FilterQuery, first: HistoryPage) -> impl IntoView {
    let i18n = use_i18n();
    let rows = RwSignal::new(first.rows);
    let next = RwSignal::new(first.next);
    let loading = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let loaded = RwSignal::new(None::<usize>);
    let list = NodeRef::<leptos::html::Ol>::new();
    let base_query = query.to_query();
    let href = move || {
        next.get().map(|cursor| {
            let sep = if base_query.is_empty() { "" } else { "&" };
            format!("/accounts/{account_id}?{base_query}{sep}after={}", super::filter::encode(&cursor))
        })
    };
    let load_more = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let (Some(cursor), false) = (next.get_untracked(), loading.get_untracked()) else { return };
        loading.set(true);
        failed.set(false);
        let filter = query.clone();
        leptos::task::spawn_local(async move {
            match account_history(account_id, filter, Some(cursor)).await {
                Ok(page) => {
                    let (shown, last) = (page.rows.len(), page.next.is_none());
                    rows.update(|r| r.extend(page.rows));
                    next.set(page.next);
                    loaded.set(Some(shown));
                    if let Some(list) = list.get_untracked().filter(|_| last) {
                        let _ = list.focus();
                    }
                }
                Err(_) => failed.set(true),
            }
            loading.set(false);
        });
    };
    view! {
        <Show when=move || rows.with(Vec::is_empty)>
            <p class="empty">{tr!(i18n, accounts.history_empty)}</p>
        </Show>
        <ol class="tx-list" aria-labelledby="history-heading" tabindex="-1" node_ref=list>
            <For each=move || rows.get() key=|tx| tx.id let:tx>
                <TxItem tx currency account_id />
            </For>
        </ol>
        <p role="status" class="status">
            {move || match (loading.get(), loaded.get()) {
                (true, _) => Some(t_string!(i18n, settings.loading).to_string()),
                (false, Some(n)) => Some(td_string!(i18n.get_locale(), accounts.loaded_more, n = n).to_string()),
                (false, None) => None,
            }}
        </p>
        <p role="alert" class="error-box">{move || failed.get().then(|| t_string!(i18n, error.generic))}</p>
        {move || {
            let load_more = load_more.clone();
            href().map(|href| view! {
                <p><a class="button" href=href on:click=load_more>{tr!(i18n, accounts.load_more)}</a></p>
            })
        }}
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query_map = use_query_map();
    let account_id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let filter_query = move || {
        query_map.with(|q| FilterQuery {
            period: q.get("period"),
            from: q.get("from"),
            to: q.get("to"),
            dir: q.get("dir"),
            min: q.get("min"),
            max: q.get("max"),
            q: q.get("q"),
            category: q.get("category"),
        })
    };
    let after = move || query_map.with(|q| q.get("after"));
    // Blocking, so an account that is not the customer's answers with a real 404 status.
    let account = crate::resource::blocking(account_id, |id| async move {
        match id {
            Some(id) => account(id).await,
            None => Err(AppError::NotFound),
        }
    });
    // Blocking too: without WASM, streamed-in content would never be shown.
    let history = crate::resource::blocking(
        move || (account_id(), filter_query(), after()),
        |(id, filter, after)| async move {
            let Some(id) = id else { return Err(AppError::NotFound) };
            if filter.check(today()).is_err() {
                return Ok(HistoryPage { rows: Vec::new(), next: None });
            }
            account_history(id, filter, after).await
        },
    );

    let charts = crate::resource::blocking(
        move || (account_id(), query_map.with(|q| q.get("month"))),
        |(id, month)| async move {
            match id {
                Some(id) => super::charts::account_charts(id, month).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    // The form under the figures shows the saved alerts as the server sends the page.
    let alerts = crate::resource::blocking(account_id, |id| async move {
        match id {
            Some(id) => crate::messages::account_alerts(id).await,
            None => Err(AppError::NotFound),
        }
    });

    view! {
        <Transition fallback=move || view! { <p role="status">{tr!(i18n, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                let first_page = history.await;
                let charts = charts.await.ok();
                let alerts = alerts.await.ok();
                match settled(account.await).await {
                    Ok(a) => {
                        let id = a.id;
                        let currency = a.currency;
                        let query = filter_query();
                        let problems = query.check(today()).err().unwrap_or_default();
                        let title = a.product_name.clone();
                        let status = a.status;
                        let summary = a.clone();
                        view! {
                            <PageTitle text=title.clone() />
                            <section class="page">
                                <p><a href="/accounts">{tr!(i18n, accounts.back)}</a></p>
                                <h1>{title}</h1>
                                <p class="account-number">
                                    {a.masked_number.clone()} " · " {move || kind_name(a.kind, i18n.get_locale())} " · " {a.currency.code().to_owned()}
                                </p>
                                {move || {
                                    let (name, body) = status_text(status, i18n.get_locale());
                                    body.map(|body| view! { <p class="notice status-note"><strong>{name}</strong> " " {body}</p> })
                                }}
                                <dl class="figures">
                                    {move || figures(&summary, i18n.get_locale())
                                        .into_iter()
                                        .map(|(label, value)| view! { <div><dt>{label}</dt><dd>{value}</dd></div> })
                                        .collect_view()}
                                </dl>
                                <RevealNumber account_id=id />
                                <KindDetails account=a.clone() />
                            </section>
                            <crate::messages::page::AccountAlerts account=a.clone() saved=alerts />
                            {charts
                                .filter(|_| matches!(a.kind, AccountKind::Demand | AccountKind::CreditCard))
                                .map(|charts| view! { <super::charts::AccountCharts charts account_id=id /> })}
                            <section class="page">
                                <FilterForm account_id=id query=query.clone() problems=problems.clone() />
                                <h2 id="history-heading">{tr!(i18n, accounts.history_title)}</h2>
                                {
                                    let q = query.to_query();
                                    let sep = if q.is_empty() { "" } else { "?" };
                                    view! {
                                        <p>
                                            <a class="button" rel="external" download="" href=format!("/accounts/{id}/export.csv{sep}{q}")>
                                                {tr!(i18n, export.link)}
                                            </a>
                                            " "
                                            <a class="button" href=format!("/accounts/{id}/statement")>{tr!(i18n, statement.link)}</a>
                                        </p>
                                    }
                                }
                                {match first_page {
                                    Ok(first) => view! { <History account_id=id currency query first /> }.into_any(),
                                    Err(AppError::Invalid { field, .. }) if field == "cursor" => view! {
                                        <p class="error-box" role="alert">{tr!(i18n, accounts.bad_cursor)}</p>
                                    }
                                    .into_any(),
                                    Err(_) => view! { <p class="error-box" role="alert">{tr!(i18n, error.generic)}</p> }.into_any(),
                                }}
                            </section>
                        }
                        .into_any()
                    }
                    Err(AppError::NotFound) => view! { <crate::layout::NotFound /> }.into_any(),
                    Err(_) => view! { <p class="error-box" role="alert">{tr!(i18n, error.generic)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
