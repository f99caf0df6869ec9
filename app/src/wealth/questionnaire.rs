//! The risk questionnaire, one question per screen, and its result.
//!
//! `/wealth/assessment?a=…&q=N` shows question N; every step is a plain GET form that carries
//! the answers given so far in the address (`a`, see `rules::encode_answers`), so back and forward
//! keep them, and so does signing in again after an idle sign-out (the address is kept). After
//! the last question, a review lists every answer with a link to change it, and sends them.
//! `/wealth/assessments/:id` is the result: the level in words, the products it allows, the date
//! and the expiry, the signature with a one-time code, and a printable letter.

use super::rules::{self, Level};
use super::{Assessment, Questionnaire, Review};
use crate::error::AppError;
use crate::format::{format_date, format_datetime};
use crate::i18n::*;
use crate::layout::{PageTitle, failed, loading};
use crate::resource::settled;
use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A level's name and what it means, in words.
pub fn level_name(level: Level, locale: Locale) -> String {
    let name = match level.get() {
        1 => td_string!(locale, wealth.c1),
        2 => td_string!(locale, wealth.c2),
        3 => td_string!(locale, wealth.c3),
        4 => td_string!(locale, wealth.c4),
        _ => td_string!(locale, wealth.c5),
    };
    format!("{} {}", level.customer(), name)
}

pub fn level_meaning(level: Level, locale: Locale) -> String {
    match level.get() {
        1 => td_string!(locale, wealth.c1_meaning),
        2 => td_string!(locale, wealth.c2_meaning),
        3 => td_string!(locale, wealth.c3_meaning),
        4 => td_string!(locale, wealth.c4_meaning),
        _ => td_string!(locale, wealth.c5_meaning),
    }
    .to_string()
}

/// "R1–R3": the product levels a customer level allows.
pub fn allowed_products(level: Level) -> String {
    if level.get() == 1 { "R1".to_owned() } else { format!("R1–{}", level.product()) }
}

/// The answers in the address, with the step's pick (`at`, `pick`) merged in.
fn answers_from(a: Option<String>, at: Option<usize>, pick: Option<u8>, questions: usize) -> Vec<u8> {
    let mut answers = rules::decode_answers(a.as_deref().unwrap_or(""), questions);
    if let (Some(at), Some(pick)) = (at, pick)
        && (1..=questions).contains(&at)
    {
        answers[at - 1] = pick;
    }
    answers
}

fn step_href(answers: &[u8], q: usize) -> String {
    format!("/wealth/assessment?a={}&q={q}", rules::encode_answers(answers))
}

/// `/wealth/assessment`: the questionnaire, one question at a time.
#[component]
pub fn AssessmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let questionnaire = crate::resource::blocking(|| (), |_| super::load_questionnaire());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, wealth.questionnaire_title).to_string()) />
        <section class="page narrow questionnaire">
            <p><a href="/wealth">{tr!(i18n, wealth.back)}</a></p>
            <h1>{tr!(i18n, wealth.questionnaire_title)}</h1>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(questionnaire.await).await {
                        Ok(q) => view! { <Steps questionnaire=q /> }.into_any(),
                        Err(e) => crate::layout::failed_because(&e).into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Steps(questionnaire: Questionnaire) -> impl IntoView {
    let query = use_query_map();
    let n = questionnaire.questions.len();
    move || {
        let (answers, step) = query.with(|q| {
            let answers = answers_from(
                q.get("a"),
                q.get("at").and_then(|s| s.parse().ok()),
                q.get("pick").and_then(|s| s.parse().ok()),
                n,
            );
            let step = q.get("q").and_then(|s| s.parse::<usize>().ok()).unwrap_or(1).clamp(1, n + 1);
            (answers, step)
        });
        if step > n {
            view! { <ReviewAnswers questionnaire=questionnaire.clone() answers /> }.into_any()
        } else {
            view! { <QuestionStep questionnaire=questionnaire.clone() answers step /> }.into_any()
        }
    }
}

#[component]
fn QuestionStep(questionnaire: Questionnaire, answers: Vec<u8>, step: usize) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let n = questionnaire.questions.len();
    let question = questionnaire.questions[step - 1].clone();
    let chosen = answers[step - 1];
    let text = question.text.clone();
    let back = (step > 1).then(|| step_href(&answers, step - 1));
    let options = question
        .options
        .iter()
        .map(|(no, label)| {
            let id = format!("q{step}-o{no}");
            let label = label.clone();
            view! {
                <div class="choice option">
                    <input type="radio" name="pick" id=id.clone() value=no.to_string() required=true checked=*no == chosen />
                    <label for=id>{move || label.get(locale()).to_owned()}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <p class="progress" role="status">
            {move || td_string!(locale(), wealth.progress, n = step, total = n).to_string()}
        </p>
        <progress max=n value=step - 1 aria-hidden="true"></progress>
        <form method="get" action="/wealth/assessment" class="form">
            <input type="hidden" name="a" value=rules::encode_answers(&answers) />
            <input type="hidden" name="at" value=step />
            <input type="hidden" name="q" value=step + 1 />
            <fieldset>
                <legend class="question">{move || text.get(locale()).to_owned()}</legend>
                {options}
            </fieldset>
            <p class="actions">
                {back.map(|href| view! { <a class="button" href=href>{tr!(i18n, wealth.previous)}</a> })}
                " "
                <button type="submit" class="button primary">
                    {move || if step == n { t_string!(i18n, wealth.to_review) } else { t_string!(i18n, wealth.next) }}
                </button>
            </p>
        </form>
    }
}

fn answer_problem_text(error: &AppError, locale: Locale) -> String {
    match error {
        AppError::Invalid { problem, .. } if problem == "daily_limit" => {
            td_string!(locale, wealth.daily_limit, n = rules::MAX_ATTEMPTS_PER_DAY).to_string()
        }
        AppError::Invalid { problem, .. } if problem.starts_with("missing:") => {
            let n = problem.trim_start_matches("missing:").to_owned();
            td_string!(locale, wealth.unanswered, n = n).to_string()
        }
        other => crate::auth::sign_in_error_text(other, locale),
    }
}

/// The answers to check, and "send": a plain HTML form (`form::post_to`), which goes on to the
/// result's page; a refusal comes back here in the address.
#[component]
pub fn ReviewAnswers(questionnaire: Questionnaire, answers: Vec<u8>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let refused = crate::form::refusal::<super::SubmitAssessment>();
    let encoded = rules::encode_answers(&answers);
    let missing = answers.iter().filter(|a| **a == 0).count();
    let rows = questionnaire
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let given = q.options.iter().find(|(no, _)| *no == answers[i]).map(|(_, n)| n.clone());
            let text = q.text.clone();
            let href = step_href(&answers, i + 1);
            view! {
                <div>
                    <dt>{i + 1} ". " {move || text.get(locale()).to_owned()}</dt>
                    <dd>
                        {match given {
                            Some(g) => view! { <span>{move || g.get(locale()).to_owned()}</span> }.into_any(),
                            None => view! { <strong class="error">{tr!(i18n, wealth.not_answered)}</strong> }.into_any(),
                        }}
                        " " <a href=href>{tr!(i18n, wealth.change)}</a>
                    </dd>
                </div>
            }
        })
        .collect_view();
    view! {
        <h2>{tr!(i18n, wealth.review_title)}</h2>
        <dl class="figures answers">{rows}</dl>
        {(missing > 0).then(|| view! { <p class="error-box" role="alert">{move || td_string!(locale(), wealth.missing_count, n = missing).to_string()}</p> })}
        <form class="form" method="post" action={crate::form::post_to::<super::SubmitAssessment>()} novalidate>
            <input type="hidden" name="answers" value=encoded />
            <p class="hint">{tr!(i18n, wealth.submit_hint)}</p>
            <p role="alert" class="error-box">{move || refused.as_ref().map(|e| answer_problem_text(e, locale()))}</p>
            <p>
                <button type="submit" class="button primary" disabled={missing > 0}>
                    {tr!(i18n, wealth.submit)}
                </button>
            </p>
        </form>
    }
}

/// `/wealth/assessments/:id`: one of the customer's attempts.
#[component]
pub fn AssessmentResultPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let result = crate::resource::blocking(id, super::my_assessment);
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, wealth.result_title).to_string()) />
        <section class="page narrow assessment-result">
            <p class="no-print"><a href="/wealth">{tr!(i18n, wealth.back)}</a></p>
            <h1>{tr!(i18n, wealth.result_title)}</h1>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(result.await).await {
                        Ok(a) => view! { <ResultView assessment=a /> }.into_any(),
                        Err(AppError::NotFound) => view! { <p class="error-box" role="alert">{tr!(i18n, wealth.no_such_assessment)}</p> }.into_any(),
                        Err(_) => failed().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// One attempt's result: the server's HTML. Signing it (`SignResult`) loads the page again,
/// which then says it was signed (`done=signed`).
#[component]
pub fn ResultView(assessment: Assessment) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let a = assessment;
    let level = a.level;
    let status = match (a.signed_at, a.review) {
        (None, _) => t_string!(i18n, wealth.status_unsigned).to_string(),
        (Some(_), Some(Review::Pending)) => t_string!(i18n, wealth.status_review).to_string(),
        (Some(_), Some(Review::Refused)) => t_string!(i18n, wealth.status_refused).to_string(),
        (Some(_), _) => t_string!(i18n, wealth.status_signed).to_string(),
    };
    let rows = a
        .answers
        .iter()
        .enumerate()
        .map(|(i, (q, ans))| {
            let (q, ans) = (q.clone(), ans.clone());
            view! { <div><dt>{i + 1} ". " {move || q.get(locale()).to_owned()}</dt><dd>{move || ans.get(locale()).to_owned()}</dd></div> }
        })
        .collect_view();
    let sign = (a.signed_at.is_none() && a.newest).then(|| view! { <SignResult id=a.id /> });
    let superseded =
        (a.signed_at.is_none() && !a.newest).then(|| view! { <p class="notice">{tr!(i18n, wealth.superseded)}</p> });
    view! {
        <crate::form::DoneNote what="signed">{tr!(i18n, wealth.signed_done)}</crate::form::DoneNote>
        <div class="level-card">
            <p class="level-name">{move || level_name(level, locale())}</p>
            <p>{move || level_meaning(level, locale())}</p>
            <p>{move || td_string!(locale(), wealth.allows, products = allowed_products(level)).to_string()}</p>
        </div>
        <dl class="figures">
            <div><dt>{tr!(i18n, wealth.status)}</dt><dd>{status}</dd></div>
            <div><dt>{tr!(i18n, wealth.score)}</dt><dd>{a.score}</dd></div>
            <div><dt>{tr!(i18n, wealth.taken)}</dt><dd>{move || format_datetime(a.taken_at, locale())}</dd></div>
            {a.signed_at.map(|t| view! { <div><dt>{tr!(i18n, wealth.signed_at)}</dt><dd>{move || format_datetime(t, locale())}</dd></div> })}
            {a.expires_on.map(|d| view! { <div><dt>{tr!(i18n, wealth.expires)}</dt><dd>{move || format_date(d, locale())}</dd></div> })}
            <div><dt>{tr!(i18n, wealth.version)}</dt><dd>{a.version}</dd></div>
        </dl>
        {a.capped.then(|| view! { <p class="notice">{move || td_string!(locale(), wealth.capped, age = rules::ELDER_AGE, years = rules::ELDER_EXPERIENCE_YEARS).to_string()}</p> })}
        {(a.review == Some(Review::Pending)).then(|| view! { <p class="notice">{tr!(i18n, wealth.review_note)}</p> })}
        {a.review_reason.clone().filter(|_| a.review == Some(Review::Refused)).map(|r| view! { <p class="notice">{tr!(i18n, wealth.refused_reason)} " " {r}</p> })}
        {sign}
        {superseded}
        <h2>{tr!(i18n, wealth.your_answers)}</h2>
        <dl class="figures answers">{rows}</dl>
        <p class="no-print">
            <crate::accounts::statement::PrintButton printed=crate::accounts::statement::Printed::ResultLetter />
            " " <a class="button" href="/wealth">{tr!(i18n, wealth.to_products)}</a>
        </p>
    }
}

/// Signing the result with a one-time code: an island in islands mode. Once signed, the result's
/// page is loaded again (in both builds), saying so.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
fn SignResult(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let start = ServerAction::<super::StartSigning>::new();
    let finish = ServerAction::<super::SignAssessment>::new();
    let live = crate::form::hydrated();
    Effect::new(move |_| {
        if let Some(Ok(_)) = finish.value().get() {
            crate::shell::load_page(&format!("/wealth/assessments/{id}?done=signed"));
        }
    });
    let error_text = move |e: AppError| answer_problem_text(&e, i18n.get_locale());
    view! {
        <section class="sign no-print" aria-labelledby="sign-heading">
            <h2 id="sign-heading">{tr!(i18n, wealth.sign_title)}</h2>
            <p>{tr!(i18n, wealth.sign_lead)}</p>
            {move || match start.value().get().and_then(Result::ok) {
                Some(c) => view! {
                    <form class="form" method="post" novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        finish.dispatch(super::SignAssessment { assessment_id: id, challenge_id: c.id.clone(), code: code.get_untracked() });
                    }>
                        <crate::auth::CodeField id="sign-code" code masked_phone=c.masked_phone.clone() />
                        <p role="alert" class="error-box">{move || finish.value().get().and_then(Result::err).map(error_text)}</p>
                        <button type="submit" class="button primary" disabled=move || finish.pending().get()>{tr!(i18n, wealth.sign_confirm)}</button>
                    </form>
                }
                .into_any(),
                None => view! {
                    <p>
                        <button type="button" class="button primary" disabled=move || !live.get() || start.pending().get()
                            on:click=move |_| { start.dispatch(super::StartSigning { assessment_id: id }); }>
                            {tr!(i18n, wealth.sign_start)}
                        </button>
                    </p>
                    <p role="alert" class="error-box">{move || start.value().get().and_then(Result::err).map(error_text)}</p>
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
    fn a_step_merges_its_pick_into_the_answers() {
        assert_eq!(answers_from(Some("1.0.0".into()), Some(2), Some(3), 3), vec![1, 3, 0]);
        assert_eq!(answers_from(Some("1.2.3".into()), Some(9), Some(3), 3), vec![1, 2, 3]);
        assert_eq!(answers_from(None, None, None, 2), vec![0, 0]);
        assert_eq!(step_href(&[1, 0], 2), "/wealth/assessment?a=1.0&q=2");
    }

    #[test]
    fn a_level_allows_the_products_up_to_it() {
        assert_eq!(allowed_products(Level::new(1).unwrap()), "R1");
        assert_eq!(allowed_products(Level::new(4).unwrap()), "R1–R4");
    }
}
