//! The pages' resources, with their data carried in the page the way server functions' answers
//! are read.
//!
//! A resource's value travels from the server in the page as JSON, which Leptos's default codec
//! reads with `serde_json::from_str`; a server function's answer is read with
//! `serde_json::from_slice`. serde_json compiles its reading code once per reader for every type,
//! and most types arrive both ways (a page's first data in the page, the same call again from a
//! button), so the browser's build held every type's reading code twice: by twiggy, 403 KB read
//! from strings and 366 KB from bytes, a sixth of the whole program before optimisation. Reading
//! the page's text as bytes leaves one.

use leptos::serde_json;
use leptos::server::codee::{Decoder, Encoder};
use serde::{Serialize, de::DeserializeOwned};

/// JSON, read the way server functions' answers are read.
pub struct Json;

impl<T: Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, Self::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, Self::Error> {
        serde_json::from_slice(text.as_bytes())
    }
}

/// A page's resource.
pub type Resource<T> = leptos::prelude::Resource<T, Json>;

/// A resource the page waits for before its first byte is sent (Leptos's `new_blocking`).
#[track_caller]
pub fn blocking<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, boxed(fetcher), true)
}

/// A resource streamed in after the page's first bytes (Leptos's `new`).
#[track_caller]
pub fn streamed<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, boxed(fetcher), false)
}

/// The fetcher with its future boxed, on the server.
///
/// There a fetcher's future is a server function's whole body, its queries' state inline: some
/// kilobytes. Leptos moves the future through several wrappers as it makes the resource (its
/// derived value, the owner's sandbox, the scoped future), and each move copies all of it: on the
/// account overview `memcpy` was 17.7% of the server's instructions (callgrind, 2026-12-06), three
/// quarters of it called from `ArcResource::new_with_options`, `Resource::new_with_options` and
/// `Sandboxed::new`.
/// Boxed, each move is a pointer: the overview's instructions per request fell by 15% (`memcpy`
/// to 5.5%). Its requests/s under `wrk` moved by less than the noise (-2% to +4%): a large copy is
/// few cycles for its instructions. The browser keeps the unboxed future: there the few islands'
/// resources are small, and every byte of the WASM counts.
#[cfg(feature = "ssr")]
fn boxed<S, Fut>(
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> impl Fn(S) -> std::pin::Pin<Box<Fut>> + Send + Sync + 'static
where
    Fut: Future + Send + 'static,
{
    move |source| Box::pin(fetcher(source))
}

#[cfg(not(feature = "ssr"))]
fn boxed<F>(fetcher: F) -> F {
    fetcher
}

/// `value`, handed on at the second poll on the server: written between a `Suspend`'s reading of
/// its resources and the view it builds from them (`match settled(list.await).await { … }`), so that
/// the server builds that view once per request.
///
/// Leptos (0.8.23, `SuspenseBoundary::to_html_async_with_buf`) walks a `<Suspense>`'s or
/// `<Transition>`'s children before rendering them, to find the resources they read: once at once,
/// and again when those have loaded. Each walk calls the content closure anew and polls the
/// `Suspend` it makes once; one whose resources were loaded built its whole view there (its
/// components, and the server functions of resources made in them), and the walk threw it away.
/// The landing page's navigation links were built 28 times per request for 7 links (callgrind,
/// 2026-12-06). Yielding once makes a walk's single poll stop before the view is built; only the
/// render, which polls to the end, builds it. In the browser it hands `value` on at once. (Keeping
/// one `Suspend` across the walks instead was tried and reverted: a complaint's page then hung
/// once in the browser tests, cause not found. Leptos 0.9's `strict` Suspense saves one walk.)
pub async fn settled<T>(value: T) -> T {
    #[cfg(feature = "ssr")]
    tokio::task::yield_now().await;
    value
}

#[cfg(test)]
mod tests {
    use super::Json;
    use leptos::server::codee::{Decoder, Encoder};

    #[test]
    fn a_value_reads_back_as_it_was_written() {
        let value = (7u32, "理财 & more".to_owned(), Some(vec![1.5f64]));
        let text = <Json as Encoder<_>>::encode(&value).unwrap();
        let back: (u32, String, Option<Vec<f64>>) = <Json as Decoder<_>>::decode(&text).unwrap();
        assert_eq!(back, value);
        assert!(<Json as Decoder<u32>>::decode("\"seven\"").is_err());
    }
}
