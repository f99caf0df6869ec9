//! Leptos's server rendering as the portal's pages use it: the content of a `<Suspense>` is
//! built once per render when it is given through `app::resource::suspended`.

use leptos::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Renders a Suspense whose content reads one resource, and answers the HTML and how many times
/// the content was built (its `Suspend` got past the resource).
async fn render(through_suspended: bool) -> (String, usize) {
    let _ = any_spawner::Executor::init_tokio();
    let built = Arc::new(AtomicUsize::new(0));
    let owner = Owner::new();
    let html = owner.with(|| {
        let data = ArcResource::new(
            || (),
            |_| async {
                tokio::task::yield_now().await;
                7
            },
        );
        let counter = built.clone();
        let content = move || {
            let (data, counter) = (data.clone(), counter.clone());
            Suspend::new(async move {
                let n = data.await;
                counter.fetch_add(1, Ordering::SeqCst);
                view! { <p>"n = " {n}</p> }
            })
        };
        if through_suspended {
            view! { <Suspense fallback=|| "…">{app::resource::suspended(content)}</Suspense> }
                .into_any()
                .to_html_stream_in_order()
        } else {
            view! { <Suspense fallback=|| "…">{content}</Suspense> }.into_any().to_html_stream_in_order()
        }
    });
    let html = futures::StreamExt::collect::<String>(html).await;
    drop(owner);
    (html, built.load(Ordering::SeqCst))
}

#[tokio::test]
async fn a_suspense_content_is_built_once_through_suspended() {
    let (html, built) = render(true).await;
    assert!(html.contains("n = <!>7") || html.contains("n = 7"), "rendered: {html}");
    assert_eq!(built, 1, "the content was built {built} times for one render");
}

/// Why `suspended` exists. When this fails after an upgrade of Leptos, a closure is no longer
/// called anew for each walk over the Suspense's children, and `suspended` can go.
#[tokio::test]
async fn a_closure_as_a_suspense_content_is_built_more_than_once() {
    let (html, built) = render(false).await;
    assert!(html.contains('7'), "rendered: {html}");
    assert!(built > 1, "the content was built {built} times for one render");
}
