//! Picking files for a message on a complaint, in the browser: the picker with its list (each
//! file removable), what the page can refuse at once (a fourth file, an empty one, one over
//! 5 MB, named), and sending the message with its files as one multipart form. The files stay
//! picked while the filing form gives way to its review page and back.

use super::files::{self, FileProblem};
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::td_string;

/// A refused file in words, naming it.
pub fn file_problem_text(name: &str, problem: FileProblem, locale: Locale) -> String {
    let name = name.to_owned();
    match problem {
        FileProblem::TooMany => td_string!(locale, complaints.file_too_many, name).to_string(),
        FileProblem::TooLarge => td_string!(locale, complaints.file_too_large, name).to_string(),
        FileProblem::Empty => td_string!(locale, complaints.file_empty, name).to_string(),
        FileProblem::WrongType => td_string!(locale, complaints.file_wrong_type, name).to_string(),
    }
}

/// The files picked for one message.
#[derive(Clone, Copy)]
pub struct Picked {
    /// Name and size of each, in order.
    pub list: RwSignal<Vec<(String, u64)>>,
    /// The last file the page refused, and why.
    pub refused: RwSignal<Option<(String, FileProblem)>>,
    #[cfg(feature = "hydrate")]
    files: StoredValue<Vec<web_sys::File>, LocalStorage>,
}

impl Default for Picked {
    fn default() -> Self {
        Self::new()
    }
}

impl Picked {
    pub fn new() -> Picked {
        Picked {
            list: RwSignal::new(Vec::new()),
            refused: RwSignal::new(None),
            #[cfg(feature = "hydrate")]
            files: StoredValue::new_local(Vec::new()),
        }
    }

    /// Adds what the file input holds, refusing (and naming) what the page can tell is wrong.
    #[cfg(feature = "hydrate")]
    fn add_from(&self, input: &web_sys::HtmlInputElement) {
        let Some(chosen) = input.files() else { return };
        self.refused.set(None);
        for i in 0..chosen.length() {
            let Some(file) = chosen.get(i) else { continue };
            let (name, size) = (files::clean_name(&file.name()), file.size() as u64);
            if let Some(problem) = files::check_picked(self.list.with_untracked(Vec::len), size) {
                self.refused.set(Some((name, problem)));
                continue;
            }
            self.files.update_value(|all| all.push(file));
            self.list.update(|list| list.push((name, size)));
        }
        // The same file can be picked again after being removed.
        input.set_value("");
    }

    fn remove(&self, index: usize) {
        #[cfg(feature = "hydrate")]
        self.files.update_value(|all| {
            if index < all.len() {
                all.remove(index);
            }
        });
        self.list.update(|list| {
            if index < list.len() {
                list.remove(index);
            }
        });
        self.refused.set(None);
    }

    /// A multipart form with `fields` and the picked files (`file` parts).
    #[cfg(feature = "hydrate")]
    pub fn form(&self, fields: &[(&str, String)]) -> Result<web_sys::FormData, AppError> {
        let failed = |_| AppError::Transport("the form could not be built".into());
        let form = web_sys::FormData::new().map_err(failed)?;
        for (name, value) in fields {
            form.append_with_str(name, value).map_err(failed)?;
        }
        self.files.with_value(|all| {
            all.iter()
                .try_for_each(|file| form.append_with_blob_and_filename("file", file, &file.name()).map_err(failed))
        })?;
        Ok(form)
    }
}

/// An action that sends a multipart form built when it is dispatched (`build` reads the form's
/// signals), to `send` (a server function taking files). On the server it is never dispatched.
pub fn upload_action<O, Fut>(
    build: impl Fn() -> Vec<(&'static str, String)> + 'static,
    picked: Picked,
    send: fn(leptos::server_fn::codec::MultipartData) -> Fut,
) -> Action<(), Result<O, AppError>>
where
    O: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<O, AppError>> + 'static,
{
    Action::new_local(move |_: &()| {
        #[cfg(feature = "hydrate")]
        let sent = picked.form(&build()).map(|form| send(form.into()));
        #[cfg(not(feature = "hydrate"))]
        let sent: Result<Fut, AppError> = {
            let _ = (&build, picked, send);
            Err(AppError::Transport("files are sent from the browser".into()))
        };
        async move {
            match sent {
                Ok(future) => future.await,
                Err(e) => Err(e),
            }
        }
    })
}

/// The file input with the list of files picked so far, each with a button that removes it.
#[component]
pub fn FilePicker(picked: Picked, id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    // What was added or removed is said; a removal takes its button away, so the focus goes back
    // to the file input.
    let announcer = crate::announce::use_announcer();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let refused =
        move || picked.refused.get().map(|(name, problem)| file_problem_text(&name, problem, i18n.get_locale()));
    let full = move || picked.list.with(Vec::len) >= files::MAX_FILES;
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || if picked.refused.with(Option::is_some) { format!("{hint_id} {error_id}") } else { hint_id.clone() }
    };
    view! {
        <div class="field files">
            <label for=id>{tr!(i18n, complaints.files_label)}</label>
            <p class="hint" id=hint_id.clone()>{tr!(i18n, complaints.files_hint)}</p>
            <input
                type="file"
                id=id
                multiple
                accept=files::ACCEPT
                aria-describedby=described
                disabled=full
                on:change=move |ev| {
                    #[cfg(feature = "hydrate")]
                    {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            let before = picked.list.with_untracked(Vec::len);
                            picked.add_from(&input);
                            let locale = i18n.get_locale_untracked();
                            let names = picked.list.with_untracked(|l| crate::format::format_list(l.iter().skip(before).map(|(n, _)| n.as_str()), locale));
                            if !names.is_empty() {
                                announcer.say(td_string!(locale, complaints.file_added, names = names).to_string());
                            }
                        }
                    }
                    #[cfg(not(feature = "hydrate"))]
                    let _ = ev;
                }
            />
            {move || refused().map(|message| view! { <p class="error" role="alert" id=error_id.clone()>{message}</p> })}
            <ul class="file-list">
                {move || {
                    picked
                        .list
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, (name, size))| {
                            let (label, said) = (name.clone(), name.clone());
                            let removed = move |_| {
                                picked.remove(i);
                                crate::announce::focus_when_shown(id);
                                let locale = i18n.get_locale_untracked();
                                announcer.say(td_string!(locale, complaints.file_removed, name = said.clone()).to_string());
                            };
                            view! {
                                <li>
                                    <span>{format!("{name} · {}", files::size_text(size as i64))}</span>
                                    <button
                                        type="button"
                                        class="button"
                                        on:click=removed
                                    >
                                        {move || td_string!(i18n.get_locale(), complaints.file_remove, name = label.clone()).to_string()}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// The files of a timeline entry: a download link for each the reader may open, else its name.
#[component]
pub fn FileLinks(complaint_id: i64, files: Vec<files::FileView>) -> impl IntoView {
    let i18n = use_i18n();
    (!files.is_empty()).then(|| {
        view! {
            <ul class="file-list">
                {files
                    .into_iter()
                    .map(|f| {
                        let size = files::size_text(f.size_bytes);
                        let name = f.name.clone();
                        if f.openable {
                            let href = format!("/complaints/{complaint_id}/files/{}", f.id);
                            let text = move || {
                                td_string!(i18n.get_locale(), complaints.file_download, name = name.clone(), size = size.clone())
                                    .to_string()
                            };
                            view! { <li><a href=href download>{text}</a></li> }.into_any()
                        } else {
                            let text = move || {
                                td_string!(i18n.get_locale(), complaints.file_locked, name = name.clone(), size = size.clone())
                                    .to_string()
                            };
                            view! { <li>{text}</li> }.into_any()
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}
