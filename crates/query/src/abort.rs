//! Cancellation handed to fetchers and senders.

use std::cell::Cell;
use std::rc::Rc;

/// Cancellation signal passed to every fetch and mutation send.
///
/// On wasm it wraps a real `web_sys::AbortSignal` from an `AbortController` the client owns:
/// pass [`AbortSignal::web`] to `fetch` / gloo-net (`.abort_signal(signal.web())`) so that a
/// cancel really aborts the HTTP request. Natively only [`AbortSignal::is_aborted`] works.
#[derive(Clone, Debug)]
pub struct AbortSignal {
    aborted: Rc<Cell<bool>>,
    #[cfg(target_arch = "wasm32")]
    web: web_sys::AbortSignal,
}

impl AbortSignal {
    /// Whether the operation was cancelled.
    pub fn is_aborted(&self) -> bool {
        self.aborted.get()
    }

    /// The browser signal to hand to `fetch` (always `Some` on wasm, `None` natively).
    pub fn web(&self) -> Option<&web_sys::AbortSignal> {
        #[cfg(target_arch = "wasm32")]
        {
            Some(&self.web)
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            None
        }
    }
}

/// The owning side: aborting it aborts the signal (and the browser request).
#[derive(Debug)]
pub(crate) struct AbortHandle {
    aborted: Rc<Cell<bool>>,
    #[cfg(target_arch = "wasm32")]
    controller: Option<web_sys::AbortController>,
}

impl AbortHandle {
    pub fn new() -> (Self, AbortSignal) {
        let aborted = Rc::new(Cell::new(false));
        #[cfg(target_arch = "wasm32")]
        {
            let controller = web_sys::AbortController::new().expect("AbortController");
            let signal = AbortSignal {
                aborted: aborted.clone(),
                web: controller.signal(),
            };
            (
                Self {
                    aborted,
                    controller: Some(controller),
                },
                signal,
            )
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            (
                Self {
                    aborted: aborted.clone(),
                },
                AbortSignal { aborted },
            )
        }
    }

    pub fn abort(&self) {
        self.aborted.set(true);
        #[cfg(target_arch = "wasm32")]
        if let Some(c) = &self.controller {
            c.abort();
        }
    }
}
