//! Form pieces every feature uses: a labelled field whose hint and error are said in words and
//! tied to the input for screen readers (`aria-describedby`, `aria-invalid`).

use leptos::prelude::*;

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
) -> impl IntoView {
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
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength
                required
                aria-describedby=described_by
                aria-invalid=move || error.with(Option::is_some).to_string()
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {move || error.get().map(|message| view! { <p class="error" id=error_id.clone()>{message}</p> })}
        </div>
    }
}
