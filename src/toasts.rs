//! Toast state: a stack of notifications, newest last, each with its own countdown.

use std::rc::Rc;

use leptos::prelude::*;

/// How a toast is announced: politely (`status`) or at once (`alert`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    /// Something went well (role `status`).
    Success,
    /// Neutral news (role `status`).
    Info,
    /// Something failed (role `alert`).
    Error,
}

impl ToastKind {
    /// The ARIA role the toast carries.
    pub fn role(self) -> &'static str {
        match self {
            ToastKind::Error => "alert",
            _ => "status",
        }
    }

    fn lifetime_ms(self) -> i32 {
        match self {
            // Failures carry choices (Retry, Apply my changes): give people time to read them.
            ToastKind::Error => 10_000,
            _ => 5_000,
        }
    }
}

/// A button in a toast. Pressing it runs `run` and closes the toast.
#[derive(Clone)]
pub struct ToastAction {
    pub label: String,
    pub run: Rc<dyn Fn()>,
}

impl ToastAction {
    pub fn new(label: impl Into<String>, run: impl Fn() + 'static) -> Self {
        Self {
            label: label.into(),
            run: Rc::new(run),
        }
    }
}

/// One notification.
#[derive(Clone)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub message: String,
    pub actions: Vec<ToastAction>,
    /// Runs when the toast goes away without one of its actions (Dismiss, Escape, timeout).
    pub on_dismiss: Option<Rc<dyn Fn()>>,
    /// Milliseconds left before it closes by itself.
    pub remaining_ms: i32,
    /// Hovered or focused: the countdown waits.
    pub paused: bool,
    /// A failure whose buttons are the only way back to unsaved work: it never closes by
    /// itself, only by a button or Escape.
    pub sticky: bool,
}

/// Handle to the toast stack, provided at the root. `Copy`.
#[derive(Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>, LocalStorage>,
    next: StoredValue<u64>,
}

impl Default for Toasts {
    fn default() -> Self {
        Self::new()
    }
}

impl Toasts {
    /// An empty stack owned by the current reactive owner.
    pub fn new() -> Self {
        Self {
            list: RwSignal::new_local(Vec::new()),
            next: StoredValue::new(1),
        }
    }

    /// Provide a fresh stack as context and return it.
    pub fn provide() -> Self {
        let t = Self::new();
        provide_context(t);
        t
    }

    /// The stack provided by an ancestor.
    pub fn use_context() -> Self {
        expect_context::<Toasts>()
    }

    /// Show a toast; returns its id.
    pub fn show(
        &self,
        kind: ToastKind,
        message: impl Into<String>,
        actions: Vec<ToastAction>,
        on_dismiss: Option<Rc<dyn Fn()>>,
    ) -> u64 {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        let sticky = kind == ToastKind::Error && !actions.is_empty();
        let toast = Toast {
            id,
            kind,
            sticky,
            message: message.into(),
            actions,
            on_dismiss,
            remaining_ms: kind.lifetime_ms(),
            paused: false,
        };
        self.list.update(|l| l.push(toast));
        id
    }

    /// A success toast without buttons.
    pub fn success(&self, message: impl Into<String>) -> u64 {
        self.show(ToastKind::Success, message, Vec::new(), None)
    }

    /// An info toast without buttons.
    pub fn info(&self, message: impl Into<String>) -> u64 {
        self.show(ToastKind::Info, message, Vec::new(), None)
    }

    /// Every toast, oldest first (tracked).
    pub fn all(&self) -> Vec<Toast> {
        self.list.get()
    }

    /// The ids, oldest first (tracked).
    pub fn ids(&self) -> Vec<u64> {
        self.list.with(|l| l.iter().map(|t| t.id).collect())
    }

    /// One toast (untracked: a toast's content never changes).
    pub fn get(&self, id: u64) -> Option<Toast> {
        self.list
            .with_untracked(|l| l.iter().find(|t| t.id == id).cloned())
    }

    fn remove(&self, id: u64) -> Option<Toast> {
        let mut removed = None;
        self.list.update(|l| {
            if let Some(i) = l.iter().position(|t| t.id == id) {
                removed = Some(l.remove(i));
            }
        });
        removed
    }

    /// Close without acting: runs its `on_dismiss`.
    pub fn dismiss(&self, id: u64) {
        if let Some(f) = self.remove(id).and_then(|t| t.on_dismiss) {
            f();
        }
    }

    /// Press one of its buttons: runs the action, closes the toast.
    pub fn act(&self, id: u64, index: usize) {
        if let Some(action) = self.remove(id).and_then(|t| t.actions.get(index).cloned()) {
            (action.run)();
        }
    }

    /// Escape: close the newest toast. False when there was none.
    pub fn dismiss_newest(&self) -> bool {
        let newest = self.list.with_untracked(|l| l.last().map(|t| t.id));
        match newest {
            Some(id) => {
                self.dismiss(id);
                true
            }
            None => false,
        }
    }

    /// Hover / focus pauses a toast's countdown.
    pub fn set_paused(&self, id: u64, paused: bool) {
        self.list.update(|l| {
            if let Some(t) = l.iter_mut().find(|t| t.id == id) {
                t.paused = paused;
            }
        });
    }

    /// Advance every running countdown by `ms`, closing toasts whose time is up.
    pub fn tick(&self, ms: i32) {
        let running = |t: &Toast| !t.paused && !t.sticky;
        let expired: Vec<u64> = self.list.with_untracked(|l| {
            l.iter()
                .filter(|t| running(t) && t.remaining_ms <= ms)
                .map(|t| t.id)
                .collect()
        });
        let any_running = self.list.with_untracked(|l| l.iter().any(running));
        if any_running {
            self.list.update(|l| {
                for t in l.iter_mut().filter(|t| running(t)) {
                    t.remaining_ms -= ms;
                }
            });
        }
        for id in expired {
            self.dismiss(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_with_a_way_back_never_closes_by_itself() {
        let owner = Owner::new();
        owner.set();
        let toasts = Toasts::new();
        let retry = toasts.show(
            ToastKind::Error,
            "Couldn't save — changes reverted.",
            vec![ToastAction::new("Retry", || {})],
            None,
        );
        let plain = toasts.show(ToastKind::Error, "Not found", Vec::new(), None);
        let info = toasts.info("Saved");
        toasts.tick(60_000);
        assert!(toasts.get(retry).is_some());
        assert!(toasts.get(plain).is_none());
        assert!(toasts.get(info).is_none());
        toasts.dismiss_newest();
        assert!(toasts.get(retry).is_none());
    }
}
