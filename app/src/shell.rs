//! The HTML document, the routes, and the response headers every page carries.

use crate::auth::{Door, provide_session};
use crate::i18n::*;
use crate::layout::{AppFrame, NotFound};
use crate::pages;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, provide_meta_context};
use leptos_router::{
    Lazy, SsrMode,
    components::{Route, Router, Routes},
    path,
};

/// The document around the app. Rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    security_policy::set_content_security_policy();
    // Islands mode: only the islands are hydrated (each turns hydration on for itself), so the
    // data of a resource outside them is not written into the page. Leptos's `HydrationScripts`,
    // which `AppLoader` replaces, does this in islands mode. Without it every page carried its
    // resources' JSON that no code read (10 KB of the account page's 68 KB), and an island's own
    // resource was numbered after them, where the browser, which has only the islands, looks for
    // it first.
    #[cfg(all(feature = "ssr", feature = "islands"))]
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    // Elder mode and the theme, from this browser's cookies, for the first paint (crate::display).
    let display = crate::display::current();
    view! {
        <!DOCTYPE html>
        <html class=display.html_class() data-theme=display.data_theme()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <AutoReload options=options.clone() />
                <NarrowNav />
                {loads_app(&request_path()).then(|| view! { <AppLoader options /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The pages a visitor sees before signing in: whole on the server and plain HTML forms, they load
/// no WASM, so a phone on a slow network can sign in before the app could have arrived. Every other
/// page loads the app (and, reached from these by a link, is a full page load). For a visitor with
/// no session their HTML depends on nothing but the language and the display cookies, so the
/// server renders them once per language and display (`server/src/page_cache.rs`).
pub const PAGES_WITHOUT_APP: [&str; 3] = ["/", "/sign-in", "/staff"];

/// Whether the page at `path` loads the app.
pub fn loads_app(path: &str) -> bool {
    !PAGES_WITHOUT_APP.contains(&path)
}

/// The path of the page being rendered (on the server; the app is never rendered in the browser
/// without hydrating, so the browser never asks).
fn request_path() -> String {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<http::request::Parts>() {
        return parts.uri.path().to_owned();
    }
    String::new()
}

/// Marks the document as scripted before the first paint, so that narrow screens show the
/// navigation folded from the start (style/main.css: `.js`) instead of folding it when the app has
/// hydrated, which moved the whole page (Lighthouse: layout shift 0.12-0.14). Until then the menu
/// button works from here; once hydrated (its `hidden` attribute gone) the app's handler does.
#[component]
fn NarrowNav() -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let script = "document.documentElement.classList.add('js');\
        document.addEventListener('click', (event) => {\
          const button = event.target.closest?.('.menu-toggle[hidden]');\
          if (button) button.setAttribute('aria-expanded', String(document.getElementById('main-nav').classList.toggle('open')));\
        });";
    view! { <script nonce=nonce>{script}</script> }
}

/// Loads and hydrates the app once the page's first contentful paint has been shown (what Leptos's
/// `HydrationScripts` does, without its preload links in the head: those started the WASM download
/// before the first paint, where on a slow phone network it shares the line with the page and its
/// style sheet). Until then every form already works: it posts without WASM, or waits inert. The
/// paint is the browser's `first-contentful-paint` entry, as it reports when the frame is shown: a
/// frame's animation callback (what this waited for before) runs before the frame is shown, and in
/// one Lighthouse run of ten the requests started before it, so its simulation held the largest
/// paint back until they had all arrived (3.6 s instead of 0.9 s). Without paint entries the next
/// frame starts it; when no paint comes in 5 s (a tab opened in the background), the timer does.
/// The app hydrates in a task of its own once its WASM is instantiated, not in the same one.
///
/// First it asks for the app and for every file of the page's own unit (`crate::pages`), as
/// preloads that the app's and the split loader's requests then take up. Otherwise the unit's files
/// are requested from inside the task that starts the app, once the app has arrived: on the
/// overview (51 files) those requests took 32 of that task's 98 ms (Chromium trace, unthrottled),
/// and the downloads started only then.
#[component]
fn AppLoader(options: LeptosOptions) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let pkg = format!("/{}", options.site_pkg_dir);
    let app = format!("{pkg}/{}", options.output_name);
    #[cfg(feature = "ssr")]
    let unit = pages::unit_of(&request_path()).map_or("", |unit| unit_files::of(&options, unit));
    #[cfg(not(feature = "ssr"))]
    let unit = "";
    // How the app starts once its WASM is instantiated: it hydrates the page; in islands mode it
    // starts the reactive system, and each island in the page is then hydrated by its exported
    // function, outer ones first, as Leptos's own island script does (a `leptos-children`
    // element's callback gives the islands inside it their parent island's context).
    #[cfg(not(feature = "islands"))]
    let start_app = "setTimeout(() => app.hydrate(), 0)";
    #[cfg(feature = "islands")]
    let start_app = "setTimeout(async () => { app.hydrate(); const parents = [];\
         const walk = async (node) => { if (node.nodeType !== 1) return;\
         if (node.tagName === 'LEPTOS-ISLAND') { const hydrate = app[node.dataset.component];\
         if (hydrate) { parents.at(-1)?.(); const done = hydrate(node); if (done?.then) await done; } }\
         const children = node.tagName === 'LEPTOS-CHILDREN'; if (children) parents.push(node.$$on_hydrate);\
         for (const child of node.children) await walk(child); if (children) parents.pop(); };\
         await walk(document.body); document.documentElement.setAttribute('data-hydrated', ''); }, 0)";
    let load = format!(
        "let started = false;\
         const start = () => {{ if (started) return; started = true;\
         const preload = (href, module) => {{ const link = document.createElement('link'); \
         if (module) link.rel = 'modulepreload'; else {{ link.rel = 'preload'; link.as = 'fetch'; link.crossOrigin = 'anonymous'; }} \
         link.href = href; document.head.append(link); }};\
         preload('{app}.js', true); for (const href of ['{app}.wasm', {unit}]) preload(href, false);\
         import('{app}.js').then((app) => app.default({{ module_or_path: '{app}.wasm' }})\
         .then(() => {start_app})); }};\
         if (window.PerformanceObserver?.supportedEntryTypes?.includes('paint')) {{\
         new PerformanceObserver((list, observer) => {{\
         if (list.getEntriesByName('first-contentful-paint').length) {{ observer.disconnect(); setTimeout(start, 0); }}\
         }}).observe({{ type: 'paint', buffered: true }}); setTimeout(start, 5000);\
         }} else requestAnimationFrame(() => setTimeout(start, 0));"
    );
    view! { <script id="app-loader" type="module" nonce=nonce>{load}</script> }
}

/// The WASM files of each unit, from the split manifest that `cargo leptos build --split` writes
/// next to the app (none without it: the app is then one file). Read once, and kept as the loader
/// writes them (`'/pkg/chunk_9.wasm','/pkg/…'`), so a page only looks its unit up.
#[cfg(feature = "ssr")]
mod unit_files {
    use leptos::prelude::LeptosOptions;
    use std::collections::HashMap;
    use std::sync::OnceLock;

    static UNITS: OnceLock<HashMap<String, String>> = OnceLock::new();

    /// The unit's files as a list for the loader's script: "" for an unknown unit.
    pub fn of(options: &LeptosOptions, unit: &str) -> &'static str {
        let units = UNITS.get_or_init(|| {
            let pkg = options.site_pkg_dir.as_ref();
            let path = std::path::Path::new(options.site_root.as_ref()).join(pkg).join("__wasm_split_manifest.json");
            let Ok(text) = std::fs::read_to_string(&path) else { return HashMap::new() };
            let units = units_in(&text).unwrap_or_else(|error| {
                tracing::warn!(%error, path = %path.display(), "the split manifest is unreadable: pages preload only the app");
                HashMap::new()
            });
            // File names are letters, digits and '_' (units_in) with ".wasm": safe in quotes.
            units
                .into_iter()
                .map(|(unit, files)| {
                    (unit, files.iter().map(|file| format!("'/{pkg}/{file}'")).collect::<Vec<_>>().join(","))
                })
                .collect()
        });
        units.get(unit).map_or("", String::as_str)
    }

    /// Each unit's files by its `#[lazy]` function's name. The manifest's keys are that name and a
    /// hash (`accounts_job_3741373931119999104`), each listing the chunks it loads, its own file
    /// (`split_<key>`) among them. An entry with any other kind of name is left out.
    pub fn units_in(manifest: &str) -> Result<HashMap<String, Vec<String>>, serde_json::Error> {
        let manifest: HashMap<String, Vec<String>> = serde_json::from_str(manifest)?;
        let plain = |name: &str| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        Ok(manifest
            .into_iter()
            .filter_map(|(key, chunks)| {
                let (unit, hash) = key.rsplit_once('_')?;
                let named = plain(unit) && !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_digit());
                (named && chunks.iter().all(|chunk| plain(chunk)))
                    .then(|| (unit.to_owned(), chunks.iter().map(|chunk| format!("{chunk}.wasm")).collect()))
            })
            .collect())
    }

    #[cfg(test)]
    mod tests {
        use super::units_in;

        #[test]
        fn a_unit_lists_its_chunks_and_its_own_file_by_its_function_name() {
            let units = units_in(
                r#"{"accounts_job_3741373931119999104": ["chunk_9", "split_accounts_job_3741373931119999104"],
                    "forgot_password_job_16477770749975756256": ["chunk_11"],
                    "no_hash": ["chunk_1"], "odd_job_12": ["../x"], "job_1x": ["chunk_2"]}"#,
            )
            .unwrap();
            assert_eq!(units["accounts_job"], ["chunk_9.wasm", "split_accounts_job_3741373931119999104.wasm"]);
            assert_eq!(units["forgot_password_job"], ["chunk_11.wasm"]);
            assert_eq!(
                units.len(),
                2,
                "names without a numeric hash, or files outside the folder, are left out: {units:?}"
            );
            assert!(units_in("not json").is_err());
        }
    }
}

/// The application: i18n context, meta tags and routes. Mounted by `hydrate()` in the browser.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_session();
    // Each account a page shows is read once, however many of its parts ask.
    #[cfg(feature = "ssr")]
    provide_context(crate::accounts::AccountsRead::default());
    view! {
        <I18nContextProvider>
            <Stylesheet id="portal-css" href="/pkg/portal.css" />
            <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
            <Link rel="manifest" href="/manifest.webmanifest" />
            <Meta name="theme-color" content="#9b1c1c" />
            <Router>
                <AppFrame>
                    <Routes fallback=NotFound>
                        // The pages a visitor sees before signing in: whole in the first response,
                        // as they load no WASM (PAGES_WITHOUT_APP) to fill in what was streamed. Their
                        // code stays in the app (reached inside it by a sign-out or an idle timeout):
                        // as lazy routes, measured 2026-12-03, the app grew from 310 to 359 KB and
                        // every other page by 50-95 KB, their shared code split into many more chunks;
                        // left out of the browser's build altogether, the app grew to 357 KB and every
                        // page by 50-76 KB (wasm-split then put the pages' data in the app).
                        <Route path=path!("/") view=crate::landing::LandingPage ssr=SsrMode::Async />
                        <Route path=path!("/sign-in") view=|| view! { <crate::auth::SignInPage door=Door::Customer /> } ssr=SsrMode::Async />
                        <Route path=path!("/staff") view=|| view! { <crate::auth::SignInPage door=Door::Staff /> } ssr=SsrMode::Async />
                        // Loaded when first visited (crate::pages), and whole in the first response
                        // (SsrMode::Async): they work without WASM, and their title is in the head
                        // (a streamed page's head is sent before its title is known).
                        <Route path=path!("/forgot-password") view={Lazy::<pages::ForgotPassword>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/home") view={Lazy::<pages::StaffHome>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/appointments") view={Lazy::<pages::BranchDay>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/reports") view={Lazy::<pages::WeekReport>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/complaints") view={Lazy::<pages::ComplaintQueue>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/complaints/report") view={Lazy::<pages::ComplaintReport>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/complaints/:id") view={Lazy::<pages::StaffComplaint>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/customers") view={Lazy::<pages::CustomerSearch>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/assist/new") view={Lazy::<pages::StartAssist>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/assist/:id") view={Lazy::<pages::AssistStatus>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/delegations") view={Lazy::<pages::Delegations>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/wealth") view={Lazy::<pages::WealthReview>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/accounts") view={Lazy::<pages::Accounts>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/accounts/:id") view={Lazy::<pages::Account>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/accounts/:id/statement") view={Lazy::<pages::Statement>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/accounts/:id/transactions/:tx/report") view={Lazy::<pages::Report>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/appointments") view={Lazy::<pages::Appointments>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/appointments/book") view={Lazy::<pages::Book>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/appointments/:id") view={Lazy::<pages::Appointment>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/complaints") view={Lazy::<pages::Complaints>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/complaints/new") view={Lazy::<pages::NewComplaint>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/complaints/:id") view={Lazy::<pages::Complaint>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/wealth") view={Lazy::<pages::Wealth>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/wealth/assessment") view={Lazy::<pages::Assessment>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/wealth/assessments/:id") view={Lazy::<pages::AssessmentResult>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/wealth/products/:code") view={Lazy::<pages::WealthProduct>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/messages") view={Lazy::<pages::Messages>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/settings") view={Lazy::<pages::Settings>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/settings/password") view={Lazy::<pages::ChangePassword>::new()} ssr=SsrMode::Async />
                    </Routes>
                </AppFrame>
            </Router>
        </I18nContextProvider>
    }
}

/// Loads `path` as a new page: everything on it is read again, including the session the browser
/// now presents (a delegated session's start and end, an idle sign-out).
pub fn load_page(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Loads the page the browser is on again.
pub fn reload_page() {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().location().reload();
    }
}

/// Parses a language tag the way the locale switch and the server's `/locale` route receive it.
pub fn parse_locale(tag: &str) -> Option<Locale> {
    use leptos_i18n::Locale as _;
    Locale::get_all().iter().copied().find(|l| l.as_str().eq_ignore_ascii_case(tag))
}

/// Whether `path` stays on this site, so a visitor may be sent there after signing in or
/// switching language: "/x?y" yes; "//evil", "https://evil", "/\\evil" and control characters no.
pub fn is_site_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\") && !path.chars().any(char::is_control)
}

#[cfg(feature = "ssr")]
pub mod security_policy {
    use leptos::nonce::use_nonce;
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    /// The page's Content-Security-Policy. It must carry this response's nonce, which Leptos
    /// also puts on its inline hydration scripts; a fixed header would break hydration.
    pub fn content_security_policy(nonce: &str) -> String {
        format!(
            "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
    }

    pub fn set_content_security_policy() {
        let Some(nonce) = use_nonce() else { return };
        let Some(response) = use_context::<ResponseOptions>() else { return };
        if let Ok(value) = http::HeaderValue::from_str(&content_security_policy(&nonce)) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn locale_tags_parse_case_insensitively_and_unknown_tags_are_refused() {
        assert_eq!(parse_locale("zh-CN"), Some(Locale::zh_CN));
        assert_eq!(parse_locale("EN"), Some(Locale::en));
        assert_eq!(parse_locale("fr"), None);
        assert_eq!(parse_locale(""), None);
    }

    #[test]
    fn the_pages_before_signing_in_load_no_app_and_every_other_page_does() {
        for path in ["/", "/sign-in", "/staff"] {
            assert!(!loads_app(path), "{path}");
        }
        for path in ["/accounts", "/forgot-password", "/staff/home", "/sign-in/x", "/no-such-page", ""] {
            assert!(loads_app(path), "{path}");
        }
    }

    #[test]
    fn the_policy_allows_only_nonced_scripts_and_no_framing() {
        let csp = security_policy::content_security_policy("abc123");
        assert!(csp.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }
}
