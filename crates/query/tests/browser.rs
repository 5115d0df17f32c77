//! Browser tests of the reactive shell: run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p eventual-query --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use eventual_query::*;
use futures::channel::oneshot;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Clone, Debug, PartialEq)]
struct TestError(u16);

impl fmt::Display for TestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.0)
    }
}

impl QueryError for TestError {
    fn is_retryable(&self) -> bool {
        self.0 == 0 || self.0 >= 500
    }
}

/// A fake backend value with a request counter; answers after `delay_ms`.
#[derive(Clone)]
struct Backend {
    value: Rc<Cell<i32>>,
    calls: Rc<Cell<u32>>,
    delay_ms: u32,
}

impl Backend {
    fn new(value: i32, delay_ms: u32) -> Self {
        Self {
            value: Rc::new(Cell::new(value)),
            calls: Rc::new(Cell::new(0)),
            delay_ms,
        }
    }

    fn fetcher(
        &self,
    ) -> impl Fn(
        QueryKey,
        AbortSignal,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<i32, TestError>>>>
           + 'static {
        let this = self.clone();
        move |_key, _signal| {
            this.calls.set(this.calls.get() + 1);
            let (value, delay) = (this.value.clone(), this.delay_ms);
            Box::pin(async move {
                TimeoutFuture::new(delay).await;
                Ok(value.get())
            })
        }
    }
}

fn setup(options: QueryClientOptions) -> (Owner, QueryClient) {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let owner = Owner::new();
    let client = owner.with(|| provide_query_client(options));
    (owner, client)
}

async fn sleep(ms: u32) {
    TimeoutFuture::new(ms).await;
}

/// A switch a test flips to let a pending fake request finish.
#[derive(Clone, Default)]
struct Gate(Rc<Cell<bool>>);

impl Gate {
    fn open(&self) {
        self.0.set(true);
    }

    async fn wait(&self) {
        while !self.0.get() {
            sleep(2).await;
        }
    }
}

/// Polls `cond` every 5 ms for up to `max_ms`; true once it holds.
async fn eventually(max_ms: u32, cond: impl Fn() -> bool) -> bool {
    for _ in 0..max_ms / 5 {
        if cond() {
            return true;
        }
        sleep(5).await;
    }
    cond()
}

#[wasm_bindgen_test]
async fn two_readers_share_one_request_and_the_cached_value() {
    let (owner, client) = setup(QueryClientOptions::default());
    let backend = Backend::new(7, 30);
    let (a, b) = owner.with(|| {
        let a = use_query(|| QueryKey::from("n"), backend.fetcher());
        let b = use_query(|| QueryKey::from("n"), backend.fetcher());
        (a, b)
    });
    assert!(a.is_loading.get_untracked());
    assert!(eventually(1000, || a.data.get_untracked().is_some()).await);
    assert_eq!(backend.calls.get(), 1, "de-duplicated");
    assert_eq!(a.data.get_untracked(), Some(7));
    assert_eq!(b.data.get_untracked(), Some(7));
    assert!(!a.is_loading.get_untracked());
    // A reader mounted later gets the cached value at once.
    let c = owner.with(|| use_query(|| QueryKey::from("n"), backend.fetcher()));
    assert_eq!(c.data.get_untracked(), Some(7));
    assert_eq!(client.get_query_data::<i32>(&QueryKey::from("n")), Some(7));
    owner.cleanup();
}

#[wasm_bindgen_test]
async fn unread_entries_are_garbage_collected_after_gc_time() {
    let (owner, client) = setup(QueryClientOptions {
        gc_time: Duration::from_millis(150),
        ..QueryClientOptions::default()
    });
    let backend = Backend::new(1, 5);
    let child = owner.with(Owner::new);
    child.with(|| use_query(|| QueryKey::from("g"), backend.fetcher()));
    assert!(
        eventually(1000, || client
            .get_query_data::<i32>(&QueryKey::from("g"))
            .is_some())
        .await
    );
    assert_eq!(client.entries().len(), 1);
    assert_eq!(client.entries()[0].observers, 1);
    child.cleanup(); // the reader unmounts
    assert_eq!(client.entries()[0].observers, 0);
    sleep(20).await;
    assert_eq!(client.entries().len(), 1, "kept during gc_time");
    assert!(
        eventually(2000, || client.entries().is_empty()).await,
        "dropped after gc_time"
    );
    // Data set for a key nobody reads is collected too.
    client.set_query_data(&QueryKey::from("unread"), 5);
    assert_eq!(client.entries().len(), 1);
    assert!(eventually(2000, || client.entries().is_empty()).await);
    owner.cleanup();
}

#[wasm_bindgen_test]
async fn cancel_aborts_the_real_http_request_and_never_writes() {
    let (owner, client) = setup(QueryClientOptions::default());
    let (started_tx, started_rx) = oneshot::channel::<()>();
    let started_tx = Rc::new(RefCell::new(Some(started_tx)));
    let outcome: Rc<RefCell<Option<String>>> = Rc::default();
    let fetcher = {
        let outcome = outcome.clone();
        move |_key: QueryKey, signal: AbortSignal| {
            let init = web_sys::RequestInit::new();
            init.set_signal(signal.web());
            let promise = web_sys::window()
                .unwrap()
                .fetch_with_str_and_init("/eventual-query-test-resource", &init);
            if let Some(tx) = started_tx.borrow_mut().take() {
                let _ = tx.send(());
            }
            let outcome = outcome.clone();
            async move {
                match JsFuture::from(promise).await {
                    Ok(_) => {
                        *outcome.borrow_mut() = Some("completed".into());
                        Ok(1)
                    }
                    Err(e) => {
                        let name = e
                            .dyn_ref::<web_sys::DomException>()
                            .map(|d| d.name())
                            .unwrap_or_else(|| format!("{e:?}"));
                        *outcome.borrow_mut() = Some(name);
                        Err(TestError(0))
                    }
                }
            }
        }
    };
    let q = owner.with(|| {
        use_query_with_options(
            || QueryKey::from("slow"),
            fetcher,
            QueryOptions {
                retry: Some(RetryPolicy::NEVER),
                ..QueryOptions::default()
            },
        )
    });
    started_rx.await.unwrap();
    assert!(q.is_fetching.get_untracked());
    client.cancel_queries(&QueryKey::from("slow"));
    assert!(!q.is_fetching.get_untracked());
    assert!(eventually(2000, || outcome.borrow().is_some()).await);
    assert_eq!(outcome.borrow().as_deref(), Some("AbortError"));
    assert_eq!(q.data.get_untracked(), None);
    assert_eq!(
        q.error.get_untracked(),
        None,
        "an aborted fetch never writes"
    );
    owner.cleanup();
}

#[derive(Clone, Debug, PartialEq)]
struct Todo {
    title: String,
}

#[wasm_bindgen_test]
async fn failed_mutation_rolls_back_reports_and_refetches() {
    let (owner, client) = setup(QueryClientOptions::default());
    let server = Rc::new(RefCell::new(Todo {
        title: "old".into(),
    }));
    let fetches = Rc::new(Cell::new(0));
    let fetcher = {
        let (server, fetches) = (server.clone(), fetches.clone());
        move |_k: QueryKey, _s: AbortSignal| {
            fetches.set(fetches.get() + 1);
            let todo = server.borrow().clone();
            async move {
                sleep(5).await;
                Ok::<_, TestError>(todo)
            }
        }
    };
    let key = QueryKey::from("todos/1");
    let q = owner.with(|| use_query(move || QueryKey::from("todos/1"), fetcher));
    assert!(eventually(1000, || q.data.get_untracked().is_some()).await);
    assert_eq!(q.data.get_untracked().unwrap().title, "old");
    assert_eq!(fetches.get(), 1);

    let failures: Rc<RefCell<Vec<MutationFailure<TestError>>>> = Rc::default();
    let gate = Gate::default();
    let id = client.optimistic(
        Optimistic::new("Rename", {
            let gate = gate.clone();
            move |_signal| {
                let gate = gate.clone();
                async move {
                    gate.wait().await;
                    Err::<(), _>(TestError(422))
                }
            }
        })
        .patch::<Todo>(key.clone(), |_| Todo {
            title: "new".into(),
        })
        .on_error({
            let failures = failures.clone();
            move |f| failures.borrow_mut().push(f)
        }),
    );
    assert_eq!(
        q.data.get_untracked().unwrap().title,
        "new",
        "shown at once"
    );
    assert_eq!(client.pending_mutations().len(), 1);
    sleep(20).await;
    assert_eq!(
        q.data.get_untracked().unwrap().title,
        "new",
        "still pending"
    );
    gate.open();
    assert!(eventually(1000, || !failures.borrow().is_empty()).await);
    assert_eq!(q.data.get_untracked().unwrap().title, "old", "rolled back");
    assert!(eventually(1000, || fetches.get() == 2).await);
    assert_eq!(failures.borrow().len(), 1);
    assert_eq!(failures.borrow()[0].id, id);
    assert_eq!(failures.borrow()[0].error, TestError(422));
    assert_eq!(failures.borrow()[0].attempts, 1, "4xx is never retried");
    assert_eq!(fetches.get(), 2, "refetched once settled");
    let events: Vec<LogEvent> = client
        .transaction_log()
        .into_iter()
        .filter(|r| r.mutation == id)
        .map(|r| r.event)
        .collect();
    assert!(events.contains(&LogEvent::RolledBack));
    assert!(events.contains(&LogEvent::Refetched));
    owner.cleanup();
}

#[wasm_bindgen_test]
async fn success_keeps_the_edit_until_the_single_refetch_after_the_last_mutation() {
    let (owner, client) = setup(QueryClientOptions::default());
    let server = Rc::new(Cell::new(0));
    let fetches = Rc::new(Cell::new(0));
    let fetcher = {
        let (server, fetches) = (server.clone(), fetches.clone());
        move |_k: QueryKey, _s: AbortSignal| {
            fetches.set(fetches.get() + 1);
            let server = server.clone();
            async move {
                sleep(5).await;
                Ok::<_, TestError>(server.get())
            }
        }
    };
    let key = QueryKey::from("counter");
    let q = owner.with(|| use_query(|| QueryKey::from("counter"), fetcher));
    assert!(eventually(1000, || q.data.get_untracked() == Some(0)).await);
    let settled = Rc::new(Cell::new(0));
    let add = |n: i32, gate: Gate| {
        let server = server.clone();
        let settled = settled.clone();
        Optimistic::new("Add", move |_s| {
            let (server, gate) = (server.clone(), gate.clone());
            async move {
                gate.wait().await;
                server.set(server.get() + n);
                Ok::<_, TestError>(())
            }
        })
        .patch::<i32>(key.clone(), move |v| v + n)
        .on_settled(move || settled.set(settled.get() + 1))
    };
    let (first, second) = (Gate::default(), Gate::default());
    client.optimistic(add(1, first.clone()));
    client.optimistic(add(10, second.clone()));
    assert_eq!(q.data.get_untracked(), Some(11));
    first.open();
    assert!(eventually(1000, || settled.get() == 1).await);
    sleep(20).await;
    assert_eq!(
        q.data.get_untracked(),
        Some(11),
        "no flash after the first success"
    );
    assert_eq!(
        fetches.get(),
        1,
        "no refetch while another mutation touches the key"
    );
    second.open();
    assert!(eventually(1000, || settled.get() == 2).await);
    assert!(eventually(1000, || client.entries().iter().all(|e| !e.has_pending)).await);
    assert_eq!(fetches.get(), 2, "one refetch after the last one settled");
    assert_eq!(q.data.get_untracked(), Some(11));
    owner.cleanup();
}

#[wasm_bindgen_test]
async fn retryable_mutation_errors_are_retried_then_succeed() {
    let (owner, client) = setup(QueryClientOptions {
        mutation_retry: RetryPolicy {
            max_attempts: 3,
            base_ms: 5,
            factor: 2.0,
            max_delay_ms: 50,
        },
        ..QueryClientOptions::default()
    });
    let tries = Rc::new(Cell::new(0));
    let done = Rc::new(Cell::new(false));
    let id = client.optimistic(
        Optimistic::new("Flaky", {
            let tries = tries.clone();
            move |_s| {
                tries.set(tries.get() + 1);
                let n = tries.get();
                async move {
                    if n < 3 {
                        Err(TestError(503))
                    } else {
                        Ok(())
                    }
                }
            }
        })
        .on_success({
            let done = done.clone();
            move |_| done.set(true)
        }),
    );
    assert!(eventually(2000, || done.get()).await);
    assert_eq!(tries.get(), 3);
    let retried = client
        .transaction_log()
        .into_iter()
        .filter(|r| r.mutation == id && matches!(r.event, LogEvent::Retried { .. }))
        .count();
    assert_eq!(retried, 2);
    owner.cleanup();
}

#[wasm_bindgen_test]
async fn failure_retry_resends_the_same_change() {
    let (owner, client) = setup(QueryClientOptions::default());
    client.set_query_data(&QueryKey::from("x"), 1);
    let fail = Rc::new(Cell::new(true));
    let failure: Rc<RefCell<Option<MutationFailure<TestError>>>> = Rc::default();
    client.optimistic(
        Optimistic::new("Set", {
            let fail = fail.clone();
            move |_s| {
                let fail = fail.get();
                async move {
                    if fail {
                        Err(TestError(400))
                    } else {
                        Ok(())
                    }
                }
            }
        })
        .patch::<i32>(QueryKey::from("x"), |_| 2)
        .on_error({
            let failure = failure.clone();
            move |f| *failure.borrow_mut() = Some(f)
        }),
    );
    assert!(eventually(1000, || failure.borrow().is_some()).await);
    assert_eq!(client.get_query_data::<i32>(&QueryKey::from("x")), Some(1));
    fail.set(false);
    assert!(failure.borrow().as_ref().unwrap().retry());
    assert_eq!(client.get_query_data::<i32>(&QueryKey::from("x")), Some(2));
    assert!(
        eventually(1000, || client
            .pending_mutations()
            .iter()
            .all(|m| m.state == MutationState::Succeeded))
        .await
    );
    owner.cleanup();
}

#[wasm_bindgen_test]
async fn key_switch_reads_the_new_entry_and_aborts_the_old_fetch() {
    let (owner, client) = setup(QueryClientOptions::default());
    let aborted = Rc::new(Cell::new(0));
    let fetcher = {
        let aborted = aborted.clone();
        move |key: QueryKey, signal: AbortSignal| {
            let aborted = aborted.clone();
            async move {
                sleep(30).await;
                if signal.is_aborted() {
                    aborted.set(aborted.get() + 1);
                }
                Ok::<_, TestError>(key.to_string())
            }
        }
    };
    let (search, set_search) = signal("a".to_string());
    let q = owner.with(|| use_query(move || QueryKey::from("s").child(search.get()), fetcher));
    assert!(eventually(1000, || q.is_fetching.get_untracked()).await);
    set_search.set("b".into());
    assert!(eventually(1000, || q.data.get_untracked().as_deref() == Some("s/b")).await);
    assert!(eventually(1000, || aborted.get() == 1).await);
    assert_eq!(aborted.get(), 1);
    assert_eq!(
        client.get_query_data::<String>(&QueryKey::from("s/a")),
        None
    );
    owner.cleanup();
}

#[wasm_bindgen_test]
async fn use_mutation_tracks_pending_data_and_error() {
    let (owner, _client) = setup(QueryClientOptions::default());
    let m = owner.with(|| {
        use_mutation(
            MutationOptions::new(|n: i32, _s| async move {
                sleep(10).await;
                if n > 0 {
                    Ok(n * 2)
                } else {
                    Err(TestError(400))
                }
            })
            .on_mutate(|n: &i32| *n + 1)
            .on_success(|data: &i32, vars: &i32, ctx: &i32| {
                assert_eq!((*data, *vars, *ctx), (4, 2, 3));
            }),
        )
    });
    m.mutate(2);
    assert!(m.is_pending.get_untracked());
    assert!(eventually(1000, || !m.is_pending.get_untracked()).await);
    assert_eq!(m.data.get_untracked(), Some(4));
    m.mutate(-1);
    assert!(eventually(1000, || m.error.get_untracked().is_some()).await);
    assert_eq!(m.error.get_untracked(), Some(TestError(400)));
    owner.cleanup();
}

#[wasm_bindgen_test]
async fn mounted_component_renders_cache_data_and_unmount_releases_it() {
    let document = web_sys::window().unwrap().document().unwrap();
    let div: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&div).unwrap();
    let client_cell: Rc<Cell<Option<QueryClient>>> = Rc::default();
    let handle = leptos::mount::mount_to(div.clone(), {
        let client_cell = client_cell.clone();
        move || {
            let client = provide_query_client(QueryClientOptions::default());
            client_cell.set(Some(client));
            let backend = Backend::new(42, 5);
            let q = use_query(|| QueryKey::from("m"), backend.fetcher());
            view! { <p>{move || q.data.get().map(|n| n.to_string()).unwrap_or("loading".into())}</p> }
        }
    });
    assert_eq!(div.text_content().unwrap(), "loading");
    assert!(eventually(1000, || div.text_content().unwrap() == "42").await);
    let client = client_cell.get().unwrap();
    client.set_query_data(&QueryKey::from("m"), 43);
    assert!(eventually(1000, || div.text_content().unwrap() == "43").await);
    assert_eq!(client.entries()[0].observers, 1);
    drop(handle);
    assert_eq!(div.text_content().unwrap(), "");
}

#[wasm_bindgen_test]
async fn window_focus_refetches_stale_observed_queries_only() {
    let (owner, client) = setup(QueryClientOptions::default());
    let stale = Backend::new(1, 5);
    let fresh = Backend::new(2, 5);
    owner.with(|| {
        use_query(|| QueryKey::from("focus/stale"), stale.fetcher());
        use_query_with_options(
            || QueryKey::from("focus/fresh"),
            fresh.fetcher(),
            QueryOptions {
                stale_time: Some(Duration::from_secs(60)),
                ..QueryOptions::default()
            },
        );
    });
    let idle = || {
        client
            .entries()
            .iter()
            .all(|e| !e.is_fetching && e.status == QueryStatus::Success)
    };
    assert!(eventually(500, || client.entries().len() == 2 && idle()).await);
    assert_eq!((stale.calls.get(), fresh.calls.get()), (1, 1));
    let focus = web_sys::Event::new("focus").unwrap();
    web_sys::window().unwrap().dispatch_event(&focus).unwrap();
    assert!(
        eventually(500, || stale.calls.get() == 2).await,
        "focus refetches the stale query: {:?}",
        client.entries()
    );
    assert!(eventually(500, idle).await);
    assert_eq!(fresh.calls.get(), 1, "a fresh query is not refetched");
    let online = web_sys::Event::new("online").unwrap();
    web_sys::window().unwrap().dispatch_event(&online).unwrap();
    assert!(
        eventually(500, || stale.calls.get() == 3).await,
        "online refetches"
    );
    assert!(eventually(500, idle).await);
    owner.cleanup();
    // Listeners are removed with the client's owner.
    web_sys::window().unwrap().dispatch_event(&focus).unwrap();
    sleep(30).await;
    assert_eq!(stale.calls.get(), 3);
}

#[wasm_bindgen_test]
async fn equal_refetch_does_not_wake_readers_and_edits_wake_only_their_key() {
    let (owner, client) = setup(QueryClientOptions::default());
    let a = Backend::new(1, 2);
    let b = Backend::new(2, 2);
    let runs_a = Rc::new(Cell::new(0));
    let runs_b = Rc::new(Cell::new(0));
    let (qa, qb) = owner.with(|| {
        let qa = use_query(|| QueryKey::from("w/a"), a.fetcher());
        let qb = use_query(|| QueryKey::from("w/b"), b.fetcher());
        let (ra, rb) = (runs_a.clone(), runs_b.clone());
        Effect::new(move |_| {
            qa.data.track();
            ra.set(ra.get() + 1);
        });
        Effect::new(move |_| {
            qb.data.track();
            rb.set(rb.get() + 1);
        });
        (qa, qb)
    });
    assert!(
        eventually(1000, || qa.data.get_untracked().is_some()
            && qb.data.get_untracked().is_some())
        .await
    );
    sleep(20).await;
    let (base_a, base_b) = (runs_a.get(), runs_b.get());
    qa.refetch(); // same value comes back
    assert!(
        eventually(1000, || a.calls.get() == 2
            && !qa.is_fetching.get_untracked())
        .await
    );
    sleep(20).await;
    assert_eq!(runs_a.get(), base_a, "equal data does not notify");
    client.set_query_data(&QueryKey::from("w/a"), 5);
    assert!(eventually(1000, || runs_a.get() == base_a + 1).await);
    sleep(20).await;
    assert_eq!(runs_b.get(), base_b, "other keys' readers stay asleep");
    owner.cleanup();
}

#[wasm_bindgen_test]
async fn paused_mutations_show_at_once_and_send_on_resume() {
    let (owner, client) = setup(QueryClientOptions::default());
    client.set_query_data(&QueryKey::from("p"), 0);
    client.pause_mutations();
    assert!(client.mutations_paused());
    let sent = Rc::new(Cell::new(0));
    for n in [1, 2] {
        let sent = sent.clone();
        client.optimistic(
            Optimistic::new("Add", move |_s| {
                sent.set(sent.get() + 1);
                async { Ok::<_, TestError>(()) }
            })
            .patch::<i32>(QueryKey::from("p"), move |v| v + n),
        );
    }
    assert_eq!(client.get_query_data::<i32>(&QueryKey::from("p")), Some(3));
    sleep(20).await;
    assert_eq!(sent.get(), 0, "nothing sent while paused");
    client.resume_mutations();
    assert!(eventually(1000, || sent.get() == 2).await);
    owner.cleanup();
}

#[wasm_bindgen_test]
async fn a_failure_that_finds_the_client_offline_waits_instead_of_rolling_back() {
    // One attempt allowed: without the offline rule the first failure would roll back.
    let (owner, client) = setup(QueryClientOptions {
        mutation_retry: RetryPolicy {
            max_attempts: 1,
            base_ms: 1,
            factor: 1.0,
            max_delay_ms: 1,
        },
        ..QueryClientOptions::default()
    });
    let key = QueryKey::from("offline");
    client.set_query_data(&key, 0);
    let sent = Rc::new(Cell::new(0));
    let failed = Rc::new(Cell::new(false));
    client.optimistic(
        Optimistic::new("Add", {
            let sent = sent.clone();
            move |_s| {
                sent.set(sent.get() + 1);
                let first = sent.get() == 1;
                async move {
                    if first {
                        // The network went away during the send: the app pauses, then fails.
                        client.pause_mutations();
                        Err(TestError(0))
                    } else {
                        Ok(())
                    }
                }
            }
        })
        .patch::<i32>(key.clone(), |v| v + 5)
        .on_error({
            let failed = failed.clone();
            move |_f: MutationFailure<TestError>| failed.set(true)
        }),
    );
    assert!(eventually(1000, || sent.get() == 1).await);
    sleep(30).await;
    assert!(!failed.get(), "not rolled back while offline");
    assert_eq!(client.get_query_data::<i32>(&key), Some(5), "still shown");
    assert_eq!(sent.get(), 1, "held while paused");
    client.resume_mutations();
    assert!(eventually(1000, || sent.get() == 2).await);
    assert!(
        eventually(1000, || client
            .pending_mutations()
            .iter()
            .all(|m| m.state == MutationState::Succeeded))
        .await
    );
    assert!(!failed.get());
    owner.cleanup();
}

#[wasm_bindgen_test]
async fn fetch_errors_surface_keep_data_and_clear_on_success() {
    let (owner, _client) = setup(QueryClientOptions::default());
    let status = Rc::new(Cell::new(200u16));
    let calls = Rc::new(Cell::new(0));
    let fetcher = {
        let (status, calls) = (status.clone(), calls.clone());
        move |_k: QueryKey, _s: AbortSignal| {
            calls.set(calls.get() + 1);
            let status = status.get();
            async move {
                match status {
                    200 => Ok(calls_value()),
                    code => Err(TestError(code)),
                }
            }
        }
    };
    fn calls_value() -> i32 {
        9
    }
    let q = owner.with(|| {
        use_query_with_options(
            || QueryKey::from("err"),
            fetcher,
            QueryOptions {
                retry: Some(RetryPolicy {
                    max_attempts: 2,
                    base_ms: 1,
                    factor: 1.0,
                    max_delay_ms: 1,
                }),
                ..QueryOptions::default()
            },
        )
    });
    assert!(eventually(1000, || q.data.get_untracked() == Some(9)).await);
    status.set(404);
    q.refetch();
    assert!(eventually(1000, || q.error.get_untracked().is_some()).await);
    assert_eq!(q.error.get_untracked(), Some(TestError(404)));
    assert_eq!(calls.get(), 2, "4xx is not retried");
    assert_eq!(q.data.get_untracked(), Some(9), "data kept on error");
    status.set(503);
    q.refetch();
    assert!(
        eventually(1000, || calls.get() == 4).await,
        "5xx retried once"
    );
    assert!(eventually(1000, || !q.is_fetching.get_untracked()).await);
    assert_eq!(q.error.get_untracked(), Some(TestError(503)));
    status.set(200);
    q.refetch();
    assert!(eventually(1000, || q.error.get_untracked().is_none()).await);
    assert_eq!(q.data.get_untracked(), Some(9));
    owner.cleanup();
}

#[wasm_bindgen_test]
async fn with_data_reads_by_reference_tracks_and_may_use_the_client() {
    let (owner, client) = setup(QueryClientOptions::default());
    let seen = Rc::new(Cell::new(0usize));
    let q = owner.with(|| {
        let q = use_query(
            || QueryKey::from("r"),
            |_key, _signal| async { Ok::<_, TestError>(vec![1, 2, 3]) },
        );
        let seen = seen.clone();
        Effect::new(move |_| {
            let len = q.with_data(|v: Option<&Vec<i32>>| {
                // The cache is not borrowed while `f` runs.
                let _ = client.get_query_data::<Vec<i32>>(&QueryKey::from("r"));
                v.map_or(0, Vec::len)
            });
            seen.set(len);
        });
        q
    });
    assert!(eventually(1000, || seen.get() == 3).await);
    client.set_query_data(&QueryKey::from("r"), vec![7]);
    assert!(
        eventually(1000, || seen.get() == 1).await,
        "a change re-runs the reader"
    );
    assert_eq!(q.with_data(|v| v.cloned()), Some(vec![7]));
    owner.cleanup();
}
