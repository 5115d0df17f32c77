//! Unit tests of the five guarantees, and a model-based property test over random
//! interleavings of mutations, retries, fetches and out-of-order responses.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;
use crate::QueryKey;

/// A versioned server document.
#[derive(Clone, Debug, PartialEq)]
struct Doc {
    version: u64,
    value: i64,
}

fn k(s: &str) -> QueryKey {
    QueryKey::from(s)
}

fn shown_list(c: &Cache, key: &str) -> Option<Vec<u32>> {
    c.shown(&k(key))?.downcast_ref::<Vec<u32>>().cloned()
}

fn push(target: Target, n: u32) -> Patch {
    Patch::new::<Vec<u32>>(target, move |v| {
        let mut v = v.clone();
        v.push(n);
        v
    })
}

fn fetched(c: &mut Cache, key: &str, v: Vec<u32>) {
    let seq = c.begin_fetch(&k(key), 0).expect("no fetch in flight");
    assert_eq!(
        c.complete_fetch(&k(key), seq, Ok(Value::new(v)), 0),
        FetchOutcome::Applied
    );
}

fn refetches(c: &mut Cache) -> Vec<QueryKey> {
    c.drain_commands()
        .into_iter()
        .filter_map(|e| match e {
            Command::Refetch(k) => Some(k),
            _ => None,
        })
        .collect()
}

#[test]
fn guarantee_1_failure_removes_only_its_own_patch() {
    let mut c = Cache::default();
    fetched(&mut c, "e/1", vec![0]);
    let a = c.start_mutation("a", vec![push(Target::Key(k("e/1")), 1)], vec![], 0);
    let b = c.start_mutation("b", vec![push(Target::Key(k("e/1")), 2)], vec![], 0);
    assert_eq!(shown_list(&c, "e/1"), Some(vec![0, 1, 2]));
    c.mark_sent(a, 0);
    c.mark_sent(b, 0);
    c.fail(a, "409", 1);
    assert_eq!(shown_list(&c, "e/1"), Some(vec![0, 2]));
    assert_eq!(c.mutation(a).unwrap().state, MutationState::RolledBack);
    assert_eq!(c.mutation(b).unwrap().state, MutationState::Pending);
}

#[test]
fn guarantee_2_refetch_mid_edit_replaces_base_under_the_patch() {
    let mut c = Cache::default();
    fetched(&mut c, "e/1", vec![0]);
    let m = c.start_mutation("m", vec![push(Target::Key(k("e/1")), 9)], vec![], 0);
    c.mark_sent(m, 0);
    fetched(&mut c, "e/1", vec![0, 5]);
    assert_eq!(shown_list(&c, "e/1"), Some(vec![0, 5, 9]));
    assert!(c.has_pending(&k("e/1")));
}

#[test]
fn guarantee_3_refetch_once_when_the_last_touching_mutation_settles() {
    let mut c = Cache::default();
    fetched(&mut c, "e/1", vec![0]);
    fetched(&mut c, "e/list", vec![0]);
    let a = c.start_mutation("a", vec![push(Target::Key(k("e/1")), 1)], vec![], 0);
    let b = c.start_mutation("b", vec![push(Target::Prefix(k("e")), 2)], vec![], 0);
    c.mark_sent(a, 0);
    c.mark_sent(b, 0);
    c.drain_commands();
    c.succeed(b, 1);
    // e/1 is still touched by a; only the list is refetched now.
    assert_eq!(refetches(&mut c), vec![k("e/list")]);
    c.succeed(a, 2);
    assert_eq!(refetches(&mut c), vec![k("e/1")]);
}

#[test]
fn guarantee_4_out_of_order_answers_cannot_go_back_in_time() {
    let mut c = Cache::default();
    let key = k("e/1");
    let old = c.begin_fetch(&key, 0).unwrap();
    c.drain_commands();
    c.invalidate(&key); // aborts `old`
    assert!(matches!(c.drain_commands().as_slice(), [Command::Abort(_, s), ..] if *s == old));
    let new = c.begin_fetch(&key, 0).unwrap();
    assert_eq!(
        c.complete_fetch(&key, new, Ok(Value::new(vec![2u32])), 1),
        FetchOutcome::Applied
    );
    assert_eq!(
        c.complete_fetch(&key, old, Ok(Value::new(vec![1u32])), 2),
        FetchOutcome::Discarded
    );
    assert_eq!(shown_list(&c, "e/1"), Some(vec![2]));
    // A mutation response older than data that landed after the mutation was sent is ignored.
    let m = c.start_mutation("m", vec![], vec![], 3);
    let sent = c.mark_sent(m, 3).unwrap();
    fetched(&mut c, "e/1", vec![3]);
    assert!(!c.set_base(&key, Value::new(vec![1u32]), Some(sent), 4));
    assert_eq!(shown_list(&c, "e/1"), Some(vec![3]));
}

#[test]
fn guarantee_5_settled_and_refetched_shows_the_server() {
    let mut c = Cache::default();
    fetched(&mut c, "e/1", vec![0]);
    let m = c.start_mutation("m", vec![push(Target::Key(k("e/1")), 7)], vec![], 0);
    c.mark_sent(m, 0);
    c.succeed(m, 1);
    // The confirmed patch keeps showing until the refetch lands: no flash of the old value.
    assert_eq!(shown_list(&c, "e/1"), Some(vec![0, 7]));
    assert_eq!(refetches(&mut c), vec![k("e/1")]);
    fetched(&mut c, "e/1", vec![0, 7]);
    assert_eq!(shown_list(&c, "e/1"), Some(vec![0, 7]));
    assert!(!c.has_pending(&k("e/1")));
    assert!(c.mutations().is_empty(), "confirmed layer pruned");
}

#[test]
fn response_written_on_success_replaces_the_mutations_own_patch() {
    let mut c = Cache::default();
    fetched(&mut c, "e/list", vec![1]);
    // An optimistic create shows a temporary row 100; the server answers with id 7.
    let m = c.start_mutation(
        "create",
        vec![push(Target::Prefix(k("e/list")), 100)],
        vec![],
        0,
    );
    let sent = c.mark_sent(m, 0).unwrap();
    assert_eq!(shown_list(&c, "e/list"), Some(vec![1, 100]));
    assert!(c.confirm(m, 1));
    assert!(c.set_base(&k("e/list"), Value::new(vec![1u32, 7]), Some(sent), 1));
    c.finish(m, 1);
    assert_eq!(
        shown_list(&c, "e/list"),
        Some(vec![1, 7]),
        "no duplicate temp row"
    );
}

#[test]
fn prefix_patch_reaches_entries_fetched_while_pending_and_skips_other_types() {
    let mut c = Cache::default();
    let m = c.start_mutation("m", vec![push(Target::Prefix(k("e/list")), 4)], vec![], 0);
    c.mark_sent(m, 0);
    fetched(&mut c, "e/list?q=a", vec![1]);
    assert_eq!(shown_list(&c, "e/list?q=a"), Some(vec![1, 4]));
    let seq = c.begin_fetch(&k("e/list/count"), 0).unwrap();
    c.complete_fetch(&k("e/list/count"), seq, Ok(Value::new(3u64)), 0);
    assert_eq!(
        c.shown(&k("e/list/count")).unwrap().downcast_ref::<u64>(),
        Some(&3)
    );
}

#[test]
fn equal_fetch_result_does_not_notify_data_readers() {
    let mut c = Cache::default();
    fetched(&mut c, "e/1", vec![1]);
    c.drain_commands();
    fetched(&mut c, "e/1", vec![1]);
    assert!(!c.drain_commands().contains(&Command::Data(k("e/1"))));
    fetched(&mut c, "e/1", vec![2]);
    assert!(c.drain_commands().contains(&Command::Data(k("e/1"))));
}

#[test]
fn fetches_are_deduplicated_and_cancelled_ones_never_write() {
    let mut c = Cache::default();
    let seq = c.begin_fetch(&k("e/1"), 0).unwrap();
    assert!(c.begin_fetch(&k("e/1"), 0).is_none());
    c.cancel(&k("e"));
    assert!(!c.is_fetching(&k("e/1")));
    assert_eq!(
        c.complete_fetch(&k("e/1"), seq, Ok(Value::new(vec![1u32])), 0),
        FetchOutcome::Discarded
    );
    assert!(c.shown(&k("e/1")).is_none());
}

#[test]
fn gc_drops_only_entries_unread_long_enough() {
    let mut c = Cache::default();
    fetched(&mut c, "a", vec![]);
    fetched(&mut c, "b", vec![]);
    c.observe(&k("b"), 0, 0);
    c.observe(&k("a"), 0, 0);
    c.unobserve(&k("a"), 100);
    assert!(c.gc(50, 120).is_empty());
    assert_eq!(c.gc(50, 150), vec![k("a")]);
    assert!(c.contains(&k("b")));
}

#[test]
fn retry_restarts_a_failed_mutation_on_top_and_logs_the_lifecycle() {
    let mut c = Cache::default();
    fetched(&mut c, "e/1", vec![0]);
    let a = c.start_mutation("a", vec![push(Target::Key(k("e/1")), 1)], vec![], 0);
    c.mark_sent(a, 0);
    c.mark_retrying(a, "503", 1000, 1);
    c.mark_sent(a, 2);
    c.fail(a, "503", 3);
    let b = c.start_mutation("b", vec![push(Target::Key(k("e/1")), 2)], vec![], 4);
    assert!(c.restart(a, 5));
    assert_eq!(shown_list(&c, "e/1"), Some(vec![0, 2, 1]));
    let events: Vec<_> = c
        .log()
        .filter(|r| r.mutation == a)
        .map(|r| r.event.clone())
        .collect();
    assert_eq!(
        events,
        vec![
            LogEvent::Started,
            LogEvent::Applied { patches: 1 },
            LogEvent::Sent { attempt: 1 },
            LogEvent::Retried {
                attempt: 1,
                delay_ms: 1000,
                error: "503".into()
            },
            LogEvent::Sent { attempt: 2 },
            LogEvent::Failed {
                error: "503".into()
            },
            LogEvent::RolledBack,
            LogEvent::Refetched,
            LogEvent::Started,
            LogEvent::Applied { patches: 1 },
        ]
    );
    let _ = b;
}

// ---------------------------------------------------------------------------------------------
// Model-based property test.

const KEYS: [&str; 4] = ["a/1", "a/2", "list/x", "list/y"];

#[test]
fn hydrated_data_is_stale_shows_pending_edits_and_yields_to_any_fetch() {
    let mut c = Cache::default();
    let m = c.start_mutation("edit", vec![push(Target::Key(k("a")), 9)], vec![], 0);
    // Saved by an earlier page load: shown (with the pending edit on top) but stale.
    assert!(c.hydrate(&k("a"), Value::new(vec![1u32]), 50, 100));
    assert_eq!(shown_list(&c, "a"), Some(vec![1, 9]));
    assert!(c.is_stale(&k("a"), 100));
    // Never over data that is already there.
    assert!(!c.hydrate(&k("a"), Value::new(vec![7u32]), 50, 100));
    assert_eq!(shown_list(&c, "a"), Some(vec![1, 9]));
    // A fetch (e.g. on reconnect) replaces the base; the pending edit stays on top.
    fetched(&mut c, "a", vec![1, 2]);
    assert_eq!(shown_list(&c, "a"), Some(vec![1, 2, 9]));
    c.mark_sent(m, 101);
    c.succeed(m, 102);
    fetched(&mut c, "a", vec![1, 2, 9]);
    assert_eq!(shown_list(&c, "a"), Some(vec![1, 2, 9]));
}

#[test]
fn refetch_on_focus_or_reconnect_respects_stale_time_and_keeps_pending_edits() {
    let mut c = Cache::default();
    c.observe(&k("a"), 1_000, 0);
    let seq = c.begin_fetch(&k("a"), 0).unwrap();
    c.complete_fetch(&k("a"), seq, Ok(Value::new(vec![1u32])), 0);
    // Fresh: focus / reconnect would not refetch it.
    assert!(c.stale_observed(500).is_empty());
    let m = c.start_mutation("edit", vec![push(Target::Key(k("a")), 5)], vec![], 600);
    c.mark_sent(m, 600);
    // Stale later: refetched, and the answer lands under the still-pending edit.
    assert_eq!(c.stale_observed(1_500), vec![k("a")]);
    fetched(&mut c, "a", vec![1, 2]);
    assert_eq!(shown_list(&c, "a"), Some(vec![1, 2, 5]));
}

fn target(i: u8) -> Target {
    match i % 6 {
        n @ 0..=3 => Target::Key(k(KEYS[n as usize])),
        4 => Target::Prefix(k("a")),
        _ => Target::Prefix(k("list")),
    }
}

#[derive(Clone, Debug)]
enum Act {
    Start(u8),
    ProcessMutation(u8, u8),
    DeliverMutation(u8),
    BeginFetch(u8),
    ProcessFetch(u8),
    DeliverFetch(u8),
    Invalidate(u8),
    Cancel(u8),
    RetryFailed(u8),
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        3 => any::<u8>().prop_map(Act::Start),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(i, o)| Act::ProcessMutation(i, o)),
        3 => any::<u8>().prop_map(Act::DeliverMutation),
        3 => any::<u8>().prop_map(Act::BeginFetch),
        3 => any::<u8>().prop_map(Act::ProcessFetch),
        3 => any::<u8>().prop_map(Act::DeliverFetch),
        1 => any::<u8>().prop_map(Act::Invalidate),
        1 => any::<u8>().prop_map(Act::Cancel),
        1 => any::<u8>().prop_map(Act::RetryFailed),
    ]
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Outcome {
    Ok,
    Rejected,
    Retryable,
}

/// How the server answered, and its state right after.
type Answer = (Outcome, BTreeMap<QueryKey, Doc>);

#[derive(Debug)]
enum MState {
    Unsettled,
    Succeeded { at: u64 },
    Failed,
}

#[derive(Debug)]
struct ModelMutation {
    id: MutationId,
    target: Target,
    value: i64,
    state: MState,
    /// The request on the wire: its send seq, and the server's answer once processed.
    request: Option<(Seq, Option<Answer>)>,
}

#[derive(Debug)]
struct ModelFetch {
    key: QueryKey,
    seq: Seq,
    begun: u64,
    answer: Option<Doc>,
}

struct World {
    cache: Cache,
    server: BTreeMap<QueryKey, Doc>,
    mutations: Vec<ModelMutation>,
    fetches: Vec<ModelFetch>,
    /// Model clock: one tick per client-side event.
    clock: u64,
    /// When each key's current base was produced (fetch begin / response arrival).
    base_origin: BTreeMap<QueryKey, u64>,
    last_version: BTreeMap<QueryKey, u64>,
}

impl World {
    fn new() -> Self {
        Self {
            cache: Cache::default(),
            server: KEYS
                .iter()
                .map(|s| {
                    (
                        k(s),
                        Doc {
                            version: 0,
                            value: 0,
                        },
                    )
                })
                .collect(),
            mutations: Vec::new(),
            fetches: Vec::new(),
            clock: 0,
            base_origin: BTreeMap::new(),
            last_version: BTreeMap::new(),
        }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    fn begin_fetch(&mut self, key: &QueryKey) {
        if !self.cache.contains(key) {
            // Observed, and fresh until invalidated: quiesce refetches only what is stale.
            self.cache.observe(key, u64::MAX, 0);
        }
        if let Some(seq) = self.cache.begin_fetch(key, 0) {
            let begun = self.tick();
            self.fetches.push(ModelFetch {
                key: key.clone(),
                seq,
                begun,
                answer: None,
            });
        }
    }

    /// Performs commands like the shell does (every key counts as observed).
    fn perform(&mut self) -> BTreeSet<QueryKey> {
        let mut refetched = BTreeSet::new();
        for e in self.cache.drain_commands() {
            if let Command::Refetch(key) = e {
                refetched.insert(key);
            }
        }
        for key in &refetched {
            self.begin_fetch(key);
        }
        refetched
    }

    fn unsettled_touching(&self, key: &QueryKey, except: MutationId) -> bool {
        self.mutations.iter().any(|m| {
            m.id != except && matches!(m.state, MState::Unsettled) && m.target.matches(key)
        })
    }

    fn settle_check(&mut self, id: MutationId, target: &Target) {
        let expected: BTreeSet<QueryKey> = self
            .cache
            .keys()
            .filter(|key| target.matches(key) && !self.unsettled_touching(key, id))
            .cloned()
            .collect();
        let got = self.perform();
        assert_eq!(
            got, expected,
            "guarantee 3: refetch exactly keys no other mutation touches"
        );
    }

    fn step(&mut self, a: &Act) {
        match *a {
            Act::Start(t) => {
                let target = target(t);
                let value = self.tick() as i64;
                let patch = Patch::new::<Doc>(target.clone(), move |d| Doc {
                    version: d.version,
                    value,
                });
                let id = self.cache.start_mutation("m", vec![patch], vec![], 0);
                let seq = self.cache.mark_sent(id, 0).unwrap();
                self.tick();
                self.mutations.push(ModelMutation {
                    id,
                    target,
                    value,
                    state: MState::Unsettled,
                    request: Some((seq, None)),
                });
            }
            Act::ProcessMutation(i, o) => {
                let n = self.mutations.len();
                if n == 0 {
                    return;
                }
                let m = &mut self.mutations[i as usize % n];
                let Some((_, answer @ None)) = &mut m.request else {
                    return;
                };
                let outcome = match o % 5 {
                    0 => Outcome::Rejected,
                    1 => Outcome::Retryable,
                    _ => Outcome::Ok,
                };
                if outcome == Outcome::Ok {
                    for (key, doc) in self.server.iter_mut() {
                        if m.target.matches(key) {
                            doc.version += 1;
                            doc.value = m.value;
                        }
                    }
                }
                *answer = Some((outcome, self.server.clone()));
            }
            Act::DeliverMutation(i) => {
                let n = self.mutations.len();
                if n == 0 {
                    return;
                }
                let idx = i as usize % n;
                let Some((sent, Some((outcome, snapshot)))) = self.mutations[idx].request.clone()
                else {
                    return;
                };
                let (id, target) = (self.mutations[idx].id, self.mutations[idx].target.clone());
                let attempts = self.cache.mutation(id).unwrap().attempts;
                match outcome {
                    Outcome::Ok => {
                        let at = self.tick();
                        assert!(self.cache.confirm(id, 0));
                        self.mutations[idx].state = MState::Succeeded { at };
                        // on_success: write the response for a single-key edit.
                        if let Target::Key(key) = &target {
                            let arrived = self.tick();
                            let doc = snapshot[key].clone();
                            if self.cache.set_base(key, Value::new(doc), Some(sent), 0) {
                                self.base_origin.insert(key.clone(), arrived);
                            }
                        }
                        self.cache.finish(id, 0);
                        self.mutations[idx].request = None;
                        self.settle_check(id, &target);
                    }
                    Outcome::Retryable if attempts < 3 => {
                        self.cache.mark_retrying(id, "503", 0, 0);
                        let seq = self.cache.mark_sent(id, 0).unwrap();
                        self.tick();
                        self.mutations[idx].request = Some((seq, None));
                    }
                    _ => {
                        self.cache.fail(id, "4xx", 0);
                        self.mutations[idx].state = MState::Failed;
                        self.mutations[idx].request = None;
                        self.settle_check(id, &target);
                    }
                }
            }
            Act::BeginFetch(key) => {
                let key = k(KEYS[key as usize % KEYS.len()]);
                self.begin_fetch(&key);
            }
            Act::ProcessFetch(i) => {
                let n = self.fetches.len();
                if n == 0 {
                    return;
                }
                let f = &mut self.fetches[i as usize % n];
                if f.answer.is_none() {
                    f.answer = Some(self.server[&f.key].clone());
                }
            }
            Act::DeliverFetch(i) => {
                let n = self.fetches.len();
                if n == 0 {
                    return;
                }
                let idx = i as usize % n;
                if self.fetches[idx].answer.is_none() {
                    return;
                }
                let f = self.fetches.remove(idx);
                let current = self.cache.is_current_fetch(&f.key, f.seq);
                let outcome =
                    self.cache
                        .complete_fetch(&f.key, f.seq, Ok(Value::new(f.answer.unwrap())), 0);
                if !current {
                    assert_eq!(
                        outcome,
                        FetchOutcome::Discarded,
                        "aborted fetches never write"
                    );
                }
                if outcome == FetchOutcome::Applied {
                    self.base_origin.insert(f.key.clone(), f.begun);
                }
            }
            Act::Cancel(p) => {
                let prefix = if p % 2 == 0 { k("a") } else { k("list") };
                self.cache.cancel(&prefix);
            }
            Act::RetryFailed(i) => {
                let failed: Vec<usize> = (0..self.mutations.len())
                    .filter(|&j| matches!(self.mutations[j].state, MState::Failed))
                    .collect();
                if failed.is_empty() {
                    return;
                }
                let idx = failed[i as usize % failed.len()];
                let mut m = self.mutations.remove(idx);
                assert!(self.cache.restart(m.id, 0));
                let seq = self.cache.mark_sent(m.id, 0).unwrap();
                self.tick();
                m.state = MState::Unsettled;
                m.request = Some((seq, None));
                // A retried edit goes back on top: it is the newest.
                self.mutations.push(m);
            }
            Act::Invalidate(p) => {
                let prefix = if p % 2 == 0 { k("a") } else { k("list") };
                self.cache.invalidate(&prefix);
            }
        }
        self.perform();
    }

    /// Guarantees 1, 2 and 4 after every step.
    fn check(&mut self) {
        for key in self.cache.keys().cloned().collect::<Vec<_>>() {
            let Some(base) = self.cache.base(&key) else {
                assert!(self.cache.shown(&key).is_none());
                continue;
            };
            let doc = base.value.downcast_ref::<Doc>().unwrap().clone();
            // 4: confirmed data never goes back in server time.
            let last = self.last_version.entry(key.clone()).or_insert(0);
            assert!(
                doc.version >= *last,
                "guarantee 4: {key} went from v{last} to v{}",
                doc.version
            );
            *last = doc.version;
            // 1 + 2: shown = base + patches of unsettled mutations (failed ones removed, others
            // kept in start order) + confirmed ones whose post-success refetch hasn't landed.
            let origin = self.base_origin.get(&key).copied().unwrap_or(0);
            let mut expected = doc.clone();
            for m in &self.mutations {
                let active = match m.state {
                    MState::Unsettled => true,
                    MState::Succeeded { at } => origin < at,
                    MState::Failed => false,
                };
                if active && m.target.matches(&key) {
                    expected.value = m.value;
                }
            }
            let shown = self
                .cache
                .shown(&key)
                .unwrap()
                .downcast_ref::<Doc>()
                .unwrap();
            assert_eq!(shown, &expected, "guarantees 1/2: shown value of {key}");
        }
    }

    /// Settles everything and delivers every answer; then shown must equal the server.
    fn quiesce(&mut self) {
        for _ in 0..100 {
            let pending: Vec<u8> = (0..self.mutations.len() as u8)
                .filter(|&i| self.mutations[i as usize].request.is_some())
                .collect();
            if pending.is_empty() && self.fetches.is_empty() {
                break;
            }
            for i in pending {
                self.step(&Act::ProcessMutation(i, 2));
                self.step(&Act::DeliverMutation(i));
                self.check();
            }
            while !self.fetches.is_empty() {
                self.step(&Act::ProcessFetch(0));
                self.step(&Act::DeliverFetch(0));
                self.check();
            }
        }
        assert!(self.fetches.is_empty());
        // What focus / remount would do: refetch stale keys (those whose refetch was cancelled).
        let stale: Vec<QueryKey> = self
            .cache
            .keys()
            .filter(|key| self.cache.is_stale(key, 0))
            .cloned()
            .collect();
        for key in &stale {
            self.begin_fetch(key);
        }
        while !self.fetches.is_empty() {
            self.step(&Act::ProcessFetch(0));
            self.step(&Act::DeliverFetch(0));
            self.check();
        }
        for key in self.cache.keys().cloned().collect::<Vec<_>>() {
            if let Some(shown) = self.cache.shown(&key) {
                assert_eq!(
                    shown.downcast_ref::<Doc>().unwrap(),
                    &self.server[&key],
                    "guarantee 5: {key} equals the server once all settled"
                );
                assert!(!self.cache.has_pending(&key));
            }
        }
        assert!(
            self.cache
                .mutations()
                .iter()
                .all(|r| !r.state.is_unsettled()),
            "nothing left pending"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn random_interleavings_keep_the_five_guarantees(acts in prop::collection::vec(act(), 1..80)) {
        let mut w = World::new();
        for a in &acts {
            w.step(a);
            w.check();
        }
        w.quiesce();
    }
}

/// Found by the property test: a fetch sent before a success and landing after it must still
/// show the confirmed patch (the layer was pruned too early).
#[test]
fn regression_fetch_sent_before_success_keeps_the_confirmed_patch() {
    let acts = [
        Act::Start(178),
        Act::BeginFetch(82),
        Act::Start(4),
        Act::ProcessMutation(0, 0),
        Act::Start(20),
        Act::Start(131),
        Act::ProcessMutation(182, 11),
    ];
    let mut w = World::new();
    for a in &acts {
        w.step(a);
        w.check();
    }
    w.quiesce();
}
