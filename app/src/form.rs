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
        move || described_by(has_hint.then_some(&hint_id), error.with(Option::is_some).then_some(&error_id))
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

/// A field's `aria-describedby`: its hint and its error, those it shows; none when neither.
fn described_by(hint_id: Option<&str>, error_id: Option<&str>) -> Option<String> {
    let ids: Vec<&str> = [hint_id, error_id].into_iter().flatten().collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// One text-like input of a plain HTML form ([`CheckedForms`]), with its label, optional hint and
/// the error the check shows when it is left blank or too short (`<id>-error`, hidden until then;
/// shown from the start when the server refused the field). Not bound to the app, so what was typed
/// before the page was live stays.
#[component]
pub fn PlainField(
    id: &'static str,
    name: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(into)] error: Signal<String>,
    /// The server refused what was sent in this field.
    #[prop(optional)]
    refused: bool,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] minlength: Option<u32>,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = described_by(hint.is_some().then_some(&hint_id), refused.then_some(&error_id));
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            <input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength
                minlength=minlength
                required
                aria-describedby=described
                aria-invalid=refused.to_string()
                autofocus=autofocus
            />
            <p class="error" id=error_id.clone() hidden=!refused>{error}</p>
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
    // The storage key: per person and form, known once the session is; in an island, which has no
    // session of its own, from the page ([`DraftOwner`]).
    let session = use_context::<crate::auth::SessionContext>();
    let key = Memo::new(move |_| {
        let owner = match session {
            Some(session) => match session.viewer.get() {
                Some(Ok(Some(viewer))) => Some(viewer.principal),
                _ => None,
            },
            None => draft_owner_in_page(),
        };
        owner.map(|owner| format!("portal-draft:{owner}:{form}"))
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

/// The element that says whose drafts a page keeps.
const DRAFT_OWNER: &str = "draft-owner";

/// Whose drafts this page keeps ([`keep_draft`]), in the page for the islands: the frame puts it
/// there for a signed-in person (`principal`, as "customer:12"; no one else's page has it).
#[component]
pub fn DraftOwner(principal: String) -> impl IntoView {
    view! { <span id=DRAFT_OWNER hidden data-owner=principal></span> }
}

fn draft_owner_in_page() -> Option<String> {
    #[cfg(feature = "hydrate")]
    return document().get_element_by_id(DRAFT_OWNER)?.get_attribute("data-owner");
    #[cfg(not(feature = "hydrate"))]
    None
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
    view! {
        <Choices name legend options=&STARS label=star_label value error class="stars" />
    }
}

/// A rating's choices, and each one's label ("3 星" / "3 of 5 stars").
const STARS: [&str; 5] = ["1", "2", "3", "4", "5"];

fn star_label(n: &str, locale: crate::i18n::Locale) -> String {
    leptos_i18n::td_string!(locale, rating.stars, n = n).to_string()
}

/// [`Stars`] for a plain form ([`CheckedForms`]): one of them must be chosen; until then the
/// check shows `error` under them (`<name>-error`, named by each button's `data-error`).
#[component]
pub fn PlainStars(
    name: &'static str,
    #[prop(into)] legend: Signal<String>,
    #[prop(into)] error: Signal<String>,
) -> impl IntoView {
    use crate::i18n::*;
    let i18n = use_i18n();
    let error_id = format!("{name}-error");
    view! {
        <fieldset class="stars">
            <legend>{legend}</legend>
            {STARS
                .into_iter()
                .map(|n| {
                    let id = format!("{name}-{n}");
                    view! {
                        <div class="choice">
                            <input type="radio" name=name id=id.clone() value=n required aria-invalid="false" data-error=error_id.clone() />
                            <label for=id>{move || star_label(n, i18n.get_locale())}</label>
                        </div>
                    }
                })
                .collect_view()}
            <p class="error" id=error_id.clone() hidden>{error}</p>
        </fieldset>
    }
}

/// The number of stars chosen in a [`Stars`] group: 0 until one is.
pub fn stars_chosen(value: RwSignal<String>) -> u8 {
    value.with_untracked(|v| v.parse().unwrap_or(0))
}

/// A plain HTML form that runs server function `F` without the app: posted to the function's own
/// address, which answers with a redirect back to the page (Leptos's form redirects). A refusal
/// comes back in the address, where [`refusal`] reads it; what was done comes back as `done=…`
/// ([`back_saying`], [`DoneNote`]). Such a form needs no code in the browser, so in islands mode
/// its page loads none for it, and it works the same before the WASM has loaded.
pub fn post_to<F: leptos::server_fn::ServerFn>() -> &'static str {
    F::url()
}

/// The refusal of server function `F` that the redirect back to this page carried in its address.
pub fn refusal<F: leptos::server_fn::ServerFn>() -> Option<F::Error> {
    refusal_where(|path| path == F::PATH)
}

/// The refusal of any server function whose address starts with `prefix` (the steps of one
/// desk), as [`refusal`].
pub fn refusal_under<E: leptos::server_fn::error::FromServerFnError>(prefix: &str) -> Option<E> {
    refusal_where(|path| path.starts_with(prefix))
}

fn refusal_where<E: leptos::server_fn::error::FromServerFnError>(from: impl Fn(&str) -> bool) -> Option<E> {
    use leptos::server_fn::error::ServerFnUrlError;
    use_context::<leptos::server::ServerActionError>()
        .filter(|e| from(e.path()))
        .map(|e| ServerFnUrlError::<E>::decode_err(e.err()))
}

/// Whether the page's address says `what` is done (`?done=<what>`, from [`back_saying`] or [`on_to`]), and no
/// refusal came back with it: what [`DoneNote`] shows on.
pub fn done(what: &'static str) -> impl Fn() -> bool + Clone + Send + Sync + 'static {
    let query = leptos_router::hooks::use_query_map();
    move || query.with(|q| q.get("done").as_deref() == Some(what) && q.get("__err").is_none())
}

/// What a plain form's server function did, said on the page it came back to (`done=<what>` in
/// the address, and no refusal there): a status where the form was, which takes the focus, so
/// that a screen reader starts the page again from what was done. (It follows the address, for
/// the frame's, which stays while the app moves from page to page.)
#[component]
pub fn DoneNote(what: &'static str, children: ChildrenFn) -> impl IntoView {
    let done = done(what);
    move || done().then(|| view! { <p role="status" class="notice done-note" tabindex="-1" autofocus>{children()}</p> })
}

/// Plain HTML forms (`children`) whose fields are checked in the browser as each is sent, and
/// given back what was typed when the server refuses it:
/// - a field that is `required` but blank (spaces count as blank), or out of its `min`, `max` or
///   `minlength`, is marked `aria-invalid`, described by its error (the `<id>-error` element,
///   `hidden` until then), and the first of them takes the focus; the form is not sent. A button
///   with `formnovalidate` sends its form as it is;
/// - a form that is sent keeps its typed fields in this tab (sessionStorage) until the page comes
///   back: with the form's refusal in the address ([`refusal`]) they are put back, and either way
///   they are then forgotten. Forms posted to the same address need ids of their own.
///
/// Until the page is live (or without WASM) the browser's own validation checks the fields, in its
/// own words, and the server checks again whatever comes. The forms need no other code in the
/// browser: one island for all of them.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn CheckedForms(children: Children) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(root) = root.get() {
            take_back_refused(&root);
        }
    });
    view! { <div class="checked-forms" node_ref=root on:submit=check_fields>{children()}</div> }
}

/// Where a sent form's fields wait for the page to come back.
#[cfg(feature = "hydrate")]
const SENT_FORM: &str = "portal-sent-form";

/// The typed fields of a form (text, numbers, choices; never passwords, files or hidden fields).
#[cfg(feature = "hydrate")]
fn typed_fields(form: &leptos::web_sys::Element) -> Vec<leptos::web_sys::Element> {
    use leptos::wasm_bindgen::JsCast;
    let found = form.query_selector_all(
        "textarea[name], select[name], input[name]:not([type=hidden]):not([type=file]):not([type=password])",
    );
    let Ok(found) = found else { return Vec::new() };
    (0..found.length()).filter_map(|i| found.item(i)?.dyn_into().ok()).collect()
}

/// A radio button or a checkbox: chosen or not, its value fixed.
#[cfg(feature = "hydrate")]
fn is_choice(field: &leptos::web_sys::Element) -> bool {
    matches!(field.get_attribute("type").as_deref(), Some("radio" | "checkbox"))
}

/// From here on this check, not the browser's, speaks for the forms; a refused form gets back
/// what was typed into it.
fn take_back_refused(root: &leptos::web_sys::Element) {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::{SessionStorage, Storage};
        use leptos::web_sys::js_sys::Reflect;
        // The refused form's address, as Leptos's redirect back put it (the last one, if several).
        let search = window().location().search().unwrap_or_default();
        let refused = search
            .split(['?', '&'])
            .filter_map(|pair| pair.strip_prefix("__path="))
            .next_back()
            .and_then(|path| leptos::web_sys::js_sys::decode_uri_component(path).ok())
            .and_then(|path| path.as_string());
        let sent = SessionStorage::get::<(String, Vec<(String, String)>)>(SENT_FORM).ok();
        SessionStorage::delete(SENT_FORM);
        let Ok(forms) = root.query_selector_all("form") else { return };
        for i in 0..forms.length() {
            let Some(form) =
                forms.item(i).and_then(|f| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(f).ok())
            else {
                continue;
            };
            let _ = form.set_attribute("novalidate", "");
            // A form is its action and, where several share one, its id.
            let action = form.get_attribute("action").unwrap_or_default();
            let this = format!("{action}#{}", form.id());
            if let Some((_, fields)) =
                sent.as_ref().filter(|(sent, _)| *sent == this && refused.as_deref() == Some(action.as_str()))
            {
                for field in typed_fields(&form) {
                    let name = field.get_attribute("name").unwrap_or_default();
                    if is_choice(&field) {
                        let value = field.get_attribute("value");
                        let chosen = fields.iter().any(|(n, v)| *n == name && Some(v) == value.as_ref());
                        let _ = Reflect::set(&field, &"checked".into(), &chosen.into());
                    } else if let Some((_, value)) = fields.iter().find(|(n, _)| *n == name) {
                        let _ = Reflect::set(&field, &"value".into(), &value.into());
                    }
                }
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = root;
}

fn check_fields(ev: leptos::ev::SubmitEvent) {
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{Element, HtmlElement, js_sys::Reflect};
    let Some(form) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
    let unchecked = ev.submitter().is_some_and(|button| button.has_attribute("formnovalidate"));
    let fields = form.query_selector_all("[required], [min], [max], [minlength]").ok().filter(|_| !unchecked);
    let read = |field: &HtmlElement, name: &str| Reflect::get(field, &name.into()).ok();
    let mut first = None;
    for i in 0..fields.as_ref().map_or(0, |f| f.length()) {
        let Some(field) = fields.as_ref().and_then(|f| f.item(i)).and_then(|f| f.dyn_into::<HtmlElement>().ok()) else {
            continue;
        };
        let valid =
            read(&field, "validity").and_then(|v| Reflect::get(&v, &"valid".into()).ok()).and_then(|v| v.as_bool());
        let blank = field.has_attribute("required")
            && read(&field, "value").and_then(|v| v.as_string()).is_some_and(|v| v.trim().is_empty());
        let ok = valid != Some(false) && !blank;
        // Its error: `<id>-error`, or a group's, named by each of its buttons.
        let error_id = field.get_attribute("data-error").unwrap_or_else(|| format!("{}-error", field.id()));
        let _ = field.set_attribute("aria-invalid", if ok { "false" } else { "true" });
        // Its description: what it had (a hint), and the error while there is one.
        let mut described: Vec<String> = field
            .get_attribute("aria-describedby")
            .unwrap_or_default()
            .split_whitespace()
            .filter(|id| *id != error_id)
            .map(str::to_owned)
            .collect();
        if !ok {
            described.push(error_id.clone());
        }
        let _ = if described.is_empty() {
            field.remove_attribute("aria-describedby")
        } else {
            field.set_attribute("aria-describedby", &described.join(" "))
        };
        if let Some(error) = document().get_element_by_id(&error_id) {
            let _ = error.toggle_attribute_with_force("hidden", ok);
        }
        if !ok && first.is_none() {
            first = Some(field);
        }
    }
    match first {
        Some(field) => {
            ev.prevent_default();
            let _ = field.focus();
        }
        None => keep_sent(&form),
    }
}

/// A form being sent: its typed fields wait in this tab until the page comes back.
fn keep_sent(form: &leptos::web_sys::Element) {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::{SessionStorage, Storage};
        use leptos::web_sys::js_sys::Reflect;
        // A choice (radio button, checkbox) is kept by its value when it is chosen.
        let chosen = |f: &leptos::web_sys::Element| Reflect::get(f, &"checked".into()).ok()?.as_bool();
        let typed: Vec<(String, String)> = typed_fields(form)
            .iter()
            .filter(|f| !is_choice(f) || chosen(f) == Some(true))
            .filter_map(|f| Some((f.get_attribute("name")?, Reflect::get(f, &"value".into()).ok()?.as_string()?)))
            .collect();
        let this = format!("{}#{}", form.get_attribute("action").unwrap_or_default(), form.id());
        let _ = SessionStorage::set(SENT_FORM, (this, typed));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = form;
}

/// The page a plain form was sent from (its `Referer`, same site only: the path and query), with
/// `done=<what>` in place of any earlier `done` or refusal, for the redirect back.
pub fn back_to(referer: &str, what: &str) -> String {
    let rest = referer.split_once("://").map_or(referer, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    let rest = rest.split('#').next().unwrap_or("/");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let path = if crate::shell::is_site_path(path) { path } else { "/" };
    let mut pairs: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !matches!(p.split('=').next(), Some("done" | "__path" | "__err")))
        .collect();
    let done = format!("done={what}");
    pairs.push(&done);
    format!("{path}?{}", pairs.join("&"))
}

/// After a plain form's server function has done its work: back to the form's page saying so
/// (`done=<what>`). A call from the app's own fetch is answered as usual.
#[cfg(feature = "ssr")]
pub fn back_saying(what: &str) {
    if !crate::auth::server::from_plain_form() {
        return;
    }
    let referer = use_context::<http::request::Parts>()
        .and_then(|parts| parts.headers.get(http::header::REFERER).and_then(|v| v.to_str().ok()).map(str::to_owned));
    leptos_axum::redirect(&back_to(referer.as_deref().unwrap_or("/"), what));
}

/// After a plain form's server function has done its work: on to `path` (a site path), where
/// the form's next step is. A call from the app's own fetch is answered as usual.
#[cfg(feature = "ssr")]
pub fn on_to(path: &str) {
    if crate::auth::server::from_plain_form() && crate::shell::is_site_path(path) {
        leptos_axum::redirect(path);
    }
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn a_form_goes_back_to_its_own_page_saying_what_was_done() {
        assert_eq!(back_to("http://127.0.0.1:3000/messages", "read"), "/messages?done=read");
        assert_eq!(back_to("https://bank.example/settings?x=1#devices", "ended"), "/settings?x=1&done=ended");
        // An earlier note or refusal gives way to this one.
        assert_eq!(
            back_to("http://h/messages?done=all&__path=/api/x&__err=abc&page=2", "read"),
            "/messages?page=2&done=read"
        );
        // Never to another site.
        assert_eq!(back_to("http://h//evil.example/x", "read"), "/?done=read");
        assert_eq!(back_to("http://h/\\evil.example/x", "read"), "/?done=read");
        assert_eq!(back_to("", "read"), "/?done=read");
    }
}
