//! The optional VIP needs form from the bank's VIP service rules: what the customer's money is
//! mainly used for, what information they want regularly, and their suggestions. Kept with the
//! customer's profile (one per customer, replaced when sent again); supervisors read it beside a
//! customer's wealth reviews.

use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

/// What funds are used for (the form's question 4).
pub const FUNDS_FOR: [&str; 8] =
    ["savings", "securities", "insurance", "property", "car", "education", "gold", "bonds"];
/// What information the customer wants (question 5).
pub const WANTS: [&str; 7] = ["forex", "insurance", "securities", "car", "property", "stamps", "collectibles"];
/// The longest free text.
pub const TEXT_MAX: usize = 500;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Needs {
    pub funds_for: Vec<String>,
    pub wants: Vec<String>,
    /// "Other", in the customer's words.
    pub other: String,
    pub suggestions: String,
}

/// Keeps only known choices, each once, in the form's order; refuses free text over the limit.
pub fn check_needs(needs: Needs) -> Result<Needs, AppError> {
    let keep = |chosen: &[String], known: &[&str]| -> Vec<String> {
        known.iter().filter(|k| chosen.iter().any(|c| c == *k)).map(|k| (*k).to_owned()).collect()
    };
    for (field, text) in [("other", &needs.other), ("suggestions", &needs.suggestions)] {
        if text.trim().chars().count() > TEXT_MAX {
            return Err(AppError::Invalid { field: field.into(), problem: "too_long".into() });
        }
    }
    Ok(Needs {
        funds_for: keep(&needs.funds_for, &FUNDS_FOR),
        wants: keep(&needs.wants, &WANTS),
        other: needs.other.trim().to_owned(),
        suggestions: needs.suggestions.trim().to_owned(),
    })
}

pub fn choice_name(code: &str, locale: Locale) -> String {
    match code {
        "savings" => td_string!(locale, needs.savings),
        "securities" => td_string!(locale, needs.securities),
        "insurance" => td_string!(locale, needs.insurance),
        "property" => td_string!(locale, needs.property),
        "car" => td_string!(locale, needs.car),
        "education" => td_string!(locale, needs.education),
        "gold" => td_string!(locale, needs.gold),
        "bonds" => td_string!(locale, needs.bonds),
        "forex" => td_string!(locale, needs.forex),
        "stamps" => td_string!(locale, needs.stamps),
        _ => td_string!(locale, needs.collectibles),
    }
    .to_string()
}

#[server(endpoint = "wealth/needs")]
pub async fn my_needs() -> Result<Option<Needs>, AppError> {
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    ssr::needs_of(&state.pool, customer_id).await
}

/// Saves the form (JSON in: lists of choices).
#[server(endpoint = "wealth/needs/save", input = leptos::server_fn::codec::Json)]
pub async fn save_needs(needs: Needs) -> Result<Needs, AppError> {
    let needs = check_needs(needs)?;
    let (state, _, customer_id) = crate::guard::require_customer().await?;
    ssr::save(&state.pool, customer_id, &needs, state.now()).await?;
    Ok(needs)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::Needs;
    use crate::error::AppError;
    use sqlx::AnyPool;

    fn split(text: String) -> Vec<String> {
        text.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect()
    }

    /// The form's columns, for a query that joins `customer_needs n` (`LEFT JOIN` where a customer
    /// may not have filled it in): read into [`NeedsColumns`].
    pub const NEEDS_COLUMNS: &str = "n.funds_for AS needs_funds_for, n.wants AS needs_wants, \
         n.other AS needs_other, n.suggestions AS needs_suggestions";

    /// [`NEEDS_COLUMNS`] as read: all `NULL` when the customer never filled the form in (the
    /// table's columns are `NOT NULL`).
    #[derive(sqlx::FromRow)]
    pub struct NeedsColumns {
        needs_funds_for: Option<String>,
        needs_wants: Option<String>,
        needs_other: Option<String>,
        needs_suggestions: Option<String>,
    }

    impl NeedsColumns {
        pub fn needs(self) -> Option<Needs> {
            Some(Needs {
                funds_for: split(self.needs_funds_for?),
                wants: split(self.needs_wants.unwrap_or_default()),
                other: self.needs_other.unwrap_or_default(),
                suggestions: self.needs_suggestions.unwrap_or_default(),
            })
        }
    }

    pub async fn needs_of(pool: &AnyPool, customer_id: i64) -> Result<Option<Needs>, AppError> {
        let row: Option<NeedsColumns> =
            sqlx::query_as(&format!("SELECT {NEEDS_COLUMNS} FROM customer_needs n WHERE n.customer_id = $1"))
                .bind(customer_id)
                .fetch_optional(pool)
                .await
                .map_err(AppError::internal)?;
        Ok(row.and_then(NeedsColumns::needs))
    }

    pub async fn save(pool: &AnyPool, customer_id: i64, needs: &Needs, now: i64) -> Result<(), AppError> {
        sqlx::query(
            "INSERT INTO customer_needs (customer_id, funds_for, wants, other, suggestions, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (customer_id) DO UPDATE SET funds_for = excluded.funds_for, \
             wants = excluded.wants, other = excluded.other, suggestions = excluded.suggestions, updated_at = excluded.updated_at",
        )
        .bind(customer_id)
        .bind(needs.funds_for.join(","))
        .bind(needs.wants.join(","))
        .bind(&needs.other)
        .bind(&needs.suggestions)
        .bind(now)
        .execute(pool)
        .await
        .map_err(AppError::internal)?;
        Ok(())
    }
}

/// The form on the Wealth page, folded until opened.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn NeedsForm(saved: Option<Needs>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let live = crate::form::hydrated();
    let start = saved.clone().unwrap_or_default();
    let funds = RwSignal::new(start.funds_for.clone());
    let wants = RwSignal::new(start.wants.clone());
    let other = RwSignal::new(start.other.clone());
    let suggestions = RwSignal::new(start.suggestions.clone());
    let save = ServerAction::<SaveNeeds>::new();
    crate::announce::announce_success(save.value(), |l| td_string!(l, needs.saved).to_string());
    let boxes = move |group: &'static str, known: &'static [&'static str], chosen: RwSignal<Vec<String>>| {
        known
            .iter()
            .map(|code| {
                let id = format!("needs-{group}-{code}");
                let checked = chosen.with_untracked(|c| c.iter().any(|x| x == code));
                view! {
                    <div class="choice">
                        <input type="checkbox" id=id.clone() name=group value=*code checked=checked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|x| x != code);
                                    if on { c.push((*code).to_owned()); }
                                });
                            } />
                        <label for=id>{move || choice_name(code, locale())}</label>
                    </div>
                }
            })
            .collect_view()
    };
    let error = move || {
        save.value().get().and_then(Result::err).map(|e| match e {
            AppError::Invalid { .. } => td_string!(locale(), needs.too_long, max = TEXT_MAX).to_string(),
            _ => t_string!(i18n, error.generic).to_string(),
        })
    };
    view! {
        <details class="needs">
            <summary>{tr!(i18n, needs.title)}</summary>
            <p class="hint">{tr!(i18n, needs.lead)}</p>
            <form class="form" method="post" novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                save.dispatch(SaveNeeds { needs: Needs {
                    funds_for: funds.get_untracked(),
                    wants: wants.get_untracked(),
                    other: other.get_untracked(),
                    suggestions: suggestions.get_untracked(),
                } });
            }>
                <fieldset><legend>{tr!(i18n, needs.funds_for)}</legend>{boxes("funds_for", &FUNDS_FOR, funds)}</fieldset>
                <fieldset><legend>{tr!(i18n, needs.wants)}</legend>{boxes("wants", &WANTS, wants)}</fieldset>
                <crate::form::TextField id="needs-other" name="other" optional=true maxlength=TEXT_MAX as u32
                    label=Signal::derive(move || t_string!(i18n, needs.other).to_string()) value=other />
                <crate::form::TextField id="needs-suggestions" name="suggestions" optional=true maxlength=TEXT_MAX as u32
                    label=Signal::derive(move || t_string!(i18n, needs.suggestions).to_string()) value=suggestions />
                <p role="alert" class="error-box">{error}</p>
                {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="notice">{tr!(i18n, needs.saved)}</p> })}
                <p><button type="submit" class="button" disabled=move || !live.get() || save.pending().get()>{tr!(i18n, needs.save)}</button></p>
            </form>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_choices_are_kept_once_in_order() {
        let needs = Needs {
            funds_for: vec!["gold".into(), "savings".into(), "gold".into(), "casino".into()],
            wants: vec!["stamps".into()],
            other: "  养老  ".into(),
            suggestions: String::new(),
        };
        let kept = check_needs(needs).unwrap();
        assert_eq!(kept.funds_for, vec!["savings", "gold"]);
        assert_eq!(kept.wants, vec!["stamps"]);
        assert_eq!(kept.other, "养老");
    }

    #[test]
    fn free_text_is_limited() {
        let long = Needs { suggestions: "好".repeat(TEXT_MAX + 1), ..Needs::default() };
        assert!(matches!(check_needs(long), Err(AppError::Invalid { field, .. }) if field == "suggestions"));
        let fits = Needs { other: "好".repeat(TEXT_MAX), ..Needs::default() };
        assert!(check_needs(fits).is_ok());
    }
}
