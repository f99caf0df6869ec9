//! Form pieces every feature uses: a labelled field whose hint and error are said in words and
//! tied to the input for screen readers (`aria-describedby`, `aria-invalid`).

use leptos::prelude::*;

/// Whether the app is live in this browser: false on the server and until hydration (so the
/// first render agrees with the server's), true once the form handlers are attached. A form
/// that needs WASM keeps its submit button disabled until then, so that nothing typed into it
/// is ever sent by the browser's own form submission (a GET would put it in the address bar).
pub fn hydrated() -> Signal<bool> {
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    live.into()
}

/// One text-like input with its label, optional hint and optional error message.
#[component]
pub fn TextField(
    /// The input's id; the hint and error use `<id>-hint` and `<id>-error`.
    id: &'static str,
    name: &'static str,
    #[prop(into)] label: Signal<String>,
    value: RwSignal<String>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    /// The error to show, if any.
    #[prop(optional, into)]
    error: Option<Signal<Option<String>>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] maxlength: Option<u32>,
    /// The field may be left empty (it is `required` otherwise).
    #[prop(optional)]
    optional: bool,
    /// For a caller that moves the focus to the field.
    #[prop(optional)]
    node_ref: Option<NodeRef<leptos::html::Input>>,
    /// The field takes the focus when the page loads (a page that works without WASM).
    #[prop(optional)]
    autofocus: bool,
) -> impl IntoView {
    let node_ref = node_ref.unwrap_or_default();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let has_hint = hint.is_some();
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let ids: Vec<&str> =
                [has_hint.then_some(hint_id.as_str()), error.with(Option::is_some).then_some(error_id.as_str())]
                    .into_iter()
                    .flatten()
                    .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            <input
                node_ref=node_ref
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength
                required=!optional
                aria-describedby=described_by
                aria-invalid=move || error.with(Option::is_some).to_string()
                autofocus=autofocus
                // The attribute for the server's HTML (a form shown again keeps what was typed),
                // the property for what is typed afterwards.
                value=value.get_untracked()
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {move || error.get().map(|message| view! { <p class="error" id=error_id.clone()>{message}</p> })}
        </div>
    }
}

/// Keeps a form being filled in, in this browser tab (sessionStorage), so an idle sign-out does
/// not lose it: the fields are saved as they change and put back when the same person opens the
/// form again after signing in. Nothing is kept for passwords or codes: pass only free-text
/// fields. Call the returned function once the form has been sent, to forget the draft.
///
/// `form` names the form (with what makes it unique, such as the transaction it is about).
pub fn keep_draft(form: String, fields: Vec<(&'static str, RwSignal<String>)>) -> impl Fn() + Clone + 'static {
    // The storage key: per person and form, known once the session is. (In islands mode an island
    // has no session yet: no draft is kept there.)
    let session = use_context::<crate::auth::SessionContext>();
    let key = Memo::new(move |_| match session.and_then(|session| session.viewer.get()) {
        Some(Ok(Some(viewer))) => Some(format!("portal-draft:{}:{form}", viewer.principal)),
        _ => None,
    });
    let discarded = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::{SessionStorage, Storage};
        use std::collections::BTreeMap;
        let restored = RwSignal::new(false);
        let fields = StoredValue::new(fields);
        Effect::new(move |_| {
            let Some(key) = key.get() else { return };
            if !restored.get_untracked() {
                restored.set(true);
                if let Ok(saved) = SessionStorage::get::<BTreeMap<String, String>>(&key) {
                    fields.with_value(|fields| {
                        for (name, signal) in fields {
                            if let Some(text) = saved.get(*name).filter(|_| signal.with_untracked(String::is_empty)) {
                                signal.set(text.clone());
                            }
                        }
                    });
                }
            }
            let draft: BTreeMap<String, String> = fields
                .with_value(|fields| fields.iter().map(|(name, signal)| ((*name).to_owned(), signal.get())).collect());
            if discarded.get() || draft.values().all(|v| v.trim().is_empty()) {
                SessionStorage::delete(&key);
            } else {
                let _ = SessionStorage::set(&key, &draft);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (fields, key);
    move || discarded.set(true)
}

/// A group of radio buttons with its legend and, when `error` says so, the problem in words tied
/// to the group. `value` is the chosen option (empty until one is chosen); the buttons' ids are
/// `<name>-<option>`, the error's `<name>-error`.
#[component]
pub fn Choices(
    name: &'static str,
    #[prop(into)] legend: Signal<String>,
    options: &'static [&'static str],
    label: fn(&str, crate::i18n::Locale) -> String,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    /// The fieldset's class, if any.
    #[prop(optional)]
    class: Option<&'static str>,
) -> impl IntoView {
    use crate::i18n::*;
    let i18n = use_i18n();
    let error_id = format!("{name}-error");
    let described = {
        let error_id = error_id.clone();
        move || error.with(Option::is_some).then(|| error_id.clone())
    };
    view! {
        <fieldset class=class aria-describedby=described>
            <legend>{legend}</legend>
            {options
                .iter()
                .map(|option| {
                    let id = format!("{name}-{option}");
                    view! {
                        <div class="choice">
                            <input
                                type="radio"
                                name=name
                                id=id.clone()
                                value=*option
                                prop:checked=move || value.with(|v| v == option)
                                on:change=move |_| value.set((*option).to_owned())
                            />
                            <label for=id>{move || label(option, i18n.get_locale())}</label>
                        </div>
                    }
                })
                .collect_view()}
            {move || error.get().map(|message| view! { <p class="error" id=error_id.clone()>{message}</p> })}
        </fieldset>
    }
}

/// A rating from 1 to 5 as five choices ("3 星" / "3 of 5 stars"), with its question as the
/// legend; `value` holds the number chosen (read it with [`stars_chosen`]).
#[component]
pub fn Stars(
    name: &'static str,
    #[prop(into)] legend: Signal<String>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    fn star_label(n: &str, locale: crate::i18n::Locale) -> String {
        leptos_i18n::td_string!(locale, rating.stars, n = n).to_string()
    }
    view! {
        <Choices name legend options=&["1", "2", "3", "4", "5"] label=star_label value error class="stars" />
    }
}

/// The number of stars chosen in a [`Stars`] group: 0 until one is.
pub fn stars_chosen(value: RwSignal<String>) -> u8 {
    value.with_untracked(|v| v.parse().unwrap_or(0))
}
