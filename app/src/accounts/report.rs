//! "Report a problem with this transaction": the customer's error notice, filed as a complaint
//! about the transaction (`complaints`), so it gets a reference, an acknowledgement, a handler
//! and a deadline like any other; a second report while the first is open joins it. The customer
//! is told the 15-day window within which the bank accepts such notices (later ones are accepted
//! but flagged for the handler). The form is kept as a draft across an idle sign-out, and it is
//! posted (never put in the address bar), with or without WASM.

use super::TxRow;
use crate::error::AppError;
use crate::format::{format_date, format_datetime, format_signed_money};
use crate::i18n::*;
use crate::layout::PageTitle;
use crate::money::{Currency, Money};
use crate::resource::settled;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

pub const REASONS: [&str; 4] = ["not_mine", "wrong_amount", "duplicate", "other"];
pub const DETAILS_MIN: usize = 10;
pub const DETAILS_MAX: usize = 1000;

/// What is wrong with a report before it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportProblem {
    MissingReason,
    DetailsTooShort,
    DetailsTooLong,
}

pub fn check_report(reason: &str, details: &str) -> Vec<ReportProblem> {
    let mut problems = Vec::new();
    if !REASONS.contains(&reason) {
        problems.push(ReportProblem::MissingReason);
    }
    let len = details.trim().chars().count();
    if len < DETAILS_MIN {
        problems.push(ReportProblem::DetailsTooShort);
    } else if len > DETAILS_MAX {
        problems.push(ReportProblem::DetailsTooLong);
    }
    problems
}

/// The transaction a report is about, as the form shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedTransaction {
    pub tx: TxRow,
    pub currency: Currency,
    pub account_name: String,
    /// An earlier report of this transaction, if any.
    pub existing: Option<ReportReceipt>,
}

/// What the customer gets back: the complaint the report is (or joined).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportReceipt {
    pub complaint_id: i64,
    pub reference: String,
    /// Joined the open complaint about the same transaction.
    pub merged: bool,
    pub transaction_date: NaiveDate,
    pub window_ends_on: NaiveDate,
    pub late: bool,
}

/// The transaction, if it is in one of the customer's accounts; `NotFound` otherwise.
#[server(endpoint = "accounts/transaction")]
pub async fn transaction_to_report(account_id: i64, transaction_id: i64) -> Result<ReportedTransaction, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    super::service::transaction_of(&state.pool, customer_id, account_id, transaction_id)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)
}

#[server(endpoint = "accounts/report")]
pub async fn report_transaction(
    account_id: i64,
    transaction_id: i64,
    reason: String,
    details: String,
) -> Result<ReportReceipt, AppError> {
    if let Some(problem) = check_report(&reason, &details).first() {
        let (field, problem) = match problem {
            ReportProblem::MissingReason => ("reason", "required"),
            ReportProblem::DetailsTooShort => ("details", "too_short"),
            ReportProblem::DetailsTooLong => ("details", "too_long"),
        };
        return Err(AppError::Invalid { field: field.into(), problem: problem.into() });
    }
    let (state, who, customer_id) = crate::guard::require_customer().await?;
    let now = state.now();
    let receipt = super::service::record_report(
        &state.pool,
        customer_id,
        account_id,
        transaction_id,
        &reason,
        details.trim(),
        super::china_today(now),
        now,
    )
    .await
    .map_err(AppError::internal)?
    .ok_or(AppError::NotFound)?;
    let filed = crate::complaints::Filed {
        id: receipt.complaint_id,
        reference: receipt.reference.clone(),
        merged: receipt.merged,
    };
    crate::complaints::service::acknowledge(&state, &who, &filed, now).await.map_err(AppError::internal)?;
    let detail = serde_json::json!({ "reference": receipt.reference, "transaction_id": transaction_id }).to_string();
    crate::audit::record(&state.pool, &who, "transaction_reported", now, &detail).await.map_err(AppError::internal)?;
    Ok(receipt)
}

fn reason_name(reason: &str, locale: Locale) -> String {
    match reason {
        "not_mine" => td_string!(locale, report.reason_not_mine),
        "wrong_amount" => td_string!(locale, report.reason_wrong_amount),
        "duplicate" => td_string!(locale, report.reason_duplicate),
        _ => td_string!(locale, report.reason_other),
    }
    .to_string()
}

#[component]
fn Receipt(receipt: ReportReceipt, account_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice" role="status">
            <p>
                {move || {
                    let l = i18n.get_locale();
                    if receipt.merged {
                        td_string!(l, report.merged, reference = receipt.reference.clone()).to_string()
                    } else {
                        td_string!(l, report.received, reference = receipt.reference.clone()).to_string()
                    }
                }}
            </p>
            <p>
                {move || {
                    let l = i18n.get_locale();
                    if receipt.late {
                        td_string!(l, report.window_late, date = format_date(receipt.window_ends_on, l)).to_string()
                    } else {
                        td_string!(l, report.window_ok, date = format_date(receipt.window_ends_on, l)).to_string()
                    }
                }}
            </p>
        </div>
        <p class="actions">
            <a class="button primary" href=format!("/complaints/{}", receipt.complaint_id)>{tr!(i18n, report.follow)}</a>
            <a class="button" href=format!("/accounts/{account_id}")>{tr!(i18n, report.back)}</a>
        </p>
    }
}

/// `/accounts/:id/transactions/:tx/report`.
#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = leptos_router::hooks::use_params_map();
    let ids = move || params.with(|p| Some((p.get("id")?.parse::<i64>().ok()?, p.get("tx")?.parse::<i64>().ok()?)));
    let subject = crate::resource::blocking(ids, |ids| async move {
        match ids {
            Some((account, tx)) => transaction_to_report(account, tx).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Transition fallback=move || view! { <p role="status">{tr!(i18n, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match (settled(subject.await).await, ids()) {
                    (Ok(subject), Some((account_id, tx_id))) => view! {
                        // Outside the form, which may be an island: a page's title is the server's.
                        <PageTitle text=Signal::derive(move || t_string!(i18n, report.title).to_string()) />
                        <ReportForm subject account_id tx_id />
                    }
                    .into_any(),
                    (Err(AppError::NotFound), _) | (_, None) => view! { <crate::layout::NotFound /> }.into_any(),
                    (Err(_), _) => view! { <p class="error-box" role="alert">{tr!(i18n, error.generic)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
fn ReportForm(subject: ReportedTransaction, account_id: i64, tx_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let details = RwSignal::new(String::new());
    let forget_draft =
        crate::form::keep_draft(format!("report:{tx_id}"), vec![("reason", reason), ("details", details)]);
    let problems = RwSignal::new(Vec::<ReportProblem>::new());
    let has = move |p: ReportProblem| problems.with(|ps| ps.contains(&p));
    let send = ServerAction::<ReportTransaction>::new();
    // Until the app is live (or without WASM) the browser posts the form to the server function
    // itself, which records the report and sends the browser back here, to the receipt; the
    // browser's own validation stands in for the messages below until then.
    let live = crate::form::hydrated();
    let post_to = crate::form::post_to::<ReportTransaction>();
    let receipt = move || send.value().get().and_then(Result::ok).or_else(|| subject.existing.clone());
    Effect::new(move |_| {
        if matches!(send.value().get(), Some(Ok(_))) {
            forget_draft();
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problems.set(check_report(&reason.get_untracked(), &details.get_untracked()));
        if problems.with_untracked(Vec::is_empty) {
            send.dispatch(ReportTransaction {
                account_id,
                transaction_id: tx_id,
                reason: reason.get_untracked(),
                details: details.get_untracked(),
            });
        }
    };
    let tx = subject.tx.clone();
    let currency = subject.currency;
    let count = move || details.with(|d| d.trim().chars().count());
    view! {
        <section class="page narrow">
            <p><a href=format!("/accounts/{account_id}")>{tr!(i18n, report.back)}</a></p>
            <h1>{tr!(i18n, report.title)}</h1>
            <dl class="figures">
                <div><dt>{tr!(i18n, report.account)}</dt><dd>{subject.account_name.clone()}</dd></div>
                <div><dt>{tr!(i18n, report.when)}</dt><dd>{move || format_datetime(tx.booked_at, i18n.get_locale())}</dd></div>
                <div><dt>{tr!(i18n, report.what)}</dt><dd>{subject.tx.description.clone()} " " {subject.tx.counterparty.clone()}</dd></div>
                <div><dt>{tr!(i18n, report.amount)}</dt><dd>{move || format_signed_money(Money::new(subject.tx.amount_minor, currency), i18n.get_locale())}</dd></div>
            </dl>
            {move || match receipt() {
                Some(receipt) => view! { <Receipt receipt account_id /> }.into_any(),
                None => view! {
                    <p class="lead">{tr!(i18n, report.lead)}</p>
                    <form class="form" method="post" action=post_to novalidate=live on:submit=on_submit>
                        <input type="hidden" name="account_id" value=account_id />
                        <input type="hidden" name="transaction_id" value=tx_id />
                        <fieldset aria-describedby=move || has(ReportProblem::MissingReason).then_some("reason-error")>
                            <legend>{tr!(i18n, report.reason)}</legend>
                            {REASONS
                                .iter()
                                .map(|r| {
                                    let id = format!("reason-{r}");
                                    view! {
                                        <div class="choice">
                                            <input
                                                type="radio"
                                                name="reason"
                                                id=id.clone()
                                                value=*r
                                                required
                                                prop:checked=move || reason.with(|v| v == r)
                                                on:change=move |_| reason.set((*r).to_owned())
                                            />
                                            <label for=id>{move || reason_name(r, i18n.get_locale())}</label>
                                        </div>
                                    }
                                })
                                .collect_view()}
                            <Show when=move || has(ReportProblem::MissingReason)>
                                <p class="error" id="reason-error">{tr!(i18n, report.reason_required)}</p>
                            </Show>
                        </fieldset>
                        <div class="field">
                            <label for="details">{tr!(i18n, report.details)}</label>
                            <p class="hint" id="details-hint">{tr!(i18n, report.details_hint)}</p>
                            <textarea
                                id="details"
                                name="details"
                                rows="6"
                                required
                                minlength=DETAILS_MIN
                                maxlength=DETAILS_MAX
                                aria-describedby=move || {
                                    if has(ReportProblem::DetailsTooShort) || has(ReportProblem::DetailsTooLong) {
                                        "details-hint details-count details-error"
                                    } else {
                                        "details-hint details-count"
                                    }
                                }
                                aria-invalid=move || (has(ReportProblem::DetailsTooShort) || has(ReportProblem::DetailsTooLong)).to_string()
                                prop:value=details
                                on:input=move |ev| details.set(event_target_value(&ev))
                            ></textarea>
                            <p class="hint" id="details-count">
                                {move || td_string!(i18n.get_locale(), report.count, n = count(), max = DETAILS_MAX).to_string()}
                            </p>
                            <Show when=move || has(ReportProblem::DetailsTooShort) || has(ReportProblem::DetailsTooLong)>
                                <p class="error" id="details-error">
                                    {move || if has(ReportProblem::DetailsTooLong) {
                                        td_string!(i18n.get_locale(), report.details_too_long, max = DETAILS_MAX).to_string()
                                    } else {
                                        td_string!(i18n.get_locale(), report.details_too_short, min = DETAILS_MIN).to_string()
                                    }}
                                </p>
                            </Show>
                        </div>
                        <p role="alert" class="error-box">
                            {move || send.value().get().and_then(Result::err).map(|_| t_string!(i18n, error.generic))}
                        </p>
                        <button type="submit" class="button primary" disabled=move || send.pending().get()>
                            {tr!(i18n, report.submit)}
                        </button>
                    </form>
                }
                .into_any(),
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_needs_a_reason_and_some_words() {
        assert_eq!(check_report("", "short"), vec![ReportProblem::MissingReason, ReportProblem::DetailsTooShort]);
        assert!(check_report("not_mine", "I did not make this payment.").is_empty());
        assert_eq!(check_report("made_up", "I did not make this payment."), vec![ReportProblem::MissingReason]);
        assert_eq!(check_report("other", &"x".repeat(DETAILS_MAX + 1)), vec![ReportProblem::DetailsTooLong]);
        assert_eq!(check_report("other", "          a         "), vec![ReportProblem::DetailsTooShort]);
    }
}
