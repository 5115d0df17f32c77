//! Runtime switches read once at start-up from the page URL (`?optimistic=off`).
//!
//! The switch lives for the whole page load, so in-app navigation keeps it; it is also kept
//! in `sessionStorage` so a reload of the same tab keeps it too.

use std::cell::Cell;

use eventual_query::{Optimistic, QueryError, QueryKey};

const PARAM: &str = "optimistic";
const STORAGE_KEY: &str = "eventual.optimistic";

thread_local! {
    static OPTIMISTIC: Cell<bool> = const { Cell::new(true) };
}

/// What a `?optimistic=` value asks for: `Some(false)` for `off`/`false`/`0`, `Some(true)` for
/// `on`/`true`/`1`, `None` for anything else (no opinion).
pub fn parse_switch(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "off" | "false" | "0" | "no" => Some(false),
        "on" | "true" | "1" | "yes" => Some(true),
        _ => None,
    }
}

/// Reads the switches from the URL (or this tab's earlier choice). Call once, before mounting.
pub fn init() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let storage = window.session_storage().ok().flatten();
    let from_url = window
        .location()
        .search()
        .ok()
        .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok())
        .and_then(|p| p.get(PARAM))
        .and_then(|v| parse_switch(&v));
    let on = match from_url {
        Some(on) => {
            if let Some(s) = &storage {
                let _ = s.set_item(STORAGE_KEY, if on { "on" } else { "off" });
            }
            on
        }
        None => storage
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|v| parse_switch(&v))
            .unwrap_or(true),
    };
    set_optimistic(on);
}

/// Whether mutations show their change before the server answers (default: yes).
pub fn optimistic() -> bool {
    OPTIMISTIC.with(Cell::get)
}

/// Turns optimistic patches on or off for mutations started from now on.
pub fn set_optimistic(on: bool) {
    OPTIMISTIC.with(|c| c.set(on));
}

/// [`Optimistic`] builder steps that respect the switch: with it off, a patch is not shown
/// and its keys are refetched once the server answered instead (the non-optimistic baseline).
pub trait Switched: Sized {
    /// `patch` when optimistic, else only a refetch of `key`.
    fn patch_if<T: 'static>(self, key: QueryKey, f: impl Fn(&T) -> T + 'static) -> Self;
    /// `patch_prefix` when optimistic, else only a refetch of `prefix`.
    fn patch_prefix_if<T: 'static>(self, prefix: QueryKey, f: impl Fn(&T) -> T + 'static) -> Self;
    /// `patch_prefix_where` when optimistic, else only a refetch of `prefix`.
    fn patch_prefix_where_if<T: 'static>(
        self,
        prefix: QueryKey,
        f: impl Fn(&QueryKey, &T) -> Option<T> + 'static,
    ) -> Self;
}

impl<R: 'static, E: QueryError> Switched for Optimistic<R, E> {
    fn patch_if<T: 'static>(self, key: QueryKey, f: impl Fn(&T) -> T + 'static) -> Self {
        if optimistic() {
            self.patch(key, f)
        } else {
            self.refetch(key)
        }
    }

    fn patch_prefix_if<T: 'static>(self, prefix: QueryKey, f: impl Fn(&T) -> T + 'static) -> Self {
        if optimistic() {
            self.patch_prefix(prefix, f)
        } else {
            self.refetch(prefix)
        }
    }

    fn patch_prefix_where_if<T: 'static>(
        self,
        prefix: QueryKey,
        f: impl Fn(&QueryKey, &T) -> Option<T> + 'static,
    ) -> Self {
        if optimistic() {
            self.patch_prefix_where(prefix, f)
        } else {
            self.refetch(prefix)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switch_values() {
        assert_eq!(parse_switch("off"), Some(false));
        assert_eq!(parse_switch(" OFF "), Some(false));
        assert_eq!(parse_switch("0"), Some(false));
        assert_eq!(parse_switch("on"), Some(true));
        assert_eq!(parse_switch(""), None);
        assert_eq!(parse_switch("maybe"), None);
    }

    #[test]
    fn defaults_to_optimistic() {
        assert!(optimistic());
        set_optimistic(false);
        assert!(!optimistic());
        set_optimistic(true);
    }
}
