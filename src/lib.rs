//! Eventual: an optimistic calendar event editor on Leptos 0.8 (client-side rendered).
//!
//! The app is a library so browser tests can mount its components; [`main`] boots it.

pub mod api;
pub mod app;
pub mod browser;
pub mod calendar;
pub mod components;
pub mod config;
pub mod draft;
pub mod events;
pub mod flags;
pub mod json;
pub mod keys;
pub mod live;
pub mod offline;
pub mod outbox;
pub mod pages;
pub mod routes;
pub mod time;
pub mod toasts;

use leptos::prelude::*;

/// Boots the app: reads `config.json`, then mounts [`app::App`] into `<body>`.
pub fn main() {
    // Without this a panic is a bare "unreachable" in the console.
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
    // `?optimistic=off` is read before any route can drop it from the URL.
    flags::init();
    // Leptos' executor starts at mount, so the config fetch runs on wasm-bindgen's.
    wasm_bindgen_futures::spawn_local(async {
        match config::Config::load().await {
            Ok(config) => {
                leptos::mount::mount_to_body(move || view! { <app::App config=config /> })
            }
            Err(problem) => leptos::mount::mount_to_body(move || view! { <ConfigError problem /> }),
        }
    });
}

/// The screen for a configuration the app cannot run with: what is wrong, not a guess.
#[component]
fn ConfigError(problem: String) -> impl IntoView {
    view! {
        <main id="main" class="app-main">
            <section class="page">
                <h1>"Eventual cannot start"</h1>
                <div role="alert">
                    <p>{problem}</p>
                    <p>"Fix config.json next to index.html, then reload."</p>
                </div>
            </section>
        </main>
    }
}
