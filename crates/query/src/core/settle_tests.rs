//! Which keys a settled mutation refetches: what its patches changed, and its refetch targets.

use super::*;
use crate::QueryKey;

fn k(s: &str) -> QueryKey {
    QueryKey::from(s)
}

fn fetched(c: &mut Cache, key: &str, v: Vec<u32>) {
    let seq = c.begin_fetch(&k(key), 0).expect("no fetch in flight");
    c.complete_fetch(&k(key), seq, Ok(Value::new(v)), 0);
}

fn shown(c: &Cache, key: &str) -> Option<Vec<u32>> {
    c.shown(&k(key))?.downcast_ref::<Vec<u32>>().cloned()
}

/// Doubles item `n` in every list that holds it, and passes over the others.
fn double_where_held(n: u32) -> Patch {
    Patch::partial::<Vec<u32>>(Target::Prefix(k("lists")), move |_, v| {
        v.contains(&n)
            .then(|| v.iter().map(|&x| if x == n { x * 2 } else { x }).collect())
    })
}

fn refetched(c: &mut Cache) -> Vec<QueryKey> {
    let mut keys: Vec<QueryKey> = c
        .drain_commands()
        .into_iter()
        .filter_map(|e| match e {
            Command::Refetch(key) => Some(key),
            _ => None,
        })
        .collect();
    keys.sort();
    keys
}

fn two_lists() -> Cache {
    let mut c = Cache::default();
    fetched(&mut c, "lists/a", vec![1, 3]);
    fetched(&mut c, "lists/b", vec![5]);
    c.drain_commands();
    c
}

#[test]
fn a_success_refetches_only_the_lists_its_partial_patch_changed() {
    let mut c = two_lists();
    let m = c.start_mutation("double 3", vec![double_where_held(3)], vec![], 1);
    assert_eq!(shown(&c, "lists/a"), Some(vec![1, 6]));
    assert_eq!(shown(&c, "lists/b"), Some(vec![5]));
    c.mark_sent(m, 1);
    c.drain_commands();
    c.succeed(m, 2);
    assert_eq!(refetched(&mut c), vec![k("lists/a")]);
}

#[test]
fn a_failure_puts_back_and_refetches_only_the_changed_list() {
    let mut c = two_lists();
    let m = c.start_mutation("double 3", vec![double_where_held(3)], vec![], 1);
    c.mark_sent(m, 1);
    c.drain_commands();
    c.fail(m, "500", 2);
    assert_eq!(shown(&c, "lists/a"), Some(vec![1, 3]));
    assert_eq!(refetched(&mut c), vec![k("lists/a")]);
}

#[test]
fn a_whole_patch_and_refetch_targets_still_refetch_every_key_they_cover() {
    let mut c = two_lists();
    fetched(&mut c, "other", vec![]);
    c.drain_commands();
    let all = Patch::new::<Vec<u32>>(Target::Prefix(k("lists")), |v| v.clone());
    let m = c.start_mutation("all", vec![all], vec![Target::Key(k("other"))], 1);
    c.mark_sent(m, 1);
    c.succeed(m, 2);
    assert_eq!(
        refetched(&mut c),
        vec![k("lists/a"), k("lists/b"), k("other")]
    );
}

#[test]
fn a_list_fetched_while_pending_that_holds_the_item_is_refetched_too() {
    let mut c = two_lists();
    let m = c.start_mutation("double 3", vec![double_where_held(3)], vec![], 1);
    c.mark_sent(m, 1);
    fetched(&mut c, "lists/c", vec![3, 4]);
    assert_eq!(shown(&c, "lists/c"), Some(vec![6, 4]));
    c.drain_commands();
    c.succeed(m, 2);
    assert_eq!(refetched(&mut c), vec![k("lists/a"), k("lists/c")]);
}

#[test]
fn data_written_by_the_success_callback_does_not_widen_the_refetch() {
    let mut c = two_lists();
    let m = c.start_mutation("double 3", vec![double_where_held(3)], vec![], 1);
    c.mark_sent(m, 1);
    assert!(c.confirm(m, 2));
    // What an app's success callback does: the server's copy into every list (item 3 is
    // still there; the server kept its value).
    c.set_base(&k("lists/a"), Value::new(vec![1u32, 3]), None, 2);
    c.set_base(&k("lists/b"), Value::new(vec![5u32]), None, 2);
    c.drain_commands();
    c.finish(m, 3);
    assert_eq!(refetched(&mut c), vec![k("lists/a")]);
    assert_eq!(
        shown(&c, "lists/a"),
        Some(vec![1, 3]),
        "the server's copy shows"
    );
}
