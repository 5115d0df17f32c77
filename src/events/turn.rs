//! A write's place in its event's line of writes.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use eventual_model::EventId;

use crate::api::{Api, WriteTurn};

/// A save's place in its event's line of writes: waited for on the first attempt, held while
/// retrying, released when the save settles. A manual Retry after that queues again at the end.
#[derive(Clone)]
pub(super) struct TurnSlot(Rc<RefCell<Turn>>);

enum Turn {
    Waiting(Pin<Box<dyn Future<Output = WriteTurn>>>),
    Held(WriteTurn),
    Released,
}

impl TurnSlot {
    pub(super) fn new(waiting: impl Future<Output = WriteTurn> + 'static) -> Self {
        Self(Rc::new(RefCell::new(Turn::Waiting(Box::pin(waiting)))))
    }

    pub(super) async fn wait(&self, api: &Api, id: &EventId) {
        let state = std::mem::replace(&mut *self.0.borrow_mut(), Turn::Released);
        let turn = match state {
            Turn::Held(turn) => turn,
            Turn::Waiting(waiting) => waiting.await,
            Turn::Released => api.write_turn(id).await,
        };
        *self.0.borrow_mut() = Turn::Held(turn);
    }

    pub(super) fn release(&self) {
        *self.0.borrow_mut() = Turn::Released;
    }
}
