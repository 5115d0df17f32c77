//! Native tests of the reactive shell: spawned sends run on a local pool polled by the test.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::time::{Duration, Instant};

use any_spawner::Executor;
use eventual_query::*;
use futures::channel::oneshot;
use leptos::prelude::*;

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

const FAST: RetryPolicy = RetryPolicy {
    max_attempts: 3,
    base_ms: 5,
    factor: 1.0,
    max_delay_ms: 5,
};

fn setup() -> (Owner, QueryClient) {
    let _ = Executor::init_futures_executor();
    let owner = Owner::new();
    let client = owner.with(|| provide_query_client(QueryClientOptions::default()));
    (owner, client)
}

/// Polls spawned tasks until `cond` holds (false after 5 s).
fn run_until(cond: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        Executor::poll_local();
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    false
}

/// Polls spawned tasks for `ms` milliseconds.
fn run_for(ms: u64) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(ms) {
        Executor::poll_local();
        std::thread::sleep(Duration::from_millis(1));
    }
}

type Answer = oneshot::Sender<Result<(), TestError>>;

/// A server whose requests wait until the test answers them, recording their order.
#[derive(Clone, Default)]
struct Server {
    sent: Rc<RefCell<Vec<&'static str>>>,
    open: Rc<RefCell<Vec<(&'static str, Answer)>>>,
}

impl Server {
    fn send(&self, name: &'static str) -> impl std::future::Future<Output = Result<(), TestError>> {
        let (tx, rx) = oneshot::channel();
        self.sent.borrow_mut().push(name);
        self.open.borrow_mut().push((name, tx));
        async move { rx.await.unwrap_or(Err(TestError(0))) }
    }

    fn sent(&self) -> Vec<&'static str> {
        self.sent.borrow().clone()
    }

    fn answer(&self, name: &str, result: Result<(), TestError>) {
        let i = self
            .open
            .borrow()
            .iter()
            .position(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{name} has no open request"));
        let (_, tx) = self.open.borrow_mut().remove(i);
        let _ = tx.send(result);
    }

    fn edit(&self, name: &'static str, n: u32, scope: &str) -> Optimistic<(), TestError> {
        let server = self.clone();
        Optimistic::new(name, move |_signal| server.send(name))
            .patch::<Vec<u32>>(QueryKey::from("e/1"), move |v| {
                let mut v = v.clone();
                v.push(n);
                v
            })
            .retry(FAST)
            .scope(scope)
    }
}

fn shown(client: QueryClient) -> Option<Vec<u32>> {
    client.get_query_data::<Vec<u32>>(&QueryKey::from("e/1"))
}

#[test]
fn a_scope_sends_one_at_a_time_in_order_across_retries_and_pauses() {
    let (_owner, client) = setup();
    client.set_query_data(&QueryKey::from("e/1"), vec![0u32]);
    let server = Server::default();
    let a = client.optimistic(server.edit("a", 1, "e1"));
    let b = client.optimistic(server.edit("b", 2, "e1"));
    let other = client.optimistic(server.edit("other", 3, "e2"));
    assert_eq!(
        shown(client),
        Some(vec![0, 1, 2, 3]),
        "every patch shows at once"
    );
    assert!(run_until(|| server.sent() == ["a", "other"]));

    server.answer("a", Err(TestError(503)));
    assert!(
        run_until(|| server.sent() == ["a", "other", "a"]),
        "retried"
    );
    run_for(30);
    assert_eq!(
        server.sent(),
        ["a", "other", "a"],
        "b waits behind a's retry"
    );

    // Offline: a's failure finds the client paused, so a waits — and b behind it.
    client.pause_mutations();
    server.answer("a", Err(TestError(0)));
    run_for(30);
    assert_eq!(server.sent(), ["a", "other", "a"]);
    assert_eq!(shown(client), Some(vec![0, 1, 2, 3]));
    client.resume_mutations();
    assert!(run_until(|| server.sent().len() == 4));
    run_for(30);
    assert_eq!(
        server.sent(),
        ["a", "other", "a", "a"],
        "a first after the pause"
    );

    server.answer("a", Ok(()));
    assert!(run_until(|| server.sent().len() == 5));
    assert_eq!(server.sent()[4], "b");
    server.answer("b", Ok(()));
    server.answer("other", Ok(()));
    assert!(run_until(|| client
        .pending_mutations()
        .iter()
        .all(|m| !m.state.is_unsettled())));
    let _ = (a, b, other);
}

#[test]
fn a_third_in_a_scope_waits_until_the_second_is_answered() {
    // The e2e "saves of one event reach the server in the order they were made", natively.
    let (_owner, client) = setup();
    client.set_query_data(&QueryKey::from("e/1"), vec![0u32]);
    let server = Server::default();
    let a = client.optimistic(server.edit("a", 1, "e1"));
    let b = client.optimistic(server.edit("b", 2, "e1"));
    let c = client.optimistic(server.edit("c", 3, "e1"));
    assert!(run_until(|| server.sent() == ["a"]));
    server.answer("a", Ok(()));
    assert!(run_until(|| server.sent() == ["a", "b"]));
    run_for(30);
    assert_eq!(server.sent(), ["a", "b"], "c waits while b is on the wire");
    // A fourth, made while b is on the wire and c waits, goes after c.
    let d = client.optimistic(server.edit("d", 4, "e1"));
    assert_eq!(shown(client), Some(vec![0, 1, 2, 3, 4]));
    run_for(30);
    assert_eq!(server.sent(), ["a", "b"]);
    server.answer("b", Ok(()));
    assert!(run_until(|| server.sent() == ["a", "b", "c"]));
    run_for(30);
    assert_eq!(server.sent(), ["a", "b", "c"]);
    server.answer("c", Ok(()));
    assert!(run_until(|| server.sent() == ["a", "b", "c", "d"]));
    server.answer("d", Ok(()));
    assert!(run_until(|| client
        .pending_mutations()
        .iter()
        .all(|m| !m.state.is_unsettled())));
    let _ = (a, b, c, d);
}

#[test]
fn a_failed_first_mutation_lets_the_second_go_and_keeps_its_patch() {
    let (_owner, client) = setup();
    client.set_query_data(&QueryKey::from("e/1"), vec![0u32]);
    let server = Server::default();
    let failures = Rc::new(RefCell::new(Vec::new()));
    let seen = failures.clone();
    client.optimistic(
        server
            .edit("a", 1, "e1")
            .on_error(move |f: MutationFailure<TestError>| seen.borrow_mut().push(f.error)),
    );
    client.optimistic(server.edit("b", 2, "e1"));
    assert!(run_until(|| server.sent() == ["a"]));
    run_for(20);
    assert_eq!(server.sent(), ["a"]);
    server.answer("a", Err(TestError(409)));
    assert!(run_until(|| server.sent() == ["a", "b"]));
    assert_eq!(*failures.borrow(), [TestError(409)]);
    assert_eq!(
        shown(client),
        Some(vec![0, 2]),
        "only a's patch rolled back"
    );
}

#[test]
fn use_mutation_calls_in_one_scope_wait_for_each_other() {
    let (owner, client) = setup();
    let server = Server::default();
    let handle = owner.with(|| {
        let server = server.clone();
        use_mutation(
            MutationOptions::new(move |name: &'static str, _signal| server.send(name))
                .retry(FAST)
                .scope("one"),
        )
    });
    handle.mutate("first");
    handle.mutate("second");
    assert!(run_until(|| server.sent() == ["first"]));
    run_for(20);
    assert_eq!(server.sent(), ["first"]);
    server.answer("first", Ok(()));
    assert!(run_until(|| server.sent() == ["first", "second"]));
    server.answer("second", Ok(()));
    assert!(run_until(|| !handle.is_pending.get_untracked()));
    let _ = client;
}

#[test]
fn update_matching_edits_every_entry_of_the_type_under_the_prefix() {
    let (_owner, client) = setup();
    let (qa, qb) = (QueryKey::from("e/list?q=a"), QueryKey::from("e/list?q=b"));
    let (count, outside) = (QueryKey::from("e/list/count"), QueryKey::from("e/1"));
    client.set_query_data(&qa, vec![1u32]);
    client.set_query_data(&qb, vec![2u32]);
    client.set_query_data(&count, 2u64);
    client.set_query_data(&outside, vec![3u32]);
    let server = Server::default();
    // A pending edit under the prefix stays on top of the edited data.
    let pending = Optimistic::new("p", {
        let server = server.clone();
        move |_signal| server.send("p")
    })
    .patch::<Vec<u32>>(qa.clone(), |v| [v.as_slice(), &[7]].concat());
    client.optimistic(pending);

    let edited = client.update_matching::<Vec<u32>>(&QueryKey::from("e/list"), |v| v.push(9));
    assert_eq!(edited, 2);
    assert_eq!(client.get_query_data::<Vec<u32>>(&qa), Some(vec![1, 9, 7]));
    assert_eq!(client.get_query_data::<Vec<u32>>(&qb), Some(vec![2, 9]));
    assert_eq!(
        client.get_query_data::<u64>(&count),
        Some(2),
        "other types untouched"
    );
    assert_eq!(client.get_query_data::<Vec<u32>>(&outside), Some(vec![3]));
}

/// Counts how often an effect reading `read` runs.
fn runs_of(owner: &Owner, read: impl Fn() + 'static) -> Rc<std::cell::Cell<u32>> {
    let runs = Rc::new(std::cell::Cell::new(0));
    let counter = send_wrapper::SendWrapper::new((runs.clone(), read));
    owner.with(|| {
        Effect::new(move |_| {
            let (runs, read) = &*counter;
            read();
            runs.set(runs.get() + 1);
        })
    });
    runs
}

#[test]
fn mutating_wakes_only_when_its_answer_changes() {
    let (owner, client) = setup();
    let (e1, e2) = (QueryKey::from("e/1"), QueryKey::from("e/2"));
    client.set_query_data(&e1, vec![0u32]);
    client.set_query_data(&e2, vec![0u32]);
    let saving = owner.with(|| client.mutating(&e1));
    let seen = Rc::new(RefCell::new(Vec::new()));
    let runs = runs_of(&owner, {
        let seen = seen.clone();
        move || seen.borrow_mut().push(saving.get())
    });
    assert!(run_until(|| runs.get() == 1));

    // Unrelated: another key's mutation starts and settles; e/1's data changes.
    let server = Server::default();
    let other = Optimistic::new("other", {
        let server = server.clone();
        move |_signal| server.send("other")
    })
    .patch::<Vec<u32>>(e2.clone(), |v| [v.as_slice(), &[1]].concat());
    client.optimistic(other);
    assert!(run_until(|| server.sent() == ["other"]));
    server.answer("other", Ok(()));
    client.set_query_data(&e1, vec![5u32]);
    run_for(30);
    assert!(!client.is_mutating(&e1));
    assert_eq!(runs.get(), 1, "no wake for changes that keep the answer");

    let mine = client.optimistic(server.edit("mine", 2, "s1"));
    assert!(client.is_mutating(&e1));
    assert!(client.is_unsettled(mine));
    assert!(run_until(|| runs.get() == 2));
    server.answer("mine", Ok(()));
    assert!(run_until(|| runs.get() == 3));
    run_for(30);
    assert_eq!(*seen.borrow(), [false, true, false]);
    assert!(!client.is_unsettled(mine));
}

#[test]
fn data_version_counts_confirmed_writes_not_patches() {
    let (owner, client) = setup();
    let key = QueryKey::from("e/1");
    let runs = runs_of(&owner, move || {
        client.data_version();
    });
    assert!(run_until(|| runs.get() == 1));
    let v0 = client.data_version();
    client.set_query_data(&key, vec![0u32]);
    assert_eq!(client.data_version(), v0 + 1);
    assert!(run_until(|| runs.get() == 2));

    // An optimistic patch changes what is shown, not what would be saved.
    let server = Server::default();
    client.optimistic(server.edit("p", 1, "s"));
    assert_eq!(client.get_query_data::<Vec<u32>>(&key), Some(vec![0, 1]));
    run_for(30);
    assert_eq!(client.data_version(), v0 + 1);
    assert_eq!(runs.get(), 2);

    client.remove_queries(&key);
    assert_eq!(client.data_version(), v0 + 2);
    assert!(run_until(|| runs.get() == 3));
}

#[test]
fn fetches_retry_through_the_same_engine_and_give_up_on_4xx() {
    let (owner, client) = setup();
    let calls = Rc::new(std::cell::Cell::new(0u32));
    let answers = Rc::new(RefCell::new(vec![
        Err(TestError(503)),
        Ok(7),
        Err(TestError(404)),
    ]));
    let fetcher = {
        let (calls, answers) = (calls.clone(), answers.clone());
        move |_key: QueryKey, _signal: AbortSignal| {
            calls.set(calls.get() + 1);
            let answer = answers.borrow_mut().remove(0);
            async move { answer }
        }
    };
    let options = QueryOptions {
        retry: Some(FAST),
        ..QueryOptions::default()
    };
    let key = QueryKey::from("n");
    let query = owner.with(|| {
        let key = key.clone();
        use_query_with_options::<i32, TestError, _, _>(move || key.clone(), fetcher, options)
    });
    assert!(run_until(|| client.get_query_data::<i32>(&key) == Some(7)));
    assert_eq!(calls.get(), 2, "one retry after the 503");

    query.refetch();
    assert!(run_until(
        || query.error.get_untracked() == Some(TestError(404))
    ));
    run_for(30);
    assert_eq!(calls.get(), 3, "a 404 is not retried");
    assert_eq!(client.get_query_data::<i32>(&key), Some(7), "data kept");
}
