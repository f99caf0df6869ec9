//! Announcements: what an action did when the page changes in place, without a navigation (a
//! message marked read, a session ended, a visit cancelled, a complaint answered). One polite live
//! region for the whole app, in the page frame (`layout::AppFrame`), says it once; and when the
//! change took the focused control away with it (the button went with its card), the focus goes
//! to the page's `<main>`, so a keyboard user carries on from there instead of the top of the page.
//! And a form whose own check finds problems as it is sent puts the focus on the first of them.

use crate::i18n::*;
use leptos::prelude::*;

/// The frame's announcer; outside the frame's reactive tree (an island, in islands mode) the same
/// live region and `<main>`, found in the page by their ids.
#[derive(Clone, Copy)]
pub struct Announcer {
    frame: Option<(RwSignal<String>, NodeRef<leptos::html::Main>)>,
}

/// The ids of the frame's live region and of its `<main>`.
const LIVE_REGION: &str = "announcer";
const MAIN: &str = "main";

impl Announcer {
    /// Says `text` politely, once (the same text twice is said twice).
    pub fn say(self, text: String) {
        use leptos::wasm_bindgen::JsCast;
        let region = || document().get_element_by_id(LIVE_REGION);
        match self.frame {
            Some((said, _)) => said.set(String::new()),
            None => region().iter().for_each(|region| region.set_text_content(None)),
        }
        request_animation_frame(move || {
            let main = match self.frame {
                Some((said, main)) => {
                    said.set(text);
                    main.get_untracked()
                }
                None => {
                    region().iter().for_each(|region| region.set_text_content(Some(&text)));
                    document().get_element_by_id(MAIN).and_then(|main| main.dyn_into().ok())
                }
            };
            let lost = document().active_element().is_none_or(|el| el.tag_name() == "BODY");
            if let Some(main) = main.filter(|_| lost) {
                let _ = main.focus();
            }
        });
    }
}

/// For every form in the page frame: when a form's own check finds problems as it is sent, it
/// marks the fields `aria-invalid` (`form::TextField` and the like), and the first of them gets
/// the focus, so a keyboard or screen-reader user lands on what to fix, which then says its error.
pub fn focus_first_problem(ev: leptos::ev::SubmitEvent) {
    use leptos::wasm_bindgen::JsCast;
    let Some(form) = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok()) else { return };
    // `form::CheckedForms` checks its own forms, and has put the focus already.
    if form.closest(".checked-forms").ok().flatten().is_some() {
        return;
    }
    request_animation_frame(move || {
        let first = form.query_selector("[aria-invalid=\"true\"]").ok().flatten();
        if let Some(field) = first.and_then(|f| f.dyn_into::<leptos::web_sys::HtmlElement>().ok()) {
            let _ = field.focus();
        }
    });
}

/// Puts the focus on the element `id` once the page has changed: for a step that replaces the
/// one holding the focus ("start over" brings back the first field).
pub fn focus_when_shown(id: &'static str) {
    use leptos::wasm_bindgen::JsCast;
    request_animation_frame(move || {
        let element = document().get_element_by_id(id);
        if let Some(element) = element.and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
}

/// The page frame's announcer.
pub fn use_announcer() -> Announcer {
    use_context().unwrap_or(Announcer { frame: None })
}

/// Provides the announcer for the frame whose `<main>` is `main`, and gives its live region.
pub fn provide_announcer(main: NodeRef<leptos::html::Main>) -> impl IntoView {
    let said = RwSignal::new(String::new());
    provide_context(Announcer { frame: Some((said, main)) });
    view! { <p class="sr-only" role="status" id=LIVE_REGION>{move || said.get()}</p> }
}

/// Says `done` (in the language of the moment) each time the action whose value this is succeeds.
pub fn announce_success<O, E>(
    value: impl With<Value = Option<Result<O, E>>> + 'static,
    done: impl Fn(Locale) -> String + 'static,
) {
    announce_outcome(value, move |_, locale| done(locale));
}

/// Says what `done` makes of the result each time the action whose value this is succeeds: a
/// notice that appears with its text is not reliably read out, so in-place results are said here
/// and their notices are plain text.
pub fn announce_outcome<O, E>(
    value: impl With<Value = Option<Result<O, E>>> + 'static,
    done: impl Fn(&O, Locale) -> String + 'static,
) {
    let (i18n, announcer) = (use_i18n(), use_announcer());
    Effect::new(move |_| {
        if let Some(text) = value.with(|v| match v {
            Some(Ok(outcome)) => Some(done(outcome, i18n.get_locale_untracked())),
            _ => None,
        }) {
            announcer.say(text);
        }
    });
}
