//! The Wealth page (the customer's level and its expiry, the catalogue with filters and a
//! suitability badge on every product, their subscriptions) and a product's page, where the
//! customer subscribes: amount, paying account, the risk disclosure acknowledged (and, from 65
//! buying R4/R5, the extra warning), then a one-time code.

use super::questionnaire::{allowed_products, level_name};
use super::rules::{self, Level, Refusal, Standing, Suitability};
use super::{Order, Product, ProductFilter, ProductPage, Subscription, SubscriptionStatus, WealthHome};
use crate::error::AppError;
use crate::format::{format_date, format_datetime, format_money};
use crate::i18n::*;
use crate::layout::{PageTitle, failed, loading};
use crate::money::Money;
use crate::resource::settled;
use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_router::hooks::{use_params_map, use_query_map};

pub fn kind_name(kind: &str, locale: Locale) -> String {
    match kind {
        "cash_management" => td_string!(locale, wealth.kind_cash_management),
        "fixed_income" => td_string!(locale, wealth.kind_fixed_income),
        "mixed" => td_string!(locale, wealth.kind_mixed),
        "equity" => td_string!(locale, wealth.kind_equity),
        _ => td_string!(locale, wealth.kind_structured),
    }
    .to_string()
}

pub fn suitability_text(s: Suitability, locale: Locale) -> String {
    match s {
        Suitability::Suitable => td_string!(locale, wealth.badge_suitable),
        Suitability::AboveLevel => td_string!(locale, wealth.badge_above_level),
        Suitability::Missing => td_string!(locale, wealth.badge_missing),
        Suitability::Unsigned => td_string!(locale, wealth.badge_unsigned),
        Suitability::Expired => td_string!(locale, wealth.badge_expired),
        Suitability::AwaitingReview => td_string!(locale, wealth.badge_awaiting_review),
    }
    .to_string()
}

/// What a refusal says, with what to do.
pub fn refusal_text(refusal: Refusal, locale: Locale) -> String {
    match refusal {
        Refusal::AboveLevel => td_string!(locale, wealth.refused_above_level),
        Refusal::AssessmentMissing => td_string!(locale, wealth.refused_missing),
        Refusal::AssessmentUnsigned => td_string!(locale, wealth.refused_unsigned),
        Refusal::AssessmentExpired => td_string!(locale, wealth.refused_expired),
        Refusal::AwaitingReview => td_string!(locale, wealth.refused_awaiting_review),
        Refusal::BelowMinimum => td_string!(locale, wealth.refused_below_minimum),
        Refusal::OffStep => td_string!(locale, wealth.refused_off_step),
        Refusal::OutsideWindow => td_string!(locale, wealth.refused_outside_window),
        Refusal::AccountFrozen => td_string!(locale, wealth.refused_frozen),
        Refusal::ShortOfFunds => td_string!(locale, wealth.refused_short),
        Refusal::DisclosureNotAcknowledged => td_string!(locale, wealth.refused_disclosure),
        Refusal::WarningNotAcknowledged => td_string!(locale, wealth.refused_elder_warning),
    }
    .to_string()
}

fn error_text(error: &AppError, locale: Locale) -> String {
    match error {
        AppError::Invalid { field, problem } if field == "subscription" => match Refusal::parse(problem) {
            Some(r) => refusal_text(r, locale),
            None => td_string!(locale, wealth.not_cancellable).to_string(),
        },
        AppError::Invalid { field, .. } if field == "amount" => {
            td_string!(locale, wealth.amount_unreadable).to_string()
        }
        AppError::NotFound => td_string!(locale, wealth.account_not_offered).to_string(),
        other => crate::auth::sign_in_error_text(other, locale),
    }
}

fn yield_text(p: &Product, locale: Locale) -> String {
    let pct = |bp: i64| format!("{}.{:02}%", bp / 100, bp % 100);
    match p.yield_bp {
        Some((low, high)) => format!("{}–{}", pct(low), pct(high)),
        None => p.benchmark.get(locale).to_owned(),
    }
}

fn term_text(p: &Product, locale: Locale) -> String {
    match p.term_days {
        Some(days) => td_string!(locale, wealth.term_days, n = days).to_string(),
        None => td_string!(locale, wealth.open_ended).to_string(),
    }
}

/// The customer's level, or why there is none in force, and what to do.
#[component]
pub fn StandingCard(standing: Standing, today: chrono::NaiveDate) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let valid = standing.in_force.filter(|f| today <= f.expires_on);
    let status = match (valid, standing.in_force) {
        (Some(f), _) => {
            let soon = rules::reminder_due(f.expires_on, today);
            view! {
                <p class="level-name">{move || level_name(f.level, locale())}</p>
                <p>{move || td_string!(locale(), wealth.allows, products = allowed_products(f.level)).to_string()}</p>
                <p class=if soon { "notice" } else { "" }>
                    {move || td_string!(locale(), wealth.valid_until, date = format_date(f.expires_on, locale())).to_string()}
                    {soon.then(|| view! { " " {tr!(i18n, wealth.renew_soon)} })}
                </p>
            }
            .into_any()
        }
        (None, Some(f)) => view! {
            <p class="level-name">{tr!(i18n, wealth.badge_expired)}</p>
            <p>{move || td_string!(locale(), wealth.expired_on, date = format_date(f.expires_on, locale())).to_string()}</p>
        }
        .into_any(),
        (None, None) => view! { <p class="level-name">{tr!(i18n, wealth.no_level)}</p> }.into_any(),
    };
    view! {
        <div class="level-card">
            {status}
            {standing.awaiting_review.then(|| view! { <p class="notice">{tr!(i18n, wealth.review_note)}</p> })}
            {standing.unsigned.then(|| view! { <p class="notice">{tr!(i18n, wealth.unsigned_note)}</p> })}
        </div>
    }
}

/// On the accounts overview: the customer's risk level and when it expires (or why there is none),
/// with the way to the Wealth page. The page loads `super::my_standing` with its own data (a
/// resource made inside another's suspense would be numbered differently in the browser).
#[component]
pub fn LevelNote(standing: Standing, today: chrono::NaiveDate) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let text = move || match standing.in_force.filter(|f| today <= f.expires_on) {
        Some(f) => td_string!(
            locale(),
            wealth.overview_level,
            level = level_name(f.level, locale()),
            date = format_date(f.expires_on, locale())
        )
        .to_string(),
        None if standing.in_force.is_some() => t_string!(i18n, wealth.badge_expired).to_string(),
        None => t_string!(i18n, wealth.no_level).to_string(),
    };
    view! {
        <p class="level-note">
            <strong>{tr!(i18n, wealth.risk_level)}</strong> " " {text} " " <a href="/wealth">{tr!(i18n, wealth.to_products)}</a>
        </p>
    }
}

/// `/wealth`: the customer's level, the catalogue, their subscriptions.
#[component]
pub fn WealthPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = move || {
        query.with(|q| ProductFilter {
            risk: q.get("risk").and_then(|s| s.parse().ok()),
            kind: q.get("kind").filter(|s| !s.is_empty()),
            term: q.get("term").filter(|s| !s.is_empty()),
            max_minimum: q.get("max_min").and_then(|s| s.parse().ok()),
        })
    };
    let home = crate::resource::blocking(|| (), |_| super::load_wealth_home());
    let list = crate::resource::blocking(filter, super::products);
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, nav.wealth).to_string()) />
        <section class="page wealth">
            <h1>{tr!(i18n, nav.wealth)}</h1>
            <p class="lead">{tr!(i18n, area.wealth_lead)}</p>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(home.await).await {
                        Ok(h) => view! { <Head home=h /> }.into_any(),
                        Err(_) => failed().into_any(),
                    }
                })}
            </Transition>
            <h2 id="products-heading">{tr!(i18n, wealth.products_title)}</h2>
            <Filters filter=filter() />
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(list.await).await {
                        Ok(products) if products.is_empty() => view! { <p class="empty" role="status">{tr!(i18n, wealth.no_products)}</p> }.into_any(),
                        Ok(products) => view! {
                            <ul class="cards products" aria-labelledby="products-heading">
                                {products.into_iter().map(|p| view! { <ProductCard product=p /> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(_) => failed().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Head(home: WealthHome) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let left = home.attempts_left_today;
    let has_level = home.standing.in_force.is_some();
    let take = move || if has_level { t_string!(i18n, wealth.retake) } else { t_string!(i18n, wealth.take) };
    let newest = home.newest.clone().filter(|a| a.signed_at.is_none()).map(|a| {
        view! { <p><a href=format!("/wealth/assessments/{}", a.id)>{tr!(i18n, wealth.open_unsigned)}</a></p> }
    });
    let subscriptions = home.subscriptions.clone();
    view! {
        <StandingCard standing=home.standing.clone() today=home.today />
        {newest}
        <p>
            {if left > 0 {
                view! { <a class="button primary" href="/wealth/assessment">{take}</a> }.into_any()
            } else {
                view! { <span class="notice">{move || td_string!(locale(), wealth.daily_limit, n = rules::MAX_ATTEMPTS_PER_DAY).to_string()}</span> }.into_any()
            }}
        </p>
        {(!subscriptions.is_empty()).then(|| view! {
            <h2>{tr!(i18n, wealth.subscriptions_title)}</h2>
            <crate::form::DoneNote what="purchase-cancelled">{tr!(i18n, announce.purchase_cancelled)}</crate::form::DoneNote>
            {crate::form::refusal::<super::CancelSubscription>().map(|e| view! {
                <p role="alert" class="error-box">{move || error_text(&e, locale())}</p>
            })}
            <ul class="cards">
                {subscriptions.into_iter().map(|s| view! { <SubscriptionCard subscription=s /> }).collect_view()}
            </ul>
        })}
        <super::needs::NeedsForm saved=home.needs.clone() />
    }
}

pub fn status_text(status: SubscriptionStatus, locale: Locale) -> String {
    match status {
        SubscriptionStatus::PendingReview => td_string!(locale, wealth.sub_pending_review),
        SubscriptionStatus::Completed => td_string!(locale, wealth.sub_completed),
        SubscriptionStatus::Cancelled => td_string!(locale, wealth.sub_cancelled),
        SubscriptionStatus::Refused => td_string!(locale, wealth.sub_refused),
    }
    .to_string()
}

/// A purchase, and while its cooling-off period runs its "cancel" button: a plain HTML form
/// (`form::post_to`), after which the page comes back with the purchase cancelled and saying so.
#[component]
pub fn SubscriptionCard(subscription: Subscription) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let s = subscription;
    let (id, name) = (s.id, s.product.clone());
    let money = move || format_money(Money::new(s.amount_minor, s.currency), locale());
    view! {
        <li class="card">
            <h3>{move || name.get(locale()).to_owned()}</h3>
            <p>{s.reference.clone()} " · " {money} " · " <strong>{move || status_text(s.status, locale())}</strong></p>
            <p class="hint">{move || format_datetime(s.confirmed_at, locale())} " · " {s.paying_account.clone()}</p>
            {s.review_reason.clone().map(|r| view! { <p>{tr!(i18n, wealth.refused_reason)} " " {r}</p> })}
            {s.holding_account_id.filter(|_| s.status == SubscriptionStatus::Completed).map(|h| view! {
                <p><a href=format!("/accounts/{h}")>{tr!(i18n, wealth.see_holding)}</a></p>
            })}
            {s.may_cancel.then(|| {
                let ends = s.cooling_off_ends_at.unwrap_or(0);
                view! {
                    <p>{move || td_string!(locale(), wealth.cooling_off_until, time = format_datetime(ends, locale())).to_string()}</p>
                    <form method="post" action={crate::form::post_to::<super::CancelSubscription>()}>
                        <input type="hidden" name="subscription_id" value=id />
                        <p><button type="submit" class="button">{tr!(i18n, wealth.cancel)}</button></p>
                    </form>
                }
            })}
        </li>
    }
}

#[component]
fn Filters(filter: ProductFilter) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let risk = filter.risk.unwrap_or(0);
    let kind = filter.kind.clone().unwrap_or_default();
    let term = filter.term.clone().unwrap_or_default();
    let max_min = filter.max_minimum.map(|m| m.to_string()).unwrap_or_default();
    view! {
        <form method="get" action="/wealth" class="filters" role="search" aria-label=move || t_string!(i18n, wealth.filters)>
            <div class="field">
                <label for="f-risk">{tr!(i18n, wealth.filter_risk)}</label>
                <select id="f-risk" name="risk">
                    <option value="" selected=risk == 0>{tr!(i18n, wealth.any)}</option>
                    {Level::ALL.into_iter().map(|l| view! {
                        <option value=l.get().to_string() selected=risk == l.get()>{move || td_string!(locale(), wealth.up_to, level = l.product()).to_string()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-kind">{tr!(i18n, wealth.filter_kind)}</label>
                <select id="f-kind" name="kind">
                    <option value="" selected=kind.is_empty()>{tr!(i18n, wealth.any)}</option>
                    {super::PRODUCT_KINDS.into_iter().map(|k| view! {
                        <option value=k selected=kind == k>{move || kind_name(k, locale())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-term">{tr!(i18n, wealth.filter_term)}</label>
                <select id="f-term" name="term">
                    <option value="" selected=term.is_empty()>{tr!(i18n, wealth.any)}</option>
                    <option value="open" selected=term == "open">{tr!(i18n, wealth.open_ended)}</option>
                    <option value="short" selected=term == "short">{tr!(i18n, wealth.term_short)}</option>
                    <option value="long" selected=term == "long">{tr!(i18n, wealth.term_long)}</option>
                </select>
            </div>
            <div class="field">
                <label for="f-min">{tr!(i18n, wealth.filter_minimum)}</label>
                <input id="f-min" name="max_min" type="number" inputmode="numeric" min="0" step="1" value=max_min />
            </div>
            <p><button type="submit" class="button">{tr!(i18n, wealth.apply)}</button></p>
        </form>
    }
}

#[component]
fn Badge(suitability: Suitability) -> impl IntoView {
    let i18n = use_i18n();
    let class = format!("badge suit-{}", suitability.key());
    view! { <span class=class>{move || suitability_text(suitability, i18n.get_locale())}</span> }
}

#[component]
fn ProductCard(product: Product) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let p = product;
    let name = p.name.clone();
    let (currency, min_minor) = (p.currency, p.min_minor);
    let minimum = move || format_money(Money::new(min_minor, currency), locale());
    let (kind, terms, yields) = (p.kind.clone(), p.clone(), p.clone());
    view! {
        <li class="card product">
            <h3><a href=format!("/wealth/products/{}", p.code)>{move || name.get(locale()).to_owned()}</a></h3>
            <p>
                <span class="risk">{p.risk.product()}</span> " · " {move || kind_name(&kind, locale())} " · " {move || term_text(&terms, locale())}
                {p.private_placement.then(|| view! { " · " {tr!(i18n, wealth.private_placement)} })}
            </p>
            <p>{tr!(i18n, wealth.expected_yield)} " " {move || yield_text(&yields, locale())} " · " {tr!(i18n, wealth.minimum)} " " {minimum}</p>
            <p><Badge suitability=p.suitability /></p>
        </li>
    }
}

/// `/wealth/products/:code`: a product and subscribing to it.
#[component]
pub fn ProductDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let page = crate::resource::blocking(code, super::load_product_page);
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, wealth.product_title).to_string()) />
        <section class="page narrow product-page">
            <p><a href="/wealth">{tr!(i18n, wealth.back)}</a></p>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match settled(page.await).await {
                        Ok(p) => view! { <ProductView page=p /> }.into_any(),
                        Err(AppError::NotFound) => view! {
                            <h1>{tr!(i18n, wealth.product_title)}</h1>
                            <p class="error-box" role="alert">{tr!(i18n, wealth.no_such_product)}</p>
                        }.into_any(),
                        Err(_) => failed().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ProductView(page: ProductPage) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let p = page.product.clone();
    let (name, disclosure) = (p.name.clone(), p.disclosure.clone());
    let money = move |minor: i64| format_money(Money::new(minor, p.currency), locale());
    let bp = |v: i64| format!("{}.{:02}%", v / 100, v % 100);
    let window = p.window.map(|(opens, closes)| {
        view! { <div><dt>{tr!(i18n, wealth.window)}</dt><dd>{move || format!("{} – {}", format_date(opens, locale()), format_date(closes, locale()))}</dd></div> }
    });
    let guidance = match p.suitability {
        Suitability::Suitable => None,
        Suitability::AboveLevel => Some(Refusal::AboveLevel),
        Suitability::Missing => Some(Refusal::AssessmentMissing),
        Suitability::Unsigned => Some(Refusal::AssessmentUnsigned),
        Suitability::Expired => Some(Refusal::AssessmentExpired),
        Suitability::AwaitingReview => Some(Refusal::AwaitingReview),
    };
    let (kind, terms, yields) = (p.kind.clone(), p.clone(), p.clone());
    let title_name = name.clone();
    view! {
        <h1>{move || title_name.get(locale()).to_owned()}</h1>
        <p><Badge suitability=p.suitability /></p>
        <dl class="figures">
            <div><dt>{tr!(i18n, wealth.risk)}</dt><dd>{p.risk.product()}</dd></div>
            <div><dt>{tr!(i18n, wealth.kind)}</dt><dd>{move || kind_name(&kind, locale())}</dd></div>
            <div><dt>{tr!(i18n, wealth.term)}</dt><dd>{move || term_text(&terms, locale())}</dd></div>
            <div><dt>{tr!(i18n, wealth.expected_yield)}</dt><dd>{move || yield_text(&yields, locale())}</dd></div>
            <div><dt>{tr!(i18n, wealth.minimum)}</dt><dd>{move || money(p.min_minor)} {move || td_string!(locale(), wealth.step, amount = money(p.step_minor)).to_string()}</dd></div>
            <div><dt>{tr!(i18n, wealth.fees)}</dt><dd>{move || td_string!(locale(), wealth.fees_text, subscription = bp(p.subscription_fee_bp), management = bp(p.management_fee_bp)).to_string()}</dd></div>
            {window}
            {p.private_placement.then(|| view! { <div><dt>{tr!(i18n, wealth.private_placement)}</dt><dd>{tr!(i18n, wealth.cooling_off_rule)}</dd></div> })}
        </dl>
        <h2 id="disclosure-heading">{tr!(i18n, wealth.disclosure)} " (" {p.disclosure_version.clone()} ")"</h2>
        <div class="disclosure prose" role="region" tabindex="0" aria-labelledby="disclosure-heading">{move || disclosure.get(locale()).to_owned()}</div>
        {match guidance {
            Some(refusal) => view! {
                <div class="error-box" role="alert">
                    <p>{move || refusal_text(refusal, locale())}</p>
                    <p><a class="button primary" href="/wealth/assessment">{tr!(i18n, wealth.take)}</a></p>
                </div>
            }.into_any(),
            None if page.accounts.is_empty() => view! {
                <p class="notice">{move || td_string!(locale(), wealth.no_account_in, currency = p.currency.code().to_owned()).to_string()}</p>
            }.into_any(),
            None => view! { <SubscribeForm offer=Offer::of(&page) /> }.into_any(),
        }}
    }
}

/// What the purchase form needs of its product's page: only this travels in the page as the
/// island's props in islands mode (the product's texts are the server's HTML around it).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Offer {
    pub product: String,
    pub currency: crate::money::Currency,
    pub min_minor: i64,
    pub accounts: Vec<super::PayingAccount>,
    pub elder_warning: bool,
}

impl Offer {
    fn of(page: &ProductPage) -> Self {
        Offer {
            product: page.product.code.clone(),
            currency: page.product.currency,
            min_minor: page.product.min_minor,
            accounts: page.accounts.clone(),
            elder_warning: page.elder_warning,
        }
    }
}

/// The purchase: the order, a code by SMS, then what it came to, in place: an island in islands
/// mode.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn SubscribeForm(offer: Offer) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let live = crate::form::hydrated();
    let currency = offer.currency;
    let amount = RwSignal::new(Money::new(offer.min_minor, currency).plain_abs());
    let payable: Vec<_> = offer.accounts.iter().filter(|a| a.can_pay).collect();
    let account = RwSignal::new(payable.first().map(|a| a.id.to_string()).unwrap_or_default());
    let disclosure = RwSignal::new(false);
    let elder = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let start = ServerAction::<super::StartSubscription>::new();
    let finish = ServerAction::<super::Subscribe>::new();
    crate::announce::announce_outcome(finish.value(), |s: &Subscription, l| subscribed_text(s.status, l));
    let code_for = offer.product.clone();
    let order = move || Order {
        product: code_for.clone(),
        account_id: account.get_untracked().parse().unwrap_or(0),
        amount: amount.get_untracked(),
        disclosure: disclosure.get_untracked(),
        elder_warning: elder.get_untracked(),
    };
    let order_start = order.clone();
    let on_start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        start.dispatch(super::StartSubscription { order: order_start() });
    };
    let elder_warning = offer.elder_warning;
    let accounts = offer.accounts.clone();
    let done = move || finish.value().get().and_then(Result::ok);
    view! {
        <section class="subscribe" aria-labelledby="subscribe-heading">
            <h2 id="subscribe-heading">{tr!(i18n, wealth.subscribe_title)}</h2>
            {move || match (done(), start.value().get().and_then(Result::ok)) {
                (Some(s), _) => view! { <Subscribed subscription=s /> }.into_any(),
                (None, Some(c)) => {
                    let order = order.clone();
                    view! {
                        <form class="form" method="post" novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            finish.dispatch(super::Subscribe { order: order(), challenge_id: c.id.clone(), code: code.get_untracked() });
                        }>
                            <p class="notice">{move || td_string!(locale(), wealth.confirm_amount, amount = amount.get()).to_string()}</p>
                            <crate::auth::CodeField id="subscribe-code" code masked_phone=c.masked_phone.clone() />
                            <p role="alert" class="error-box">{move || finish.value().get().and_then(Result::err).map(|e| error_text(&e, locale()))}</p>
                            <button type="submit" class="button primary" disabled=move || finish.pending().get()>{tr!(i18n, wealth.confirm)}</button>
                        </form>
                    }
                    .into_any()
                }
                (None, None) => {
                    let accounts = accounts.clone();
                    view! {
                        <form class="form" method="post" novalidate on:submit=on_start.clone()>
                            <crate::form::TextField
                                id="amount"
                                name="amount"
                                label=Signal::derive(move || td_string!(locale(), wealth.amount_label, currency = currency.code().to_owned()).to_string())
                                value=amount
                                inputmode="decimal"
                                maxlength=16
                            />
                            <div class="field">
                                <label for="paying-account">{tr!(i18n, wealth.pay_from)}</label>
                                <select id="paying-account" name="account" on:change=move |ev| account.set(event_target_value(&ev))>
                                    {accounts.into_iter().map(|a| {
                                        let text = format!("{} · {}", a.label, format_money(Money::new(a.available_minor, currency), locale()));
                                        let suffix = if a.can_pay { String::new() } else { format!(" ({})", t_string!(i18n, wealth.frozen)) };
                                        view! { <option value=a.id.to_string() selected=a.id.to_string() == account.get_untracked()>{text}{suffix}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="choice">
                                <input type="checkbox" id="ack-disclosure" name="disclosure" on:change=move |ev| disclosure.set(event_target_checked(&ev)) />
                                <label for="ack-disclosure">{tr!(i18n, wealth.ack_disclosure)}</label>
                            </div>
                            {elder_warning.then(|| view! {
                                <div class="notice elder-warning">
                                    <p><strong>{tr!(i18n, wealth.elder_warning_title)}</strong></p>
                                    <p>{tr!(i18n, wealth.elder_warning)}</p>
                                    <div class="choice">
                                        <input type="checkbox" id="ack-elder" name="elder_warning" on:change=move |ev| elder.set(event_target_checked(&ev)) />
                                        <label for="ack-elder">{tr!(i18n, wealth.ack_elder)}</label>
                                    </div>
                                </div>
                            })}
                            <p role="alert" class="error-box">{move || start.value().get().and_then(Result::err).map(|e| error_text(&e, locale()))}</p>
                            <p>
                                <button type="submit" class="button primary" disabled=move || !live.get() || start.pending().get()>
                                    {tr!(i18n, wealth.send_code)}
                                </button>
                            </p>
                        </form>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// What a purchase just made came to: bought, or sent for review (said, and the notice's headline).
fn subscribed_text(status: SubscriptionStatus, locale: Locale) -> String {
    if status == SubscriptionStatus::PendingReview {
        td_string!(locale, wealth.subscribed_pending).to_string()
    } else {
        td_string!(locale, wealth.subscribed).to_string()
    }
}

#[component]
fn Subscribed(subscription: Subscription) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let s = subscription;
    let (amount, currency) = (s.amount_minor, s.currency);
    let money = move || format_money(Money::new(amount, currency), locale());
    let status = s.status;
    view! {
        <div class="notice">
            <p><strong>{move || subscribed_text(status, locale())}</strong></p>
            <p>{tr!(i18n, wealth.reference)} " " <strong>{s.reference.clone()}</strong> " · " {money}</p>
            {s.cooling_off_ends_at.map(|t| view! { <p>{move || td_string!(locale(), wealth.cooling_off_until, time = format_datetime(t, locale())).to_string()}</p> })}
            <p>
                {s.holding_account_id.map(|h| view! { <a href=format!("/accounts/{h}")>{tr!(i18n, wealth.see_holding)}</a> " · " })}
                <a href="/accounts">{tr!(i18n, wealth.to_accounts)}</a>
            </p>
        </div>
    }
}
