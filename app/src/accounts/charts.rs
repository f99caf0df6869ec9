//! Money in and out per month (12 months) and spending by category for one month: drawn on the
//! server as SVG (no chart library), labelled, readable at 360 px, each with a table beside it
//! for screen readers and anyone who prefers numbers.

use crate::error::AppError;
use crate::format::format_money;
use crate::i18n::*;
use crate::money::{Currency, Money};
use chrono::{Datelike, Months, NaiveDate};
use leptos::prelude::*;
use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFlow {
    /// The month's first day.
    pub month: NaiveDate,
    pub in_minor: i64,
    pub out_minor: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charts {
    pub currency: Currency,
    pub months: Vec<MonthFlow>,
    /// The month the category breakdown is for, and its spending per category (largest first).
    pub month: NaiveDate,
    pub categories: Vec<(String, i64)>,
}

/// The first days of the 12 months ending with `today`'s, oldest first.
pub fn last_twelve_months(today: NaiveDate) -> Vec<NaiveDate> {
    let this = today.with_day(1).unwrap_or(today);
    (0..12u32).rev().filter_map(|back| this.checked_sub_months(Months::new(back))).collect()
}

/// A round number at or above `value` for the top of an axis: 1, 2 or 5 times a power of ten.
pub fn nice_ceiling(value: i64) -> i64 {
    if value <= 0 {
        return 1;
    }
    let mut power = 1i64;
    while power.saturating_mul(10) <= value {
        power *= 10;
    }
    [1, 2, 5, 10].iter().map(|m| m * power).find(|v| *v >= value).unwrap_or(10 * power)
}

/// A month ("2026-11") from the URL, if it is one of the 12 shown.
pub fn chosen_month(text: Option<&str>, today: NaiveDate) -> NaiveDate {
    let months = last_twelve_months(today);
    text.and_then(|t| NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").ok())
        .filter(|m| months.contains(m))
        .unwrap_or_else(|| months.last().copied().unwrap_or(today))
}

#[server(endpoint = "accounts/charts")]
pub async fn account_charts(account_id: i64, month: Option<String>) -> Result<Charts, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    let account = super::own_account(&state.pool, customer_id, account_id).await?.ok_or(AppError::NotFound)?;
    let today = super::china_today(state.now());
    let month = chosen_month(month.as_deref(), today);
    let months = last_twelve_months(today);
    let flows = super::service::monthly_flows(&state.pool, account_id, &months).await.map_err(AppError::internal)?;
    let categories =
        super::service::spending_by_category(&state.pool, account_id, month).await.map_err(AppError::internal)?;
    Ok(Charts { currency: account.currency, months: flows, month, categories })
}

fn month_label(month: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::zh_CN => format!("{}月", month.month()),
        Locale::en => ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            [month.month0() as usize]
            .to_owned(),
    }
}

fn month_long(month: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::zh_CN => format!("{}年{}月", month.year(), month.month()),
        Locale::en => format!("{} {}", month_label(month, locale), month.year()),
    }
}

/// Grouped bars: money in and out for each of the 12 months.
#[component]
fn FlowChart(charts: Charts) -> impl IntoView {
    let i18n = use_i18n();
    let currency = charts.currency;
    let top = nice_ceiling(charts.months.iter().map(|m| m.in_minor.max(m.out_minor)).max().unwrap_or(0));
    let (width, height, left, bottom) = (360.0_f64, 200.0_f64, 4.0_f64, 22.0_f64);
    let slot = (width - left) / 12.0;
    let bar = slot * 0.36;
    let scale = move |v: i64| (v as f64 / top as f64) * (height - bottom - 14.0);
    let months = charts.months.clone();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {width} {height}") role="img" aria-labelledby="flow-title flow-desc" class="chart-svg">
                <title id="flow-title">{tr!(i18n, charts.flow_title)}</title>
                <desc id="flow-desc">{move || td_string!(i18n.get_locale(), charts.flow_desc, top = format_money(Money::new(top, currency), i18n.get_locale())).to_string()}</desc>
                <line x1=left y1=height - bottom x2=width y2=height - bottom class="axis" />
                <text x=left y="10" class="axis-label">{move || format_money(Money::new(top, currency), i18n.get_locale())}</text>
                {months
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        let x = left + slot * i as f64 + slot * 0.12;
                        let (hin, hout) = (scale(m.in_minor), scale(m.out_minor));
                        let month = m.month;
                        view! {
                            <rect x=x y=height - bottom - hin width=bar height=hin class="bar-in" />
                            <rect x=x + bar y=height - bottom - hout width=bar height=hout class="bar-out" />
                            <text x=x + bar y=height - 6.0 text-anchor="middle" class="axis-label">{move || month_label(month, i18n.get_locale())}</text>
                        }
                    })
                    .collect_view()}
            </svg>
            <figcaption class="legend">
                <span class="key key-in" aria-hidden="true"></span> {tr!(i18n, charts.money_in)}
                " "
                <span class="key key-out" aria-hidden="true"></span> {tr!(i18n, charts.money_out)}
            </figcaption>
        </figure>
        <details class="chart-table">
            <summary>{tr!(i18n, charts.as_table)}</summary>
            <div class="table-scroll" role="region" aria-labelledby="flow-caption" tabindex="0">
                <table>
                    <caption id="flow-caption">{tr!(i18n, charts.flow_title)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{tr!(i18n, charts.month)}</th>
                            <th scope="col" class="num">{tr!(i18n, charts.money_in)}</th>
                            <th scope="col" class="num">{tr!(i18n, charts.money_out)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {charts
                            .months
                            .into_iter()
                            .map(|m| view! {
                                <tr>
                                    <th scope="row">{move || month_long(m.month, i18n.get_locale())}</th>
                                    <td class="num">{move || format_money(Money::new(m.in_minor, currency), i18n.get_locale())}</td>
                                    <td class="num">{move || format_money(Money::new(m.out_minor, currency), i18n.get_locale())}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}

/// Horizontal bars: the chosen month's spending per category, with the amounts written out.
#[component]
fn CategoryChart(charts: Charts, account_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let currency = charts.currency;
    let total: i64 = charts.categories.iter().map(|(_, v)| v).sum();
    let top = charts.categories.first().map_or(1, |(_, v)| (*v).max(1));
    let chosen = charts.month;
    let rows = charts.categories.clone();
    let row_h = 30.0_f64;
    let height = (rows.len().max(1) as f64) * row_h;
    view! {
        <form class="month-pick" method="get" action=format!("/accounts/{account_id}")>
            <label for="chart-month">{tr!(i18n, charts.month)}</label>
            <select id="chart-month" name="month">
                {charts
                    .months
                    .iter()
                    .rev()
                    .map(|m| {
                        let value = m.month.format("%Y-%m").to_string();
                        let month = m.month;
                        view! { <option value=value selected=m.month == chosen>{move || month_long(month, i18n.get_locale())}</option> }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="button">{tr!(i18n, charts.show)}</button>
        </form>
        {if rows.is_empty() {
            view! { <p class="empty">{tr!(i18n, charts.no_spending)}</p> }.into_any()
        } else {
            view! {
                <figure class="chart">
                    <svg viewBox=format!("0 0 360 {height}") role="img" aria-labelledby="cat-title" class="chart-svg">
                        <title id="cat-title">
                            {move || td_string!(i18n.get_locale(), charts.category_title, month = month_long(chosen, i18n.get_locale()), total = format_money(Money::new(total, currency), i18n.get_locale())).to_string()}
                        </title>
                        {rows
                            .iter()
                            .enumerate()
                            .map(|(i, (category, value))| {
                                let y = i as f64 * row_h;
                                let w = (*value as f64 / top as f64) * 150.0;
                                let (category, value) = (category.clone(), *value);
                                view! {
                                    <text x="0" y=y + 19.0 class="bar-label">{move || super::detail::category_name(&category, i18n.get_locale())}</text>
                                    <rect x="100" y=y + 6.0 width=w.max(1.0) height="18" class="bar-out" />
                                    <text x=104.0 + w y=y + 19.0 class="bar-value">{move || format_money(Money::new(value, currency), i18n.get_locale())}</text>
                                }
                            })
                            .collect_view()}
                    </svg>
                </figure>
                <details class="chart-table">
                    <summary>{tr!(i18n, charts.as_table)}</summary>
                    <div class="table-scroll" role="region" aria-labelledby="category-caption" tabindex="0">
                        <table>
                            <caption id="category-caption">{move || month_long(chosen, i18n.get_locale())}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{tr!(i18n, accounts.category)}</th>
                                    <th scope="col" class="num">{tr!(i18n, charts.money_out)}</th>
                                    <th scope="col" class="num">{tr!(i18n, charts.share)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|(category, value)| view! {
                                        <tr>
                                            <th scope="row">{move || super::detail::category_name(&category, i18n.get_locale())}</th>
                                            <td class="num">{move || format_money(Money::new(value, currency), i18n.get_locale())}</td>
                                            <td class="num">{format!("{:.0}%", value as f64 * 100.0 / total.max(1) as f64)}</td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                </details>
            }
            .into_any()
        }}
    }
}

/// Both charts for an account.
#[component]
pub fn AccountCharts(charts: Charts, account_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page" aria-labelledby="charts-heading">
            <h2 id="charts-heading">{tr!(i18n, charts.heading)}</h2>
            <FlowChart charts=charts.clone() />
            <h3>{tr!(i18n, charts.by_category)}</h3>
            <CategoryChart charts account_id />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn twelve_months_end_with_this_one() {
        let months = last_twelve_months(d("2026-11-22"));
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], d("2025-12-01"));
        assert_eq!(months[11], d("2026-11-01"));
    }

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(nice_ceiling(0), 1);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(1_234_500), 2_000_000);
        assert_eq!(nice_ceiling(5_000_000), 5_000_000);
        assert_eq!(nice_ceiling(5_000_001), 10_000_000);
    }

    #[test]
    fn only_a_shown_month_can_be_chosen() {
        let today = d("2026-11-22");
        assert_eq!(chosen_month(Some("2026-03"), today), d("2026-03-01"));
        assert_eq!(chosen_month(Some("2020-03"), today), d("2026-11-01"));
        assert_eq!(chosen_month(Some("junk"), today), d("2026-11-01"));
        assert_eq!(chosen_month(None, today), d("2026-11-01"));
    }
}
