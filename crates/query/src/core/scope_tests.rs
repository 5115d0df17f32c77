//! Mutation scopes: one send at a time per scope, in start order; every patch shows at once.

use super::*;
use crate::QueryKey;

fn k(s: &str) -> QueryKey {
    QueryKey::from(s)
}

fn push(key: &str, n: u32) -> Vec<Patch> {
    vec![Patch::new::<Vec<u32>>(Target::Key(k(key)), move |v| {
        let mut v = v.clone();
        v.push(n);
        v
    })]
}

fn shown(c: &Cache, key: &str) -> Option<Vec<u32>> {
    c.shown(&k(key))?.downcast_ref::<Vec<u32>>().cloned()
}

fn fetched(c: &mut Cache, key: &str, v: Vec<u32>) {
    let seq = c.begin_fetch(&k(key), 0).expect("no fetch in flight");
    c.complete_fetch(&k(key), seq, Ok(Value::new(v)), 0);
}

fn ready(c: &mut Cache) -> Vec<MutationId> {
    c.drain_commands()
        .into_iter()
        .filter_map(|e| match e {
            Command::Ready(id) => Some(id),
            _ => None,
        })
        .collect()
}

fn scoped(c: &mut Cache, label: &str, scope: &str, patches: Vec<Patch>) -> MutationId {
    c.start_scoped(label, Some(scope.into()), patches, vec![], 0)
}

#[test]
fn a_scope_sends_in_start_order_and_keeps_its_place_across_retry_and_pause() {
    let mut c = Cache::default();
    fetched(&mut c, "e/1", vec![0]);
    let a = scoped(&mut c, "a", "e1", push("e/1", 1));
    let b = scoped(&mut c, "b", "e1", push("e/1", 2));
    let other = scoped(&mut c, "x", "e2", vec![]);
    let free = c.start_mutation("free", vec![], vec![], 0);
    // Both edits show at once although only the first may be sent.
    assert_eq!(shown(&c, "e/1"), Some(vec![0, 1, 2]));
    assert_eq!(c.send_gate(a), SendGate::Go);
    assert_eq!(c.send_gate(b), SendGate::Queued(a));
    assert_eq!(c.send_gate(other), SendGate::Go, "other scopes don't wait");
    assert_eq!(
        c.send_gate(free),
        SendGate::Go,
        "unscoped mutations don't wait"
    );

    c.mark_sent(a, 1);
    c.mark_retrying(a, "503", 1_000, 2);
    assert_eq!(
        c.send_gate(b),
        SendGate::Queued(a),
        "a retry keeps its place"
    );

    c.pause_sends();
    assert_eq!(c.send_gate(a), SendGate::Paused);
    assert_eq!(
        c.send_gate(b),
        SendGate::Queued(a),
        "a pause keeps the order"
    );
    c.drain_commands();
    c.resume_sends();
    assert_eq!(
        ready(&mut c),
        vec![a, b, other, free],
        "woken in line order"
    );
    assert_eq!(c.send_gate(a), SendGate::Go);
    assert_eq!(c.send_gate(b), SendGate::Queued(a));

    c.mark_sent(a, 3);
    c.succeed(a, 4);
    assert_eq!(ready(&mut c), vec![b], "the settle wakes the next in line");
    assert_eq!(c.send_gate(b), SendGate::Go);
    assert_eq!(c.send_gate(a), SendGate::Settled);
}

#[test]
fn a_failed_first_mutation_does_not_block_the_second() {
    let mut c = Cache::default();
    fetched(&mut c, "e/1", vec![0]);
    let a = scoped(&mut c, "a", "e1", push("e/1", 1));
    let b = scoped(&mut c, "b", "e1", push("e/1", 2));
    assert_eq!(c.send_gate(b), SendGate::Queued(a));
    c.mark_sent(a, 1);
    c.drain_commands();
    c.fail(a, "409", 2);
    assert_eq!(ready(&mut c), vec![b]);
    assert_eq!(c.send_gate(b), SendGate::Go);
    // Only a's patch went; b's still shows.
    assert_eq!(shown(&c, "e/1"), Some(vec![0, 2]));
}

#[test]
fn a_manual_retry_queues_at_the_end_of_its_scope() {
    let mut c = Cache::default();
    fetched(&mut c, "e/1", vec![0]);
    let a = scoped(&mut c, "a", "e1", push("e/1", 1));
    let b = scoped(&mut c, "b", "e1", push("e/1", 2));
    c.mark_sent(a, 1);
    c.fail(a, "503", 2);
    assert!(c.restart(a, 3));
    assert_eq!(c.send_gate(a), SendGate::Queued(b));
    assert_eq!(c.send_gate(b), SendGate::Go);
    assert_eq!(shown(&c, "e/1"), Some(vec![0, 2, 1]));
    c.mark_sent(b, 4);
    c.drain_commands();
    c.succeed(b, 5);
    assert_eq!(ready(&mut c), vec![a]);
    assert_eq!(c.send_gate(a), SendGate::Go);
}
