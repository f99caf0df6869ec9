//! `/accounts/:id/statement?month=YYYY-MM`: the printable monthly statement (A4 by the print
//! stylesheet): bank, customer, account, period, opening and closing balance, every transaction
//! of the month oldest first, and the totals. The month picker is a plain GET form.

use super::detail::category_name;
use super::{AccountSummary, TxRow, china_today};
use crate::error::AppError;
use crate::format::{format_date, format_datetime, format_money};
use crate::i18n::*;
use crate::layout::PageTitle;
use crate::money::Money;
use crate::resource::settled;
use chrono::{Datelike, Months, NaiveDate};
use leptos::prelude::*;
use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

/// Months a statement can be had for, counting the current one.
pub const STATEMENT_MONTHS: u32 = 24;
/// A month with more transactions than this is too long to print; the CSV export has them all.
pub const MAX_STATEMENT_ROWS: i64 = 20_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementTotals {
    pub opening_minor: i64,
    pub money_in_minor: i64,
    /// Money out as a positive amount.
    pub money_out_minor: i64,
    pub closing_minor: i64,
    pub count: usize,
}

/// Opening balance plus money in minus money out: the closing balance.
pub fn statement_totals(opening_minor: i64, rows: &[TxRow]) -> StatementTotals {
    let money_in_minor = rows.iter().filter(|r| r.amount_minor > 0).map(|r| r.amount_minor).sum();
    let money_out_minor: i64 = rows.iter().filter(|r| r.amount_minor < 0).map(|r| -r.amount_minor).sum();
    StatementTotals {
        opening_minor,
        money_in_minor,
        money_out_minor,
        closing_minor: opening_minor + money_in_minor - money_out_minor,
        count: rows.len(),
    }
}

/// The months on offer, newest first: this month and the 23 before it (first days).
pub fn statement_months(today: NaiveDate) -> Vec<NaiveDate> {
    let this = today.with_day(1).unwrap_or(today);
    (0..STATEMENT_MONTHS).filter_map(|back| this.checked_sub_months(Months::new(back))).collect()
}

/// The month asked for ("2026-10"); without one, last month (the latest complete one).
/// `None` for anything that is not one of the months on offer.
pub fn statement_month(text: Option<&str>, today: NaiveDate) -> Option<NaiveDate> {
    let months = statement_months(today);
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => months.get(1).copied(),
        Some(t) => NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").ok().filter(|m| months.contains(m)),
    }
}

/// The period a statement covers: the whole month, or up to today for the current one.
pub fn statement_period(month: NaiveDate, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let last = month.checked_add_months(Months::new(1)).and_then(|m| m.pred_opt()).unwrap_or(month);
    (month, last.min(today))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub account: AccountSummary,
    pub customer_name: String,
    pub month: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Oldest first.
    pub rows: Vec<TxRow>,
    pub totals: StatementTotals,
    pub generated_at: i64,
}

#[server(endpoint = "accounts/statement")]
pub async fn account_statement(account_id: i64, month: Option<String>) -> Result<Statement, AppError> {
    let (state, who, customer_id) = crate::guard::require_customer().await?;
    let now = state.now();
    let today = china_today(now);
    let month = statement_month(month.as_deref(), today)
        .ok_or_else(|| AppError::Invalid { field: "month".into(), problem: "not_offered".into() })?;
    let account = super::own_account(&state.pool, customer_id, account_id).await?.ok_or(AppError::NotFound)?;
    let (from, to) = statement_period(month, today);
    let (opening, rows) = super::service::statement_rows(&state.pool, &account, from, to, MAX_STATEMENT_ROWS)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(|| AppError::Invalid { field: "month".into(), problem: "too_many".into() })?;
    let customer_name = crate::auth::service::display_name(&state.pool, &who.principal)
        .await
        .map_err(AppError::internal)?
        .unwrap_or_default();
    Ok(Statement {
        totals: statement_totals(opening, &rows),
        account,
        customer_name,
        month,
        from,
        to,
        rows,
        generated_at: now,
    })
}

/// "2026年10月" / "October 2026".
fn month_name(month: NaiveDate, locale: Locale) -> String {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match locale {
        Locale::zh_CN => format!("{}年{}月", month.year(), month.month()),
        Locale::en => format!("{} {}", EN[month.month0() as usize], month.year()),
    }
}

#[component]
pub fn StatementPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = leptos_router::hooks::use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let account_id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let month = move || query.with(|q| q.get("month"));
    let statement = crate::resource::blocking(
        move || (account_id(), month()),
        |(id, month)| async move {
            match id {
                Some(id) => account_statement(id, month).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=move || view! { <p role="status">{tr!(i18n, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match (settled(statement.await).await, account_id()) {
                    (Ok(s), Some(id)) => view! { <StatementView s account_id=id /> }.into_any(),
                    (Err(AppError::NotFound), _) | (_, None) => view! { <crate::layout::NotFound /> }.into_any(),
                    (Err(AppError::Invalid { problem, .. }), Some(id)) => {
                        let too_many = problem == "too_many";
                        view! {
                            <PageTitle text=Signal::derive(move || t_string!(i18n, statement.title).to_string()) />
                            <section class="page narrow">
                                <h1>{tr!(i18n, statement.title)}</h1>
                                <p class="error-box" role="alert">
                                    {move || if too_many {
                                        td_string!(i18n.get_locale(), statement.too_many, max = MAX_STATEMENT_ROWS).to_string()
                                    } else {
                                        td_string!(i18n.get_locale(), statement.bad_month, n = STATEMENT_MONTHS).to_string()
                                    }}
                                </p>
                                <p><a class="button" href=format!("/accounts/{id}/statement")>{tr!(i18n, statement.latest)}</a></p>
                            </section>
                        }
                        .into_any()
                    }
                    (Err(_), _) => view! { <p class="error-box" role="alert">{tr!(i18n, error.generic)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// What a page's "Print" button prints, for its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Printed {
    Statement,
    ResultLetter,
}

/// "Print": hidden until the browser's code runs (without it, the browser's own print command).
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn PrintButton(printed: Printed) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = crate::form::hydrated();
    let (class, label) = match printed {
        Printed::Statement => ("button primary", tr!(i18n, statement.print).into_any()),
        Printed::ResultLetter => ("button", tr!(i18n, wealth.print).into_any()),
    };
    view! {
        <button type="button" class=class hidden=move || !hydrated.get()
            on:click=move |_| { let _ = window().print(); }>
            {label}
        </button>
    }
}

#[component]
fn StatementView(s: Statement, account_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let currency = s.account.currency;
    let locale = move || i18n.get_locale();
    let money = move |minor: i64| format_money(Money::new(minor, currency), locale());
    let totals = s.totals;
    let (from, to, month) = (s.from, s.to, s.month);
    let chosen = month.format("%Y-%m").to_string();
    let months = statement_months(china_today(s.generated_at));
    let title = move || format!("{} · {}", t_string!(i18n, statement.title), month_name(month, locale()));
    view! {
        <PageTitle text=Signal::derive(title) />
        <section class="page no-print">
            <p><a href=format!("/accounts/{account_id}")>{tr!(i18n, statement.back)}</a></p>
            <form class="month-pick" method="get" action=format!("/accounts/{account_id}/statement")>
                <label for="statement-month">{tr!(i18n, statement.month)}</label>
                <select id="statement-month" name="month">
                    {months
                        .into_iter()
                        .map(|m| {
                            let value = m.format("%Y-%m").to_string();
                            let selected = value == chosen;
                            view! { <option value=value selected=selected>{move || month_name(m, locale())}</option> }
                        })
                        .collect_view()}
                </select>
                <button type="submit" class="button">{tr!(i18n, statement.show)}</button>
                <PrintButton printed=Printed::Statement />
            </form>
            <p class="hint">{tr!(i18n, statement.print_hint)}</p>
        </section>
        <article class="page statement" aria-labelledby="statement-title">
            <header class="statement-head">
                <p class="statement-bank">{tr!(i18n, bank_name)}</p>
                <h1 id="statement-title">{move || format!("{} · {}", t_string!(i18n, statement.title), month_name(month, locale()))}</h1>
            </header>
            <dl class="statement-facts">
                <div><dt>{tr!(i18n, statement.customer)}</dt><dd>{s.customer_name.clone()}</dd></div>
                <div><dt>{tr!(i18n, statement.account)}</dt><dd>{s.account.product_name.clone()} " " {s.account.masked_number.clone()}</dd></div>
                <div><dt>{tr!(i18n, statement.currency)}</dt><dd>{currency.code().to_owned()}</dd></div>
                <div><dt>{tr!(i18n, statement.period)}</dt><dd>{move || format!("{} – {}", format_date(from, locale()), format_date(to, locale()))}</dd></div>
            </dl>
            <dl class="figures statement-totals">
                <div><dt>{tr!(i18n, statement.opening)}</dt><dd>{move || money(totals.opening_minor)}</dd></div>
                <div><dt>{tr!(i18n, statement.money_in)}</dt><dd>{move || money(totals.money_in_minor)}</dd></div>
                <div><dt>{tr!(i18n, statement.money_out)}</dt><dd>{move || money(totals.money_out_minor)}</dd></div>
                <div><dt>{tr!(i18n, statement.closing)}</dt><dd>{move || money(totals.closing_minor)}</dd></div>
            </dl>
            {if s.rows.is_empty() {
                view! { <p class="empty">{tr!(i18n, statement.no_transactions)}</p> }.into_any()
            } else {
                let rows = s.rows.clone();
                view! {
                    // Wider than a phone: the scrolling region is reachable by keyboard.
                    <div class="table-scroll" tabindex="0" role="region" aria-labelledby="statement-caption">
                        <table class="statement-table">
                            <caption id="statement-caption">{move || td_string!(locale(), statement.caption, n = totals.count).to_string()}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{tr!(i18n, statement.col_date)}</th>
                                    <th scope="col">{tr!(i18n, statement.col_description)}</th>
                                    <th scope="col" class="num">{tr!(i18n, statement.col_in)}</th>
                                    <th scope="col" class="num">{tr!(i18n, statement.col_out)}</th>
                                    <th scope="col" class="num">{tr!(i18n, statement.col_balance)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|r| {
                                        let amount = r.amount_minor;
                                        view! {
                                            <tr>
                                                <td>{move || format_datetime(r.booked_at, locale())}</td>
                                                <td>
                                                    {r.description.clone()}
                                                    {(!r.counterparty.is_empty()).then(|| format!(" · {}", r.counterparty))}
                                                    <span class="statement-category">{move || format!(" · {}", category_name(&r.category, locale()))}</span>
                                                </td>
                                                <td class="num">{move || (amount > 0).then(|| money(amount))}</td>
                                                <td class="num">{move || (amount < 0).then(|| money(-amount))}</td>
                                                <td class="num">{move || money(r.balance_after_minor)}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                            <tfoot>
                                <tr>
                                    <th scope="row" colspan="2">{tr!(i18n, statement.totals)}</th>
                                    <td class="num">{move || money(totals.money_in_minor)}</td>
                                    <td class="num">{move || money(totals.money_out_minor)}</td>
                                    <td class="num">{move || money(totals.closing_minor)}</td>
                                </tr>
                            </tfoot>
                        </table>
                    </div>
                }
                .into_any()
            }}
            <p class="statement-note">
                {move || td_string!(locale(), statement.generated, time = format_datetime(s.generated_at, locale())).to_string()}
            </p>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, amount_minor: i64, balance_after_minor: i64) -> TxRow {
        TxRow {
            id,
            booked_at: id,
            description: String::new(),
            counterparty: String::new(),
            category: "other".into(),
            amount_minor,
            balance_after_minor,
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_closing_balance_is_the_opening_plus_money_in_minus_money_out() {
        let rows = [row(1, 500_000, 600_000), row(2, -12_345, 587_655), row(3, -87_655, 500_000), row(4, 1, 500_001)];
        let totals = statement_totals(100_000, &rows);
        assert_eq!(totals.money_in_minor, 500_001);
        assert_eq!(totals.money_out_minor, 100_000);
        assert_eq!(totals.closing_minor, 500_001);
        assert_eq!(totals.closing_minor, rows.last().unwrap().balance_after_minor, "agrees with the running balance");
        assert_eq!(totals.count, 4);
        let empty = statement_totals(42, &[]);
        assert_eq!((empty.opening_minor, empty.closing_minor, empty.count), (42, 42, 0));
    }

    #[test]
    fn the_default_statement_is_last_months_and_only_offered_months_are_accepted() {
        let today = day(2026, 11, 24);
        assert_eq!(statement_month(None, today), Some(day(2026, 10, 1)));
        assert_eq!(statement_month(Some(""), today), Some(day(2026, 10, 1)));
        assert_eq!(statement_month(Some("2026-11"), today), Some(day(2026, 11, 1)), "this month so far");
        assert_eq!(statement_month(Some("2024-12"), today), Some(day(2024, 12, 1)), "23 months back");
        assert_eq!(statement_month(Some("2024-11"), today), None, "24 months back is too old");
        assert_eq!(statement_month(Some("2026-12"), today), None, "the future");
        assert_eq!(statement_month(Some("2026-13"), today), None);
        assert_eq!(statement_month(Some("Oct"), today), None);
        assert_eq!(statement_months(today).len(), 24);
    }

    #[test]
    fn a_period_is_the_whole_month_or_up_to_today() {
        let today = day(2026, 11, 24);
        assert_eq!(statement_period(day(2026, 2, 1), today), (day(2026, 2, 1), day(2026, 2, 28)));
        assert_eq!(statement_period(day(2026, 11, 1), today), (day(2026, 11, 1), today));
        assert_eq!(statement_period(day(2025, 12, 1), today), (day(2025, 12, 1), day(2025, 12, 31)));
    }
}
