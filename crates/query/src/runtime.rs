//! Clock, timers and task spawning for the shell (browser or native).

use std::future::Future;

use crate::core::Millis;

/// Wall clock in ms.
pub(crate) fn now_ms() -> Millis {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as Millis
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as Millis)
    }
}

/// Waits `ms` milliseconds.
pub(crate) async fn sleep(ms: u64) {
    #[cfg(target_arch = "wasm32")]
    {
        gloo_timers::future::TimeoutFuture::new(ms.min(u32::MAX as u64) as u32).await;
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let (tx, rx) = futures::channel::oneshot::channel::<()>();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(ms));
            let _ = tx.send(());
        });
        let _ = rx.await;
    }
}

/// Runs a `!Send` future on the current thread.
pub(crate) fn spawn(fut: impl Future<Output = ()> + 'static) {
    leptos::task::spawn_local(fut);
}
