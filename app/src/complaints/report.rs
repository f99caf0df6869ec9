//! The supervisors' complaints and satisfaction report (`/staff/complaints/report?week=…`), per
//! week: for the complaints received that week, by category, how many came in, how many were
//! decided within 15, 30 and 60 days (calendar days from receipt to the first decision), the
//! median days to a decision and the average rating; for every category, what is overdue now and
//! the oldest still open; and per branch the week's complaints about visits there and the ratings
//! of the week's visits (the average of each question and the share of low ones). A table, a bar chart and a CSV file
//! (`/staff/complaints/report.csv?week=…`) of the same figures.
//!
//! The figures are pure functions of the rows (`figures`, unit-tested); `ssr` reads the rows.

use super::pages::category_name;
use super::rules;
use crate::appointments::Names;
use crate::error::AppError;
use crate::format::format_date;
use crate::i18n::*;
use crate::layout::PageTitle;
use crate::resource::settled;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

/// A complaint received in the week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    pub category: String,
    pub received_on: NaiveDate,
    /// The first decision's day, once decided.
    pub decided_on: Option<NaiveDate>,
    pub rating: Option<u8>,
    /// The branch of the visit it is about, if any.
    pub branch: Option<String>,
}

/// A complaint still open now (any week).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Open {
    pub category: String,
    pub received_on: NaiveDate,
    pub overdue: bool,
}

/// A rating of a visit in the week, at a branch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rated {
    pub branch: String,
    pub scores: [u8; 3],
}

/// One category's figures. Averages and medians are in tenths (`42` is 4.2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryFigures {
    pub category: String,
    pub received: u32,
    pub within_15: u32,
    pub within_30: u32,
    pub within_60: u32,
    pub median_days_tenths: Option<u32>,
    pub rating_tenths: Option<u32>,
    pub overdue_now: u32,
    pub oldest_open: Option<NaiveDate>,
}

/// One branch's visit ratings in the week. Averages in tenths; the low share in whole percent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchFigures {
    pub code: String,
    pub name: Names,
    /// Complaints received in the week about a visit there.
    pub complaints: u32,
    pub ratings: u32,
    /// Waiting time, staff attitude, handling.
    pub average_tenths: [Option<u32>; 3],
    /// Ratings with 1 or 2 on any question.
    pub low_percent: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintReport {
    pub monday: NaiveDate,
    pub categories: Vec<CategoryFigures>,
    pub branches: Vec<BranchFigures>,
}

/// The middle value in tenths (the mean of the two middle ones for an even count); `None` for none.
pub fn median_tenths(values: &mut [u32]) -> Option<u32> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2] * 10),
        _ => Some((values[n / 2 - 1] + values[n / 2]) * 5),
    }
}

/// The mean in tenths, rounded half up; `None` for none.
pub fn mean_tenths(sum: u32, count: u32) -> Option<u32> {
    (count > 0).then(|| (sum * 100 / count + 5) / 10)
}

/// Tenths as text: `42` → "4.2".
pub fn tenths_text(tenths: Option<u32>) -> String {
    tenths.map(|t| format!("{}.{}", t / 10, t % 10)).unwrap_or_else(|| "–".to_owned())
}

/// Every category's figures (all nine, in the form's order), and every branch's ratings (in
/// `branches`' order).
pub fn figures(
    received: &[Received],
    open: &[Open],
    rated: &[Rated],
    branches: &[(String, Names)],
) -> (Vec<CategoryFigures>, Vec<BranchFigures>) {
    let categories = rules::CATEGORIES
        .iter()
        .map(|category| {
            let mine: Vec<&Received> = received.iter().filter(|r| r.category == *category).collect();
            let mut days: Vec<u32> = mine
                .iter()
                .filter_map(|r| r.decided_on.map(|d| u32::try_from((d - r.received_on).num_days()).unwrap_or(0)))
                .collect();
            let within = |limit: u32| u32::try_from(days.iter().filter(|d| **d <= limit).count()).unwrap_or(0);
            let (within_15, within_30, within_60) = (within(15), within(30), within(60));
            let ratings: Vec<u32> = mine.iter().filter_map(|r| r.rating.map(u32::from)).collect();
            let still_open: Vec<&Open> = open.iter().filter(|o| o.category == *category).collect();
            CategoryFigures {
                category: (*category).to_owned(),
                received: u32::try_from(mine.len()).unwrap_or(0),
                within_15,
                within_30,
                within_60,
                median_days_tenths: median_tenths(&mut days),
                rating_tenths: mean_tenths(ratings.iter().sum(), u32::try_from(ratings.len()).unwrap_or(0)),
                overdue_now: u32::try_from(still_open.iter().filter(|o| o.overdue).count()).unwrap_or(0),
                oldest_open: still_open.iter().map(|o| o.received_on).min(),
            }
        })
        .collect();
    let branches = branches
        .iter()
        .map(|(code, name)| {
            let mine: Vec<&Rated> = rated.iter().filter(|r| r.branch == *code).collect();
            let count = u32::try_from(mine.len()).unwrap_or(0);
            let average = |q: usize| mean_tenths(mine.iter().map(|r| u32::from(r.scores[q])).sum(), count);
            let low =
                mine.iter().filter(|r| r.scores.iter().any(|s| *s <= crate::appointments::rating::LOW_SCORE)).count();
            BranchFigures {
                code: code.clone(),
                name: name.clone(),
                complaints: u32::try_from(received.iter().filter(|r| r.branch.as_ref() == Some(code)).count())
                    .unwrap_or(0),
                ratings: count,
                average_tenths: [average(0), average(1), average(2)],
                low_percent: (count > 0).then(|| (u32::try_from(low).unwrap_or(0) * 200 / count).div_ceil(2)),
            }
        })
        .collect();
    (categories, branches)
}

/// The week's report, for supervisors: the week starting on the Monday of `week` (a date; this
/// week by default).
#[server(endpoint = "staff/complaints/report")]
pub async fn load_complaint_report(week: Option<String>) -> Result<ComplaintReport, AppError> {
    let (state, _who) = crate::guard::require_staff(&[crate::auth::Role::Supervisor]).await?;
    let today = crate::accounts::china_today(state.now());
    ssr::report(&state.pool, week_of(week.as_deref(), today)?, today).await.map_err(AppError::internal)
}

/// The Monday of the week that `week` (a date, or nothing for today) falls in.
#[cfg(feature = "ssr")]
fn week_of(week: Option<&str>, today: NaiveDate) -> Result<NaiveDate, AppError> {
    use chrono::Datelike;
    let day = match week.filter(|d| !d.is_empty()) {
        Some(text) => text
            .parse::<NaiveDate>()
            .map_err(|_| AppError::Invalid { field: "week".into(), problem: "not_a_date".into() })?,
        None => today,
    };
    // A year the bank has figures for (and whose week's end is still a date).
    if !(2000..=2100).contains(&day.year()) {
        return Err(AppError::Invalid { field: "week".into(), problem: "out_of_range".into() });
    }
    Ok(crate::appointments::rules::week_start(day))
}

/// The report as a CSV file (both tables, one after the other), in the reader's language.
#[cfg(feature = "ssr")]
pub fn csv(report: &ComplaintReport, locale: Locale) -> String {
    use crate::accounts::export::field;
    let mut out = String::from("\u{feff}");
    let mut line = |cells: Vec<String>| {
        out.push_str(&cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    };
    let week = format!("{} – {}", report.monday, report.monday + chrono::Duration::days(6));
    line(vec![td_string!(locale, complaint_report.title).to_string(), week]);
    line(
        [
            td_string!(locale, complaint_report.col_category),
            td_string!(locale, complaint_report.col_received),
            td_string!(locale, complaint_report.col_within_15),
            td_string!(locale, complaint_report.col_within_30),
            td_string!(locale, complaint_report.col_within_60),
            td_string!(locale, complaint_report.col_median),
            td_string!(locale, complaint_report.col_rating),
            td_string!(locale, complaint_report.col_overdue),
            td_string!(locale, complaint_report.col_oldest),
        ]
        .iter()
        .map(ToString::to_string)
        .collect(),
    );
    for c in &report.categories {
        line(vec![
            category_name(&c.category, locale),
            c.received.to_string(),
            c.within_15.to_string(),
            c.within_30.to_string(),
            c.within_60.to_string(),
            tenths_text(c.median_days_tenths),
            tenths_text(c.rating_tenths),
            c.overdue_now.to_string(),
            c.oldest_open.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }
    line(Vec::new());
    line(
        [
            td_string!(locale, complaint_report.col_branch),
            td_string!(locale, complaint_report.col_branch_complaints),
            td_string!(locale, complaint_report.col_ratings),
            td_string!(locale, rating.waiting),
            td_string!(locale, rating.attitude),
            td_string!(locale, rating.handling),
            td_string!(locale, complaint_report.col_low),
        ]
        .iter()
        .map(ToString::to_string)
        .collect(),
    );
    for b in &report.branches {
        line(vec![
            b.name.get(locale).to_owned(),
            b.complaints.to_string(),
            b.ratings.to_string(),
            tenths_text(b.average_tenths[0]),
            tenths_text(b.average_tenths[1]),
            tenths_text(b.average_tenths[2]),
            b.low_percent.map(|p| format!("{p}%")).unwrap_or_default(),
        ]);
    }
    out
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{ComplaintReport, Open, Rated, Received};
    use crate::appointments::Names;
    use chrono::NaiveDate;
    use sqlx::AnyPool;

    /// The rows behind the week starting `monday`, and its figures.
    pub async fn report(pool: &AnyPool, monday: NaiveDate, today: NaiveDate) -> Result<ComplaintReport, sqlx::Error> {
        let sunday = monday + chrono::Duration::days(6);
        #[derive(sqlx::FromRow)]
        struct Row {
            category: String,
            received_on: String,
            decided_on: Option<String>,
            rating: Option<i64>,
            branch: Option<String>,
        }
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT c.category, c.received_on, d.decided_on, c.rating, b.code AS branch FROM complaints c \
             LEFT JOIN complaint_decisions d ON d.complaint_id = c.id AND d.round = 'first' \
             LEFT JOIN appointments a ON a.id = c.appointment_id LEFT JOIN branches b ON b.id = a.branch_id \
             WHERE c.kind = 'complaint' AND c.received_on BETWEEN $1 AND $2",
        )
        .bind(monday.to_string())
        .bind(sunday.to_string())
        .fetch_all(pool)
        .await?;
        let received: Vec<Received> = rows
            .into_iter()
            .filter_map(|r| {
                Some(Received {
                    category: r.category,
                    received_on: r.received_on.parse().ok()?,
                    decided_on: r.decided_on.and_then(|d| d.parse().ok()),
                    rating: r.rating.and_then(|r| u8::try_from(r).ok()),
                    branch: r.branch,
                })
            })
            .collect();
        let open: Vec<Open> = crate::complaints::service::open_complaints(pool, today)
            .await?
            .into_iter()
            .filter(|s| s.kind == "complaint")
            .map(|s| Open {
                overdue: matches!(s.urgency, Some(crate::complaints::rules::Urgency::Overdue { .. })),
                category: s.category,
                received_on: s.received_on,
            })
            .collect();
        let from = crate::accounts::service::china_midnight(monday);
        let scores: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT b.code, r.waiting, r.attitude, r.handling FROM visit_ratings r \
             JOIN appointments a ON a.id = r.appointment_id JOIN branches b ON b.id = a.branch_id \
             WHERE a.starts_at >= $1 AND a.starts_at < $2",
        )
        .bind(from)
        .bind(from + 7 * 86_400)
        .fetch_all(pool)
        .await?;
        let score = |s: i64| u8::try_from(s).unwrap_or(0);
        let rated: Vec<Rated> = scores
            .into_iter()
            .map(|(branch, w, a, h)| Rated { branch, scores: [score(w), score(a), score(h)] })
            .collect();
        let branches: Vec<(String, String, String)> =
            sqlx::query_as("SELECT code, name_zh, name_en FROM branches ORDER BY code").fetch_all(pool).await?;
        let branches: Vec<(String, Names)> =
            branches.into_iter().map(|(code, zh, en)| (code, Names { zh, en })).collect();
        let (categories, branches) = super::figures(&received, &open, &rated, &branches);
        Ok(ComplaintReport { monday, categories, branches })
    }

    /// The report as a CSV download for the signed-in supervisor: its name and body, and the
    /// cookies a renewed session sets.
    pub async fn export(
        state: &crate::state::AppState,
        parts: &http::request::Parts,
        week: Option<&str>,
        locale: crate::i18n::Locale,
    ) -> Result<(String, String, Vec<http::HeaderValue>), crate::error::AppError> {
        use crate::error::AppError;
        let (who, cookies) = crate::guard::session_of(state, parts).await?;
        let who = who.ok_or(AppError::Unauthenticated)?;
        if who.role != crate::auth::Role::Supervisor {
            return Err(AppError::Forbidden);
        }
        let today = crate::accounts::china_today(state.now());
        let monday = super::week_of(week, today)?;
        let report = report(&state.pool, monday, today).await.map_err(AppError::internal)?;
        Ok((format!("complaints-{monday}.csv"), super::csv(&report, locale), cookies))
    }
}

/// A horizontal bar per category: the complaints received in the week.
#[component]
fn ReceivedChart(categories: Vec<CategoryFigures>) -> impl IntoView {
    let i18n = use_i18n();
    let most = categories.iter().map(|c| c.received).max().unwrap_or(0).max(1);
    let (label_width, bar_width, row) = (150u32, 300u32, 28u32);
    let height = row * u32::try_from(categories.len()).unwrap_or(0) + 8;
    let summary = {
        let categories = categories.clone();
        move || {
            let l = i18n.get_locale();
            let parts: Vec<String> =
                categories.iter().map(|c| format!("{} {}", category_name(&c.category, l), c.received)).collect();
            td_string!(l, complaint_report.chart_label, figures = parts.join(", ")).to_string()
        }
    };
    view! {
        <figure class="chart">
            <svg
                class="chart-svg"
                role="img"
                aria-label=summary
                viewBox=format!("0 0 {} {height}", label_width + bar_width + 40)
            >
                {categories
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let y = u32::try_from(i).unwrap_or(0) * row + 4;
                        let width = c.received * bar_width / most;
                        let category = c.category.clone();
                        view! {
                            <g>
                                <text x={label_width - 8} y={y + 17} text-anchor="end" class="bar-label">
                                    {move || category_name(&category, i18n.get_locale())}
                                </text>
                                <rect x=label_width y={y + 4} width=width height={row - 10} class="bar-in" />
                                <text x={label_width + width + 6} y={y + 17} class="bar-value">{c.received}</text>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
            <figcaption>{tr!(i18n, complaint_report.chart_caption)}</figcaption>
        </figure>
    }
}

/// `/staff/complaints/report?week=…`.
#[component]
pub fn ComplaintReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let report = crate::resource::blocking(move || query.with(|q| q.get("week")), load_complaint_report);
    let locale = move || i18n.get_locale();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, complaint_report.title).to_string()) />
        <section class="page">
            <p><a href="/staff/home">{tr!(i18n, branch.back)}</a></p>
            <h1>{tr!(i18n, complaint_report.title)}</h1>
            <Transition fallback=crate::layout::loading>
                {move || Suspend::new(async move {
                    match settled(report.await).await {
                        Ok(r) => {
                            let monday = r.monday;
                            let prev = (monday - chrono::Duration::days(7)).to_string();
                            let next = (monday + chrono::Duration::days(7)).to_string();
                            let caption = move || {
                                let l = locale();
                                let (from, to) = (format_date(monday, l), format_date(monday + chrono::Duration::days(6), l));
                                td_string!(l, branch.week_caption, from = from, to = to).to_string()
                            };
                            let caption2 = caption;
                            let none_received = r.categories.iter().all(|c| c.received == 0);
                            view! {
                                <p class="filter-actions">
                                    <a class="button" href=format!("/staff/complaints/report?week={prev}")>{tr!(i18n, branch.prev_week)}</a>
                                    <a class="button" href=format!("/staff/complaints/report?week={next}")>{tr!(i18n, branch.next_week)}</a>
                                    <a class="button" rel="external" download="" href=format!("/staff/complaints/report.csv?week={monday}")>
                                        {tr!(i18n, complaint_report.csv)}
                                    </a>
                                </p>
                                <p class="hint">{tr!(i18n, complaint_report.lead)}</p>
                                <h2 id="by-category">{tr!(i18n, complaint_report.by_category)}</h2>
                                {if none_received {
                                    view! { <p class="empty">{tr!(i18n, complaint_report.none_received)}</p> }.into_any()
                                } else {
                                    view! { <ReceivedChart categories=r.categories.clone() /> }.into_any()
                                }}
                                // Wider than a phone: the region scrolls, by keyboard too.
                                <div class="table-scroll" role="region" aria-labelledby="by-category" tabindex="0">
                                    <table>
                                        <caption>{caption}</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">{tr!(i18n, complaint_report.col_category)}</th>
                                                <th scope="col" class="num">{tr!(i18n, complaint_report.col_received)}</th>
                                                <th scope="col" class="num">{tr!(i18n, complaint_report.col_within_15)}</th>
                                                <th scope="col" class="num">{tr!(i18n, complaint_report.col_within_30)}</th>
                                                <th scope="col" class="num">{tr!(i18n, complaint_report.col_within_60)}</th>
                                                <th scope="col" class="num">{tr!(i18n, complaint_report.col_median)}</th>
                                                <th scope="col" class="num">{tr!(i18n, complaint_report.col_rating)}</th>
                                                <th scope="col" class="num">{tr!(i18n, complaint_report.col_overdue)}</th>
                                                <th scope="col">{tr!(i18n, complaint_report.col_oldest)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {r.categories.into_iter().map(|c| {
                                                let category = c.category.clone();
                                                view! {
                                                    <tr class:overdue-row={c.overdue_now > 0}>
                                                        <th scope="row">{move || category_name(&category, locale())}</th>
                                                        <td class="num">{c.received}</td>
                                                        <td class="num">{c.within_15}</td>
                                                        <td class="num">{c.within_30}</td>
                                                        <td class="num">{c.within_60}</td>
                                                        <td class="num">{tenths_text(c.median_days_tenths)}</td>
                                                        <td class="num">{tenths_text(c.rating_tenths)}</td>
                                                        <td class="num">{c.overdue_now}</td>
                                                        <td>{move || c.oldest_open.map(|d| format_date(d, locale())).unwrap_or_else(|| "–".to_owned())}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <h2 id="by-branch">{tr!(i18n, complaint_report.by_branch)}</h2>
                                // Wider than a phone: the region scrolls, by keyboard too.
                                <div class="table-scroll" role="region" aria-labelledby="by-branch" tabindex="0">
                                    <table>
                                        <caption>{caption2}</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">{tr!(i18n, complaint_report.col_branch)}</th>
                                                <th scope="col" class="num">{tr!(i18n, complaint_report.col_branch_complaints)}</th>
                                                <th scope="col" class="num">{tr!(i18n, complaint_report.col_ratings)}</th>
                                                <th scope="col" class="num">{tr!(i18n, rating.waiting)}</th>
                                                <th scope="col" class="num">{tr!(i18n, rating.attitude)}</th>
                                                <th scope="col" class="num">{tr!(i18n, rating.handling)}</th>
                                                <th scope="col" class="num">{tr!(i18n, complaint_report.col_low)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {r.branches.into_iter().map(|b| {
                                                let name = b.name.clone();
                                                view! {
                                                    <tr>
                                                        <th scope="row">{move || name.get(locale()).to_owned()}</th>
                                                        <td class="num">{b.complaints}</td>
                                                        <td class="num">{b.ratings}</td>
                                                        <td class="num">{tenths_text(b.average_tenths[0])}</td>
                                                        <td class="num">{tenths_text(b.average_tenths[1])}</td>
                                                        <td class="num">{tenths_text(b.average_tenths[2])}</td>
                                                        <td class="num">{b.low_percent.map(|p| format!("{p}%")).unwrap_or_else(|| "–".to_owned())}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                            .into_any()
                        }
                        Err(AppError::Invalid { .. }) => view! { <p class="error-box" role="alert">{tr!(i18n, branch.bad_day)}</p> }.into_any(),
                        Err(_) => crate::layout::failed().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn received(category: &str, on: NaiveDate, decided_after: Option<i64>, rating: Option<u8>) -> Received {
        Received {
            category: category.into(),
            received_on: on,
            decided_on: decided_after.map(|n| on + chrono::Duration::days(n)),
            rating,
            branch: None,
        }
    }

    #[test]
    fn medians_and_means_in_tenths() {
        assert_eq!(median_tenths(&mut []), None);
        assert_eq!(median_tenths(&mut [7]), Some(70));
        assert_eq!(median_tenths(&mut [9, 1, 4]), Some(40));
        assert_eq!(median_tenths(&mut [10, 1, 4, 7]), Some(55));
        assert_eq!(mean_tenths(0, 0), None);
        assert_eq!(mean_tenths(9, 2), Some(45));
        assert_eq!(mean_tenths(10, 3), Some(33));
        assert_eq!(mean_tenths(11, 3), Some(37), "3.666… rounds to 3.7");
        assert_eq!(tenths_text(Some(45)), "4.5");
        assert_eq!(tenths_text(None), "–");
    }

    #[test]
    fn a_category_counts_decisions_at_the_15_30_60_day_edges() {
        let monday = d(2026, 11, 30);
        let rows = vec![
            received("fees", monday, Some(15), Some(4)),
            received("fees", monday, Some(16), None),
            received("fees", monday, Some(30), Some(1)),
            received("fees", monday, Some(61), None),
            received("fees", monday, None, None),
            received("cards", monday, Some(3), Some(5)),
        ];
        let open = vec![
            Open { category: "fees".into(), received_on: d(2026, 10, 1), overdue: true },
            Open { category: "fees".into(), received_on: d(2026, 11, 30), overdue: false },
        ];
        let (categories, _) = figures(&rows, &open, &[], &[]);
        assert_eq!(categories.len(), rules::CATEGORIES.len());
        let fees = categories.iter().find(|c| c.category == "fees").unwrap();
        assert_eq!((fees.received, fees.within_15, fees.within_30, fees.within_60), (5, 1, 3, 3));
        assert_eq!(fees.median_days_tenths, Some(230), "of 15, 16, 30 and 61 days");
        assert_eq!(fees.rating_tenths, Some(25));
        assert_eq!((fees.overdue_now, fees.oldest_open), (1, Some(d(2026, 10, 1))));
        let cards = categories.iter().find(|c| c.category == "cards").unwrap();
        assert_eq!((cards.received, cards.within_15, cards.median_days_tenths), (1, 1, Some(30)));
        let loans = categories.iter().find(|c| c.category == "loans").unwrap();
        assert_eq!(loans, &CategoryFigures { category: "loans".into(), ..CategoryFigures::default() });
    }

    #[test]
    fn a_branch_averages_each_question_and_counts_low_ratings() {
        let names = |zh: &str| Names { zh: zh.into(), en: zh.into() };
        let branches = vec![("B001".to_owned(), names("一")), ("B002".to_owned(), names("二"))];
        let rated = vec![
            Rated { branch: "B001".into(), scores: [5, 4, 3] },
            Rated { branch: "B001".into(), scores: [2, 5, 5] },
            Rated { branch: "B001".into(), scores: [3, 3, 3] },
        ];
        let about_b002 =
            Received { branch: Some("B002".into()), ..received("waiting_time", d(2026, 11, 30), None, None) };
        let (_, figures) = figures(&[about_b002], &[], &rated, &branches);
        assert_eq!((figures[0].complaints, figures[1].complaints), (0, 1));
        assert_eq!(figures[0].ratings, 3);
        assert_eq!(figures[0].average_tenths, [Some(33), Some(40), Some(37)]);
        assert_eq!(figures[0].low_percent, Some(33), "one of three");
        assert_eq!((figures[1].ratings, figures[1].average_tenths, figures[1].low_percent), (0, [None; 3], None));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_csv_has_both_tables_in_the_readers_language() {
        let (categories, branches) = figures(
            &[received("fees", d(2026, 11, 30), Some(5), Some(4))],
            &[],
            &[Rated { branch: "B001".into(), scores: [1, 2, 3] }],
            &[("B001".into(), Names { zh: "陆家嘴支行".into(), en: "Lujiazui".into() })],
        );
        let report = ComplaintReport { monday: d(2026, 11, 30), categories, branches };
        let zh = csv(&report, Locale::zh_CN);
        assert!(zh.starts_with('\u{feff}'));
        assert!(zh.contains("收费,1,1,1,1,5.0,4.0,0,\r\n"), "{zh}");
        assert!(zh.contains("陆家嘴支行,0,1,1.0,2.0,3.0,100%\r\n"), "{zh}");
        let en = csv(&report, Locale::en);
        assert!(en.contains("Lujiazui,0,1,"), "{en}");
    }
}
