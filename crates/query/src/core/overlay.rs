//! Optimistic overlay: pending patches layered over confirmed data.

use std::any::Any;
use std::fmt;
use std::rc::Rc;

use super::types::{MutationId, Seq, Target};
use super::value::Value;
use crate::QueryKey;

type PatchFn = Rc<dyn Fn(&QueryKey, &dyn Any) -> Option<Box<dyn Any>>>;

/// A pure, typed edit of cached values, stored type-erased.
///
/// It only touches entries holding a `T`; entries of other types under the same prefix are
/// left alone. A [`partial`](Patch::partial) patch may also pass over an entry it does not
/// concern; such an entry is not refetched when the mutation settles.
///
/// ```
/// use eventual_query::core::{Patch, Target, Value};
/// use eventual_query::QueryKey;
/// let key = QueryKey::from("n");
/// let p = Patch::new::<i32>(Target::Prefix(key.clone()), |n| n + 1);
/// assert_eq!(p.apply(&key, &Value::new(1)).unwrap().downcast_ref::<i32>(), Some(&2));
/// assert!(p.apply(&key, &Value::new("text")).is_none());
/// let odd = Patch::partial::<i32>(Target::Prefix(key.clone()), |_, n| (n % 2 == 1).then(|| n + 1));
/// assert!(odd.apply(&key, &Value::new(2)).is_none());
/// ```
#[derive(Clone)]
pub struct Patch {
    target: Target,
    apply: PatchFn,
}

impl Patch {
    /// A patch of `T` values at `target`.
    pub fn new<T: 'static>(target: Target, f: impl Fn(&T) -> T + 'static) -> Self {
        Self {
            target,
            apply: Rc::new(move |_: &QueryKey, any: &dyn Any| {
                any.downcast_ref::<T>()
                    .map(|t| Box::new(f(t)) as Box<dyn Any>)
            }),
        }
    }

    /// A patch of the `T` values at `target` that `f` answers `Some` for; given the key, it
    /// answers `None` for an entry the change cannot concern (say, a list without the item),
    /// which then shows as it is and is not refetched when the mutation settles.
    pub fn partial<T: 'static>(
        target: Target,
        f: impl Fn(&QueryKey, &T) -> Option<T> + 'static,
    ) -> Self {
        Self {
            target,
            apply: Rc::new(move |key: &QueryKey, any: &dyn Any| {
                any.downcast_ref::<T>()
                    .and_then(|t| f(key, t))
                    .map(|t| Box::new(t) as Box<dyn Any>)
            }),
        }
    }

    /// Where it applies.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The patched value of `key`, or `None` if `value` is not of the patch's type or the
    /// patch passes over it.
    pub fn apply(&self, key: &QueryKey, value: &Value) -> Option<Value> {
        (self.apply)(key, value.as_any()).map(|b| value.with_same_type(b))
    }
}

impl fmt::Debug for Patch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Patch({})", self.target)
    }
}

/// One mutation's patches.
#[derive(Clone, Debug)]
pub(crate) struct Layer {
    pub mutation: MutationId,
    pub patches: Vec<Patch>,
    /// Set when the mutation succeeded: the layer keeps showing on a key until that key holds
    /// data fetched after this point, so a success never flashes the old value.
    pub confirmed_at: Option<Seq>,
}

impl Layer {
    /// Whether this layer still shows on a key whose base has `base_seq`.
    fn active_for(&self, base_seq: Seq) -> bool {
        self.confirmed_at.is_none_or(|c| base_seq < c)
    }

    pub fn touches(&self, key: &QueryKey) -> bool {
        self.patches.iter().any(|p| p.target.matches(key))
    }

    /// Whether a patch of this layer changes `key` holding `value` (unknown data: assume so).
    pub fn changes(&self, key: &QueryKey, value: Option<&Value>) -> bool {
        self.patches
            .iter()
            .filter(|p| p.target.matches(key))
            .any(|p| value.is_none_or(|v| p.apply(key, v).is_some()))
    }
}

/// Layers in mutation-start order (oldest first).
#[derive(Default, Debug)]
pub(crate) struct Overlay {
    layers: Vec<Layer>,
}

impl Overlay {
    pub fn push(&mut self, layer: Layer) {
        self.layers.push(layer);
    }

    /// Removes a mutation's layer (rollback); true if it had one.
    pub fn remove(&mut self, id: MutationId) -> Option<Layer> {
        let i = self.layers.iter().position(|l| l.mutation == id)?;
        Some(self.layers.remove(i))
    }

    pub fn contains(&self, id: MutationId) -> bool {
        self.layers.iter().any(|l| l.mutation == id)
    }

    pub fn get(&self, id: MutationId) -> Option<&Layer> {
        self.layers.iter().find(|l| l.mutation == id)
    }

    pub fn get_mut(&mut self, id: MutationId) -> Option<&mut Layer> {
        self.layers.iter_mut().find(|l| l.mutation == id)
    }

    /// Drops confirmed layers that no longer show anywhere.
    pub fn retain(&mut self, keep: impl FnMut(&Layer) -> bool) {
        self.layers.retain(keep);
    }

    /// Whether any active layer touches `key` (given its base's seq).
    pub fn has_active(&self, key: &QueryKey, base_seq: Seq) -> bool {
        self.layers
            .iter()
            .any(|l| l.active_for(base_seq) && l.touches(key))
    }

    /// `base` with every active patch for `key` applied in start order.
    pub fn apply(&self, key: &QueryKey, base: &Value, base_seq: Seq) -> Value {
        let mut shown = base.clone();
        for layer in self.layers.iter().filter(|l| l.active_for(base_seq)) {
            for patch in layer.patches.iter().filter(|p| p.target.matches(key)) {
                if let Some(v) = patch.apply(key, &shown) {
                    shown = v;
                }
            }
        }
        shown
    }
}
