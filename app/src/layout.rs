//! The chrome around every page: skip link, header with brand, language switch and main
//! navigation, the `<main>` landmark, the footer, and the not-found page.

use crate::i18n::*;
use crate::resource::settled;
use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

/// Sets the document title to "<page> · <bank>".
///
/// The page's text is read with `try_get`: a page hydrated inside a `<Transition>` and then left
/// by a link can leave its `<Title>` in leptos_meta's (0.8.7) title stack after its owner, and the
/// text's signal, are gone; once the titles above it are removed, leptos_meta reads it again (seen:
/// a visit's page loaded from a message, left for the complaint form, then "follow it" to the new
/// complaint panicked with "already been disposed" and stopped the app). Such a title reads as the
/// bank's name until the next page's title is in place.
#[component]
pub fn PageTitle(#[prop(into)] text: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let title = move || match text.try_get() {
        Some(text) => format!("{} · {}", text, t_string!(i18n, bank_name)),
        None => t_string!(i18n, bank_name).to_string(),
    };
    view! { <Title text=in_own_owner(title) /> }
}

/// The bank's name as the title of every page until the page's own `PageTitle` is in place (in a
/// streamed response the head is sent before the page's content; in the browser while a page's
/// code loads). It is also the first `<Title>` to be built or hydrated: leptos_meta (0.8.7) runs
/// the one effect that writes `document.title` in the owner of the first, and a page's owner ends
/// when the page is rebuilt or left, after which titles would stop changing (empty titles were
/// seen once pages loaded on demand). The frame's owner lives as long as the app.
#[component]
fn SiteTitle() -> impl IntoView {
    let i18n = use_i18n();
    view! { <Title text=in_own_owner(move || t_string!(i18n, bank_name).to_string()) /> }
}

/// A title text read inside the owner it was made in.
///
/// On the server leptos_integration_utils (0.8.9, and 0.9.0-rc1 alike) reads `<Title>` texts
/// after the render, in `ServerMetaContextOutput::inject_meta_context`, outside the request's
/// `Sandboxed` arena: reactive values are then looked up in whichever request's arena the worker
/// thread polled last. With one request in flight that is its own; with several, another's, and
/// the read panics as "already been disposed" (HTTP 500 on `SsrMode::Async` pages under load).
/// `Owner::with` makes this request's arena current for the read.
fn in_own_owner(text: impl Fn() -> String + Send + Sync + 'static) -> impl Fn() -> String + Send + Sync + 'static {
    #[cfg(feature = "ssr")]
    let text = {
        let owner = Owner::current();
        move || match &owner {
            Some(owner) => owner.with(&text),
            None => text(),
        }
    };
    text
}

#[component]
pub fn AppFrame(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    crate::messages::page::provide_inbox();
    let main_ref = NodeRef::<leptos::html::Main>::new();
    let announcements = crate::announce::provide_announcer(main_ref);
    // Native fragment links move focus, but the client-side router intercepts them: do it here.
    let skip_to_main = move |ev: leptos::ev::MouseEvent| {
        if let Some(main) = main_ref.get() {
            ev.prevent_default();
            let _ = main.focus();
            main.scroll_into_view();
        }
    };
    let session = crate::auth::use_session();
    // A delegated session's banner over every page (for the agent); the customer's notice of a
    // request or a live session, at the top of the page's content.
    let banner = move || {
        Suspend::new(async move {
            let banner = settled(session.viewer.await).await.ok().flatten().and_then(|viewer| viewer.assist);
            banner.map(|banner| view! { <crate::delegation::pages::AssistBar banner /> })
        })
    };
    let notice = move || {
        Suspend::new(async move {
            let viewer = settled(session.viewer.await).await.ok().flatten();
            let offer = viewer.as_ref().is_some_and(|viewer| viewer.offer_elder);
            let notice = viewer.and_then(|viewer| viewer.assist_notice);
            view! {
                {offer.then(|| view! { <crate::display::ElderOffer /> })}
                {notice.map(|notice| view! { <crate::delegation::pages::AssistNoticeBox notice /> })}
            }
        })
    };
    // Only for a signed-in person: the idle watch, and whose drafts the page's islands keep.
    let idle_watch = move || {
        Suspend::new(async move {
            let viewer = settled(session.viewer.await).await.ok().flatten();
            viewer.map(|viewer| {
                let clock = crate::auth::IdleClock::of(&viewer);
                view! {
                    <crate::auth::IdleWatch clock />
                    <crate::form::DraftOwner principal=viewer.principal />
                }
            })
        })
    };
    view! {
        <SiteTitle />
        <a class="skip-link" href="#main" on:click=skip_to_main>{tr!(i18n, skip_to_content)}</a>
        <Transition fallback=|| ()>{banner}</Transition>
        <SiteHeader />
        <Transition fallback=|| ()>{idle_watch}</Transition>
        <main id="main" tabindex="-1" node_ref=main_ref on:submit=crate::announce::focus_first_problem>
            <crate::delegation::pages::AssistDone />
            <Transition fallback=|| ()>{notice}</Transition>
            {children()}
            {announcements}
        </main>
        <footer class="site-footer">
            <p>{tr!(i18n, footer.hotline)}</p>
            <p>"© 2026 " {tr!(i18n, footer.rights)}</p>
        </footer>
    }
}

#[component]
fn SiteHeader() -> impl IntoView {
    let i18n = use_i18n();
    // Without script the navigation is shown in full; where script runs, narrow screens fold it
    // behind the menu button from the first paint (shell::NarrowNav), and the app takes the button
    // over once hydrated.
    let hydrated = crate::form::hydrated();
    let menu_open = RwSignal::new(false);
    // The menu button repeats the unread count the folded navigation holds (rendered on the
    // server too: in islands mode the header is the server's HTML).
    let inbox = crate::messages::page::use_inbox();
    let unread = move || {
        Suspend::new(async move {
            let n = settled(inbox.unread.await).await.unwrap_or(0);
            (n > 0).then(
                || view! { " " <span class="count">{n}<span class="sr-only">{tr!(i18n, nav.unread)}</span></span> },
            )
        })
    };
    let location = use_location();
    // Following a link closes the menu.
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });

    view! {
        <header class="site-header">
            <div class="header-bar">
                <a class="brand" href="/">
                    <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
                        <rect width="32" height="32" rx="6" fill="currentColor" />
                        <path d="M8 22h16M10 20v-7M16 20v-7M22 20v-7M7 12l9-5 9 5z" stroke="#fff" stroke-width="2" fill="none" />
                    </svg>
                    <span class="brand-text">
                        <span class="brand-name">{tr!(i18n, bank_name)}</span>
                        <span class="brand-sub">{tr!(i18n, portal_name)}</span>
                    </span>
                </a>
                <div class="header-tools">
                    <crate::display::ElderSwitch />
                    <LanguageSwitch />
                    <button
                        type="button"
                        class="menu-toggle"
                        hidden=move || !hydrated.get()
                        aria-controls="main-nav"
                        aria-expanded=move || menu_open.get().to_string()
                        on:click=move |_| menu_open.update(|open| *open = !*open)
                    >
                        <span aria-hidden="true" class="menu-icon"></span>
                        // Both words, the one that does not apply hidden by the style (by
                        // `aria-expanded`, which the page's own script sets until the app is live).
                        <span class="menu-open-label">{tr!(i18n, menu.open)}</span>
                        <span class="menu-close-label">{tr!(i18n, menu.close)}</span>
                        <Transition fallback=|| ()>{unread}</Transition>
                    </button>
                </div>
            </div>
            <nav
                id="main-nav"
                class="main-nav"
                class:open=move || menu_open.get()
                aria-label=move || t_string!(i18n, menu.main)
            >
                <ul>
                    <NavLinks />
                    <li class="nav-sign-in"><SessionControl /></li>
                </ul>
            </nav>
        </header>
    }
}

/// The main navigation: the customer's areas, or for staff their home. One Transition reads
/// both the session and the unread count (nested ones broke hydration).
#[component]
fn NavLinks() -> impl IntoView {
    let i18n = use_i18n();
    let session = crate::auth::use_session();
    let inbox = crate::messages::page::use_inbox();
    let customer_links = move |unread: u32| {
        view! {
            <li><NavLink href="/accounts">{tr!(i18n, nav.accounts)}</NavLink></li>
            <li><NavLink href="/appointments">{tr!(i18n, nav.appointments)}</NavLink></li>
            <li><NavLink href="/complaints">{tr!(i18n, nav.complaints)}</NavLink></li>
            <li><NavLink href="/wealth">{tr!(i18n, nav.wealth)}</NavLink></li>
            <li><crate::messages::page::MessagesNavLink unread /></li>
            <li><NavLink href="/settings">{tr!(i18n, nav.settings)}</NavLink></li>
        }
    };
    view! {
        <Transition fallback=move || customer_links(0)>
            {move || Suspend::new(async move {
                match settled(session.viewer.await).await {
                    Ok(Some(viewer)) if viewer.role.is_staff() => {
                        view! { <li><NavLink href="/staff/home">{tr!(i18n, nav.staff_home)}</NavLink></li> }.into_any()
                    }
                    Ok(Some(_)) => customer_links(inbox.unread.await.unwrap_or(0)).into_any(),
                    _ => customer_links(0).into_any(),
                }
            })}
        </Transition>
    }
}

/// A link of the main navigation, marked as the current page (`aria-current`) while the location
/// is in its area. A plain `<a>`: the router follows it in the browser all the same, and it costs
/// no memo per link on every render the way the router's `<A>` does (its resolved href and its
/// activity; the navigation was a tenth of the landing page's server time).
#[component]
pub fn NavLink(href: &'static str, children: Children) -> impl IntoView {
    let location = use_location();
    let current = move || location.pathname.with(|path| in_area(href, path)).then_some("page");
    view! { <a href=href aria-current=current>{children()}</a> }
}

/// Whether `path` is the page `href` or one below it (`/accounts/1` is in `/accounts`, but
/// `/accountsx` is not).
fn in_area(href: &str, path: &str) -> bool {
    path.strip_prefix(href).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// "Sign in" for visitors; the customer's name and "Sign out" once signed in.
#[component]
fn SessionControl() -> impl IntoView {
    let i18n = use_i18n();
    let session = crate::auth::use_session();
    let sign_out = ServerAction::<crate::auth::SignOut>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if sign_out.value().get().is_some() {
            session.version.update(|v| *v += 1);
            navigate("/", Default::default());
        }
    });
    let sign_in_link = move || view! { <NavLink href="/sign-in">{tr!(i18n, nav.sign_in)}</NavLink> };
    let sign_out_url = <crate::auth::SignOut as leptos::server_fn::ServerFn>::url();
    view! {
        <Transition fallback=sign_in_link>
            {move || Suspend::new(async move {
                match settled(session.viewer.await).await {
                    Ok(Some(viewer)) => view! {
                        <span class="viewer">{viewer.name}</span>
                        // A form, for the pages that load no app (a signed-in customer may open the
                        // landing page): posted, it signs out and sends the browser home.
                        <form class="sign-out-form" method="post" action=sign_out_url>
                            <button
                                type="submit"
                                class="sign-out"
                                on:click=move |ev| {
                                    ev.prevent_default();
                                    sign_out.dispatch(crate::auth::SignOut {});
                                }
                            >
                                {tr!(i18n, nav.sign_out)}
                            </button>
                        </form>
                    }
                    .into_any(),
                    _ => sign_in_link().into_any(),
                }
            })}
        </Transition>
    }
}

/// Switches between Chinese and English. A plain form (works without WASM: the server sets the
/// cookie and sends the visitor back); once hydrated it switches in place without a reload.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let other = move || match i18n.get_locale() {
        Locale::zh_CN => Locale::en,
        Locale::en => Locale::zh_CN,
    };
    let announcer = crate::announce::use_announcer();
    let back = move || {
        let search = location.search.get();
        let sep = if search.is_empty() || search.starts_with('?') { "" } else { "?" };
        format!("{}{sep}{search}", location.pathname.get())
    };
    view! {
        <form class="lang-switch" method="get" action="/locale">
            <input type="hidden" name="to" value=move || other().as_str() />
            <input type="hidden" name="back" value=back />
            <button
                type="submit"
                lang=move || other().as_str()
                on:click=move |ev| {
                    ev.prevent_default();
                    let to = other();
                    i18n.set_locale(to);
                    remember_locale(to);
                    // The page changes in place: say so, in the language it is now in.
                    announcer.say(td_string!(to, language.switched).to_string());
                }
            >
                <svg class="globe" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <circle cx="12" cy="12" r="9" />
                    <path d="M3 12h18M12 3c2.5 2.7 3.8 5.7 3.8 9s-1.3 6.3-3.8 9c-2.5-2.7-3.8-5.7-3.8-9S9.5 5.7 12 3z" />
                </svg>
                {tr!(i18n, language.switch_to)}
            </button>
        </form>
    }
}

/// In the browser: the language cookie, as the server's `/locale` sets it (a year, site-wide), so
/// that the next page the server renders is in the language just chosen.
fn remember_locale(locale: Locale) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::web_sys::js_sys::Reflect;
        let https = window().location().protocol().as_deref() == Ok("https:");
        let cookie = crate::preference_cookie(crate::LOCALE_COOKIE, locale.as_str(), https);
        let _ = Reflect::set(&document(), &"cookie".into(), &cookie.into());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = locale;
}

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, not_found.title).to_string()) />
        <section class="page narrow">
            <h1>{tr!(i18n, not_found.title)}</h1>
            <p>{tr!(i18n, not_found.body)}</p>
            <p><a class="button" href="/">{tr!(i18n, not_found.back_home)}</a></p>
        </section>
    }
}

/// The page of an area whose feature has not been built yet: its title and what it will hold.
#[component]
pub fn AreaPage(#[prop(into)] title: Signal<String>, #[prop(into)] lead: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=title />
        <section class="page">
            <h1>{title}</h1>
            <p class="lead">{lead}</p>
            <p class="notice">{tr!(i18n, area.coming)}</p>
        </section>
    }
}

/// What a page shows while its data loads.
pub fn loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p role="status">{tr!(i18n, settings.loading)}</p> }
}

/// What a page shows when its data could not be loaded.
pub fn failed() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="error-box" role="alert">{tr!(i18n, error.generic)}</p> }
}

/// Like [`failed`], saying so when what failed is for the customer to do in person (refused in a
/// delegated session).
pub fn failed_because(error: &crate::error::AppError) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let in_person = matches!(error, crate::error::AppError::InPersonOnly);
    view! {
        <p class="error-box" role="alert">
            {move || if in_person { t_string!(i18n, assist.in_person_only) } else { t_string!(i18n, error.generic) }}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::in_area;

    #[test]
    fn a_link_is_current_on_its_page_and_the_pages_below_it() {
        assert!(in_area("/accounts", "/accounts"));
        assert!(in_area("/accounts", "/accounts/"));
        assert!(in_area("/accounts", "/accounts/1/history"));
        assert!(in_area("/staff/home", "/staff/home"));
    }

    #[test]
    fn a_link_is_not_current_elsewhere() {
        assert!(!in_area("/accounts", "/"));
        assert!(!in_area("/accounts", "/accountsx"));
        assert!(!in_area("/accounts", "/appointments"));
        assert!(!in_area("/staff/home", "/staff/appointments"));
        assert!(!in_area("/sign-in", "/sign-in-help"));
    }
}
