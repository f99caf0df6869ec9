//! Each request's reactive work (Leptos's owner tree, its effects and resource tasks) kept to
//! that request, and done one piece at a time, as it would be in a browser tab.
//!
//! Two faults of the Leptos 0.8 server side are worked around here, in one place:
//!
//! - **A stale thread-local owner.** reactive_graph 0.2.16's `Owner::new_root` makes a page's
//!   new root the thread's current owner and nothing unsets it; leptos_integration_utils 0.8.9
//!   then renders `SsrMode::Async` pages outside `Owner::with` (0.9 wraps that render in its
//!   owner), so the render finds its contexts through that thread-local. Left on the thread, the
//!   root was found by whatever ran there next: leptos_axum 0.8.10's static-file and
//!   server-function handlers hang their owners under it (`Owner::new()`), and the static-file
//!   handler took the page's `ResponseOptions` headers into its own response (the page then came
//!   without its policy, so the browser blocked its scripts; a renewed session cookie could have
//!   gone to another browser the same way); and a page resumed on another thread found another
//!   request's root. No upstream issue found. So at every poll of the request (and of its
//!   response body) the worker thread's current owner is the one this request left current, or
//!   none, and nothing of it stays behind on the thread for the next task.
//!
//! - **Effects racing the end of their request.** A server-side `<Suspense>`/`<Transition>`
//!   (leptos 0.8.23) checks for pending resources in an isomorphic effect, a task of its own on
//!   the thread pool, which walks the boundary's children (`dry_resolve`) and so runs their
//!   render closures. When the response body is dropped (the browser left mid-stream) or
//!   finishes, the request's owner is disposed on the thread that polled the body, possibly
//!   while that effect is half-way through its walk on the other: its next signal read (here,
//!   the language, in `/settings`) panicked with "already been disposed". Upstream: the same
//!   family as leptos#3595 and the cancelled-request panics reported on leptos#4698. So every
//!   task spawned while a request is polled belongs to that request: its polls, the request's
//!   and the body's take the request's lock, and once the request is over (its body ended or
//!   dropped) its remaining tasks are dropped without being polled again.

use any_spawner::{CustomExecutor, Executor, PinnedFuture, PinnedLocalFuture};
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use futures::{Stream, StreamExt};
use leptos::prelude::Owner;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Once, PoisonError};
use std::task::{Context, Poll};

/// Makes this module's executor the one Leptos spawns its tasks on. Call before anything of
/// Leptos runs (leptos_axum sets tokio's, quietly, if none is set).
pub fn install_executor() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        if Executor::init_custom_executor(RequestTasks).is_err() {
            tracing::error!("another async executor was set before the portal's: requests' tasks are not kept to them");
        }
    });
}

/// The middleware (outermost layer): the request, its body and its tasks share one
/// [`RequestScope`], and the request keeps its own reactive owner.
pub async fn isolate(req: Request, next: Next) -> Response {
    let scope = RequestScope::new();
    let mut owner = None;
    let inner: PinnedFuture<Response> = Box::pin(next.run(req));
    let mut request = Ended { scope: scope.clone(), inner: Some(inner) };
    let response = std::future::poll_fn(|cx| {
        let inner = request.inner.as_mut().expect("polled after it was answered");
        // Only the end of the body or a drop ends a request: not over yet.
        scope.enter(|| with_own_owner(&mut owner, || inner.as_mut().poll(cx))).unwrap_or(Poll::Pending)
    })
    .await;
    // Answered: the request's future goes (under the lock), the request goes on in its body.
    let answered = request.inner.take();
    scope.locked(|| drop(answered));
    let (parts, body) = response.into_parts();
    let body = ScopedBody { scope, owner, data: Some(body.into_data_stream()) };
    Response::from_parts(parts, Body::from_stream(body))
}

/// One request's lock, and whether it is over.
struct RequestScope {
    lock: Mutex<()>,
    over: AtomicBool,
}

thread_local! {
    /// The request whose work this thread is doing now (its lock held).
    static CURRENT: RefCell<Option<Arc<RequestScope>>> = const { RefCell::new(None) };
}

impl RequestScope {
    fn new() -> Arc<RequestScope> {
        Arc::new(RequestScope { lock: Mutex::new(()), over: AtomicBool::new(false) })
    }

    /// Runs `work` holding this request's lock, as the thread's current request. Re-entrant:
    /// work already inside this request runs straight away.
    fn locked<T>(self: &Arc<Self>, work: impl FnOnce() -> T) -> T {
        if CURRENT.with_borrow(|c| c.as_ref().is_some_and(|s| Arc::ptr_eq(s, self))) {
            return work();
        }
        let _lock = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        let _current = Current::set(self.clone());
        work()
    }

    /// Runs `work` as [`locked`](Self::locked) does, unless the request is over (`None`).
    fn enter<T>(self: &Arc<Self>, work: impl FnOnce() -> T) -> Option<T> {
        self.locked(|| (!self.over.load(Ordering::Acquire)).then(work))
    }

    /// Ends the request: under its lock, marks it over and runs `last` (the drops that dispose
    /// of its reactive owner).
    fn end(self: &Arc<Self>, last: impl FnOnce()) {
        self.locked(|| {
            self.over.store(true, Ordering::Release);
            last();
        });
    }
}

/// Sets the thread's current request, and puts the previous one back when dropped (also when
/// the work panics).
struct Current(Option<Arc<RequestScope>>);

impl Current {
    fn set(scope: Arc<RequestScope>) -> Current {
        Current(CURRENT.replace(Some(scope)))
    }
}

impl Drop for Current {
    fn drop(&mut self) {
        CURRENT.set(self.0.take());
    }
}

/// The request's future, which ends the request if dropped before it answered (an abandoned
/// request).
struct Ended<T> {
    scope: Arc<RequestScope>,
    inner: Option<T>,
}

impl<T> Drop for Ended<T> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            self.scope.end(|| drop(inner));
        }
    }
}

/// The response body, polled under its request's lock with its request's owner. The request
/// ends with it: when it is whole, or when it is dropped before (the browser left).
struct ScopedBody<S> {
    scope: Arc<RequestScope>,
    owner: Option<Owner>,
    data: Option<S>,
}

impl<S> ScopedBody<S> {
    /// Ends the request, dropping what is left of the body and its owner under the lock.
    fn finish(&mut self) {
        if let Some(data) = self.data.take() {
            let owner = self.owner.take();
            self.scope.end(|| drop((data, owner)));
        }
    }
}

impl<S> Drop for ScopedBody<S> {
    fn drop(&mut self) {
        self.finish();
    }
}

impl<S: Stream + Unpin> Stream for ScopedBody<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = &mut *self;
        let Some(data) = this.data.as_mut() else { return Poll::Ready(None) };
        let owner = &mut this.owner;
        let polled = this.scope.enter(|| with_own_owner(owner, || data.poll_next_unpin(cx)));
        match polled {
            Some(Poll::Ready(None)) | None => {
                // The page is whole (Leptos has disposed of its owner): its stragglers stop.
                this.finish();
                Poll::Ready(None)
            }
            Some(polled) => polled,
        }
    }
}

/// Runs `poll` with `owner` as the thread's current reactive owner (none if `None`), then keeps
/// whichever owner `poll` left current in `owner` and takes it off the thread.
fn with_own_owner<T>(owner: &mut Option<Owner>, poll: impl FnOnce() -> T) -> T {
    let forget = || {
        if let Some(current) = Owner::current() {
            current.unset();
        }
    };
    forget();
    if let Some(own) = owner.as_ref() {
        own.set();
    }
    let result = poll();
    *owner = Owner::current();
    forget();
    result
}

/// The executor: tokio's, with each task tied to the request that spawned it (if any).
struct RequestTasks;

impl CustomExecutor for RequestTasks {
    fn spawn(&self, fut: PinnedFuture<()>) {
        let scope = CURRENT.with_borrow(Clone::clone);
        tokio::spawn(RequestTask { scope, fut: Some(fut) });
    }

    fn spawn_local(&self, fut: PinnedLocalFuture<()>) {
        tokio::task::spawn_local(fut);
    }

    fn poll_local(&self) {}
}

/// A task of a request's: polled under the request's lock, dropped unpolled once it is over.
struct RequestTask {
    scope: Option<Arc<RequestScope>>,
    fut: Option<PinnedFuture<()>>,
}

impl Future for RequestTask {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let Some(fut) = this.fut.as_mut() else { return Poll::Ready(()) };
        let Some(scope) = this.scope.clone() else { return fut.as_mut().poll(cx) };
        match scope.enter(|| fut.as_mut().poll(cx)) {
            Some(Poll::Pending) => Poll::Pending,
            Some(Poll::Ready(())) | None => {
                let fut = this.fut.take();
                scope.locked(|| drop(fut));
                Poll::Ready(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[tokio::test]
    async fn a_requests_tasks_run_while_it_goes_on_and_never_once_it_is_over() {
        install_executor();
        let polls = Arc::new(AtomicUsize::new(0));
        let request = RequestScope::new();
        let (wake, woken) = tokio::sync::mpsc::unbounded_channel::<()>();
        let counted = polls.clone();
        request.enter(|| {
            Executor::spawn(async move {
                let mut woken = woken;
                while woken.recv().await.is_some() {
                    counted.fetch_add(1, Ordering::SeqCst);
                }
            })
        });
        let settle = || async {
            for _ in 0..20 {
                tokio::task::yield_now().await;
            }
        };
        wake.send(()).unwrap();
        settle().await;
        assert_eq!(polls.load(Ordering::SeqCst), 1, "the task runs while its request goes on");

        request.end(|| ());
        let _ = wake.send(());
        settle().await;
        assert_eq!(polls.load(Ordering::SeqCst), 1, "and not after");
        assert!(wake.is_closed(), "it was dropped");

        // Work outside any request is untouched.
        let (done, finished) = tokio::sync::oneshot::channel();
        Executor::spawn(async move {
            let _ = done.send(());
        });
        finished.await.unwrap();
    }
}
