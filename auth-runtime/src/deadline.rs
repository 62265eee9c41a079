//! Attempt deadlines without a timer per attempt.
//!
//! Every attempt is bounded by default (30 s), but it almost never runs out. A tokio timer per
//! attempt costs every call a timer-wheel insert and removal and a `Sleep` poll at each of its
//! polls; with one call in flight that was 1–2 % of a loopback round trip. Instead, the
//! deadlines of the attempts still waiting are kept in one table for the process, and one
//! thread, `auth-sdk-deadlines`, wakes those whose deadline has passed.
//!
//! What an attempt pays: nothing if its future is ready at its first poll; else one
//! uncontended lock to register (at the first `Pending`) and one to leave (when it ends or is
//! dropped), and an atomic load at each later poll. Registering never wakes the thread when
//! the new deadline is later than the thread's next planned wake, which holds in the steady
//! state, as every attempt of a client has the same limit. The thread wakes at the earliest
//! registered deadline (which has usually ended by then) or, when none is waiting, once after
//! the last limit seen; after that it sleeps until a deadline is registered.
//!
//! A deadline fires no earlier than its instant, and later by the thread's wake-up latency
//! (the OS's timed wait; under a millisecond when the machine is not overloaded). If the
//! thread cannot be started, attempts fall back to a tokio timer.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// The table, its condition variable and the firing epoch, for the whole process.
static WATCHDOG: Watchdog = Watchdog {
    table: Mutex::new(Table {
        slots: Vec::new(),
        free: Vec::new(),
        planned: None,
        registrations: 0,
        last_limit: Duration::ZERO,
    }),
    wake: Condvar::new(),
    epoch: AtomicU64::new(0),
};

/// Whether the thread runs (set once, at the first registration).
static STARTED: OnceLock<bool> = OnceLock::new();

struct Watchdog {
    table: Mutex<Table>,
    /// Signalled when a deadline earlier than the thread's planned wake is registered.
    wake: Condvar,
    /// Increased before the thread wakes the attempts it fired, so that a deadline's poll
    /// only looks at the clock after some deadline has fired.
    epoch: AtomicU64,
}

struct Table {
    slots: Vec<Slot>,
    /// Indices of the slots no deadline uses.
    free: Vec<usize>,
    /// When the thread will next wake by itself (`None`: only when signalled).
    planned: Option<Instant>,
    /// Deadlines registered so far (tells the thread whether it has been idle).
    registrations: u64,
    /// The limit of the last deadline registered.
    last_limit: Duration,
}

struct Slot {
    at: Instant,
    /// `None` when the slot is free, or once its deadline fired.
    waker: Option<Waker>,
    live: bool,
}

impl Watchdog {
    fn lock(&self) -> MutexGuard<'_, Table> {
        // The table stays consistent even if a holder panicked: nothing under the lock
        // panics between two changes that must go together.
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The running watchdog, started at the first call; `None` if its thread could not be
    /// spawned.
    fn get() -> Option<&'static Watchdog> {
        let started = STARTED.get_or_init(|| {
            std::thread::Builder::new()
                .name("auth-sdk-deadlines".into())
                .spawn(|| WATCHDOG.run())
                .is_ok()
        });
        started.then_some(&WATCHDOG)
    }

    fn register(&self, at: Instant, limit: Duration, waker: &Waker) -> usize {
        let mut t = self.lock();
        let slot = Slot {
            at,
            waker: Some(waker.clone()),
            live: true,
        };
        let index = match t.free.pop() {
            Some(i) => {
                t.slots[i] = slot;
                i
            }
            None => {
                t.slots.push(slot);
                t.slots.len() - 1
            }
        };
        t.registrations = t.registrations.wrapping_add(1);
        t.last_limit = limit;
        let signal = t.planned.is_none_or(|p| at < p);
        if signal {
            t.planned = Some(at);
        }
        drop(t);
        if signal {
            self.wake.notify_one();
        }
        index
    }

    /// Replaces the waker of a registered deadline; `false` if it has fired already.
    fn update(&self, index: usize, waker: &Waker) -> bool {
        let mut t = self.lock();
        match t.slots.get_mut(index).and_then(|s| s.waker.as_mut()) {
            Some(w) => {
                w.clone_from(waker);
                true
            }
            None => false,
        }
    }

    fn deregister(&self, index: usize) {
        let mut t = self.lock();
        let waker = match t.slots.get_mut(index) {
            Some(s) if s.live => {
                s.live = false;
                s.waker.take()
            }
            _ => return,
        };
        t.free.push(index);
        drop(t);
        // Dropping a waker can run arbitrary code: not under the lock.
        drop(waker);
    }

    /// The thread: wakes the attempts whose deadline passed, then waits for the next one.
    fn run(&self) {
        let mut due: Vec<Waker> = Vec::new();
        let mut seen = u64::MAX;
        loop {
            let mut t = self.lock();
            loop {
                let now = Instant::now();
                let mut earliest: Option<Instant> = None;
                for s in t.slots.iter_mut().filter(|s| s.live) {
                    if s.at <= now {
                        due.extend(s.waker.take());
                    } else if s.waker.is_some() {
                        earliest = Some(earliest.map_or(s.at, |e| e.min(s.at)));
                    }
                }
                if !due.is_empty() {
                    break;
                }
                // With nothing waiting, one more wake after the last limit lets the next
                // deadlines (as late or later) register without signalling; after a whole
                // limit without registrations, sleep until signalled.
                let idle = t.registrations == seen;
                seen = t.registrations;
                let plan =
                    earliest.or_else(|| (!idle).then(|| now.checked_add(t.last_limit)).flatten());
                t.planned = plan;
                t = match plan {
                    Some(p) => {
                        self.wake
                            .wait_timeout(t, p.saturating_duration_since(now))
                            .unwrap_or_else(PoisonError::into_inner)
                            .0
                    }
                    None => self.wake.wait(t).unwrap_or_else(PoisonError::into_inner),
                };
            }
            drop(t);
            self.epoch.fetch_add(1, Ordering::Release);
            for w in due.drain(..) {
                w.wake();
            }
        }
    }
}

/// The deadline passed before the future finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Elapsed;

/// Runs `inner` until it finishes or `at` passes, whichever comes first.
pub(crate) fn within<F: Future>(inner: Pin<&mut F>, at: Instant, limit: Duration) -> Within<'_, F> {
    Within {
        inner,
        at,
        limit,
        state: State::Unregistered,
    }
}

/// The future of [`within`].
pub(crate) struct Within<'a, F> {
    inner: Pin<&'a mut F>,
    at: Instant,
    limit: Duration,
    state: State,
}

enum State {
    Unregistered,
    Registered {
        index: usize,
        epoch: u64,
        waker: Waker,
    },
    /// No watchdog thread: a tokio timer.
    Timer(Pin<Box<tokio::time::Sleep>>),
    Done,
}

impl<F: Future> Future for Within<'_, F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Poll::Ready(v) = this.inner.as_mut().poll(cx) {
            this.finish();
            return Poll::Ready(Ok(v));
        }
        if let State::Unregistered = this.state {
            let Some(w) = Watchdog::get() else {
                this.state = State::Timer(Box::pin(tokio::time::sleep_until(
                    tokio::time::Instant::from_std(this.at),
                )));
                return this.poll_timer(cx);
            };
            this.state = State::Registered {
                // Read before registering: a firing after it changes the epoch.
                epoch: w.epoch.load(Ordering::Acquire),
                index: w.register(this.at, this.limit, cx.waker()),
                waker: cx.waker().clone(),
            };
            return Poll::Pending;
        }
        match &mut this.state {
            State::Registered {
                index,
                epoch,
                waker,
            } => {
                // Some deadline fired since the last look: is it this one?
                let now_epoch = WATCHDOG.epoch.load(Ordering::Acquire);
                let mut fired = now_epoch != *epoch && {
                    *epoch = now_epoch;
                    Instant::now() >= this.at
                };
                if !fired && !waker.will_wake(cx.waker()) {
                    waker.clone_from(cx.waker());
                    // `false`: it fired before the new waker got there.
                    fired = !WATCHDOG.update(*index, cx.waker());
                }
                if fired {
                    this.finish();
                    return Poll::Ready(Err(Elapsed));
                }
            }
            State::Timer(_) => return this.poll_timer(cx),
            State::Unregistered | State::Done => {}
        }
        Poll::Pending
    }
}

impl<F> Within<'_, F> {
    /// Polls the fallback timer (no watchdog thread).
    fn poll_timer<T>(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, Elapsed>> {
        if let State::Timer(sleep) = &mut self.state
            && sleep.as_mut().poll(cx).is_ready()
        {
            self.state = State::Done;
            return Poll::Ready(Err(Elapsed));
        }
        Poll::Pending
    }

    fn finish(&mut self) {
        if let State::Registered { index, .. } = std::mem::replace(&mut self.state, State::Done) {
            WATCHDOG.deregister(index);
        }
    }
}

impl<F> Drop for Within<'_, F> {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    use std::task::Wake;

    /// A future that stays pending forever (and counts its polls).
    struct Never(Arc<AtomicUsize>);
    impl Future for Never {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            self.0.fetch_add(1, Ordering::Relaxed);
            Poll::Pending
        }
    }

    /// Polls `f` once, in the calling task's context.
    async fn poll_once<F: Future + Unpin>(f: &mut F) -> Option<F::Output> {
        std::future::poll_fn(|cx| match Pin::new(&mut *f).poll(cx) {
            Poll::Ready(v) => Poll::Ready(Some(v)),
            Poll::Pending => Poll::Ready(None),
        })
        .await
    }

    /// Blocks the thread on `fut` with a waker that unparks it: no async runtime at all.
    fn block_on<F: Future>(fut: F) -> F::Output {
        struct Unpark(std::thread::Thread);
        impl Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut fut = std::pin::pin!(fut);
        loop {
            if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
                return v;
            }
            std::thread::park_timeout(Duration::from_secs(5));
        }
    }

    #[test]
    fn a_pending_future_times_out_at_its_deadline_without_a_runtime() {
        let polls = Arc::new(AtomicUsize::new(0));
        let never = std::pin::pin!(Never(polls.clone()));
        let limit = Duration::from_millis(60);
        let start = Instant::now();
        let out = block_on(within(never, start + limit, limit));
        let took = start.elapsed();
        assert_eq!(out, Err(Elapsed));
        assert!(took >= limit, "fired early: {took:?}");
        assert!(took < Duration::from_secs(3), "fired late: {took:?}");
        // Polled once to register and once more when the watchdog woke it; a park's spurious
        // return may add a poll or two, never one per millisecond.
        assert!(polls.load(Ordering::Relaxed) <= 6);
    }

    /// A waker that counts its wakes; its `Arc`'s strong count shows who holds clones.
    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn a_ready_future_is_not_registered_and_a_finished_one_leaves_the_table() {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(count.clone());
        let mut cx = Context::from_waker(&waker);
        let far = Instant::now() + Duration::from_secs(600);
        let limit = Duration::from_secs(600);
        // Ready at once: no clone of the waker is kept anywhere.
        let mut ready = std::pin::pin!(async { 7 });
        let mut w = within(ready.as_mut(), far, limit);
        assert_eq!(Pin::new(&mut w).poll(&mut cx), Poll::Ready(Ok(7)));
        assert_eq!(Arc::strong_count(&count), 2);
        // Pending once (registered: the table and the deadline hold clones), then ready.
        let mut once = false;
        let mut later = std::pin::pin!(std::future::poll_fn(|_| {
            if std::mem::replace(&mut once, true) {
                Poll::Ready(8)
            } else {
                Poll::Pending
            }
        }));
        let mut w = within(later.as_mut(), far, limit);
        assert!(Pin::new(&mut w).poll(&mut cx).is_pending());
        assert_eq!(Arc::strong_count(&count), 4);
        assert_eq!(Pin::new(&mut w).poll(&mut cx), Poll::Ready(Ok(8)));
        // Finished: the table and the deadline let go of their clones.
        assert_eq!(Arc::strong_count(&count), 2);
        assert_eq!(count.0.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn a_dropped_deadline_frees_its_slot_and_its_waker() {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(count.clone());
        let mut cx = Context::from_waker(&waker);
        let mut never = std::pin::pin!(Never(Arc::default()));
        let at = Instant::now() + Duration::from_secs(600);
        {
            let mut w = std::pin::pin!(within(never.as_mut(), at, Duration::from_secs(600)));
            assert!(w.as_mut().poll(&mut cx).is_pending());
            // The table holds a clone of the waker, the deadline another.
            assert_eq!(Arc::strong_count(&count), 4);
        }
        assert_eq!(Arc::strong_count(&count), 2);
        assert_eq!(count.0.load(Ordering::Relaxed), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_deadlines_each_fire_in_order_and_not_early() {
        // Registered longest first, so each shorter one is earlier than the thread's planned
        // wake and must signal it.
        let start = Instant::now();
        let tasks: Vec<_> = (0..40u64)
            .rev()
            .map(|i| {
                let limit = Duration::from_millis(20 + 5 * i);
                let at = start + limit;
                tokio::spawn(async move {
                    let mut never = std::pin::pin!(Never(Arc::default()));
                    let out = within(never.as_mut(), at, limit).await;
                    (out, Instant::now(), at)
                })
            })
            .collect();
        for t in tasks {
            let (out, fired, at) = t.await.unwrap();
            assert_eq!(out, Err(Elapsed));
            assert!(fired >= at, "fired before its deadline");
            assert!(
                fired - at < Duration::from_secs(3),
                "fired late: {:?}",
                fired - at
            );
        }
    }

    #[tokio::test]
    async fn an_earlier_deadline_registered_after_a_later_one_is_not_delayed() {
        let mut far_future = std::pin::pin!(Never(Arc::default()));
        let far = std::pin::pin!(within(
            far_future.as_mut(),
            Instant::now() + Duration::from_secs(300),
            Duration::from_secs(300),
        ));
        // Registered (polled once), kept alive while the short one runs.
        let mut far = far;
        assert!(poll_once(&mut far).await.is_none());
        // Let the thread start (at the first call of the process) and plan its wake at 300 s.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let start = Instant::now();
        let mut short = std::pin::pin!(Never(Arc::default()));
        let limit = Duration::from_millis(40);
        // Bounded: without the signal, the thread would sleep until the 300 s deadline.
        let out = tokio::time::timeout(
            Duration::from_secs(5),
            within(short.as_mut(), start + limit, limit),
        )
        .await
        .expect("the earlier deadline fired within 5 s");
        assert_eq!(out, Err(Elapsed));
        assert!(start.elapsed() < Duration::from_secs(3));
    }

    #[tokio::test]
    async fn a_deadline_polled_with_a_new_waker_wakes_the_new_one() {
        // First polled (registered) from one task's context, then moved into another task:
        // the watchdog must wake the second.
        let limit = Duration::from_millis(50);
        let at = Instant::now() + limit;
        let never = Box::pin(Never(Arc::default()));
        let fut = async move {
            let mut never = never;
            within(never.as_mut(), at, limit).await
        };
        let mut fut = Box::pin(fut);
        assert!(poll_once(&mut fut).await.is_none());
        let out = tokio::spawn(fut).await.unwrap();
        assert_eq!(out, Err(Elapsed));
        assert!(Instant::now() >= at);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_registrations_firings_and_drops_stay_consistent() {
        // 2,000 deadlines of 2-16 ms on 4 worker threads: a third never finish (each must time
        // out, not early), a third finish after a few yields under a far deadline (each must
        // be Ok), a third are dropped while pending, before or after their deadline.
        let start = Instant::now();
        let tasks: Vec<_> = (0..2_000u64)
            .map(|i| {
                tokio::spawn(async move {
                    let limit = Duration::from_millis(2 + i % 15);
                    let at = Instant::now() + limit;
                    match i % 3 {
                        0 => {
                            let mut never = std::pin::pin!(Never(Arc::default()));
                            let out = within(never.as_mut(), at, limit).await;
                            assert_eq!(out, Err(Elapsed));
                            assert!(Instant::now() >= at, "fired before its deadline");
                        }
                        1 => {
                            let far = Duration::from_secs(60);
                            let mut soon = std::pin::pin!(async {
                                for _ in 0..i % 5 {
                                    tokio::task::yield_now().await;
                                }
                                i
                            });
                            let out = within(soon.as_mut(), Instant::now() + far, far).await;
                            assert_eq!(out, Ok(i));
                        }
                        _ => {
                            let mut never = std::pin::pin!(Never(Arc::default()));
                            let w = within(never.as_mut(), at, limit);
                            let cut = Duration::from_millis(i % 7);
                            let _ = tokio::time::timeout(cut, w).await;
                        }
                    }
                })
            })
            .collect();
        // Bounded: a lost wake-up fails the test instead of hanging it.
        let all = async {
            for t in tasks {
                t.await.unwrap();
            }
        };
        tokio::time::timeout(Duration::from_secs(20), all)
            .await
            .expect("every deadline ended within 20 s");
        assert!(start.elapsed() < Duration::from_secs(20));
    }
}
