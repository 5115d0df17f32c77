//! Which deployment stored data belongs to. Storage, channels, locks and worker caches are
//! per origin, while one origin may host several deployments (`/eventual/`, and
//! `/eventual-staging/` talking to another API): every key carries the app's base URL and its
//! API base, so no deployment reads, adopts or sends another's changes. Every stored name is
//! here. Pure.

/// localStorage key prefix of one outbox entry (`<prefix><cid>`); bump the version on a
/// breaking change of `outbox::Entry`.
pub const OUTBOX_PREFIX: &str = "eventual:outbox:v1:";
/// What every outbox key starts with, whatever its version (older ones are reported, not lost).
pub const OUTBOX_ANY: &str = "eventual:outbox:";
/// localStorage key prefix of a tab's heartbeat (`<prefix><tab id>` = last beat, ms).
pub const HEARTBEAT_PREFIX: &str = "eventual:tab:v1:";
/// localStorage key of the saved query cache; bump the version when the stored shape changes.
pub const CACHE_KEY: &str = "eventual:cache:v1";
/// sessionStorage key prefix: a created event's stand-in id → the id the server gave it.
pub const CREATED_PREFIX: &str = "eventual:created:v1:";
/// sessionStorage key of this tab's id.
pub const TAB_ID: &str = "eventual:tab-id";
/// The BroadcastChannel the app's tabs share.
pub const CHANNEL: &str = "eventual";
/// The Web Lock under which a tab claims outbox entries.
pub const OUTBOX_LOCK: &str = "eventual-outbox";

/// The prefix of every stored key of the deployment at `app_base` using the API `api_base`.
pub fn prefix(app_base: &str, api_base: &str) -> String {
    format!("eventual@{}@{}@", escape(app_base), escape(api_base))
}

/// Keys written before keys carried a deployment (`eventual:outbox:…` of any format, the saved
/// cache): the root deployment adopts them, the one that wrote them on an origin that had only
/// it; outbox entries of an older format are then shown to the person like its own.
pub fn is_legacy_data(key: &str) -> bool {
    key.starts_with(OUTBOX_ANY) || key == CACHE_KEY
}

/// Percent-encodes everything but ASCII letters, digits and `-._~`, so the separator `@`
/// never appears inside a part and two deployments never share a prefix.
fn escape(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for b in part.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployments_on_one_origin_never_share_a_prefix() {
        let prod = prefix("http://h/eventual/", "http://h/api");
        let staging = prefix("http://h/eventual-staging/", "http://h/api");
        let other_api = prefix("http://h/eventual/", "http://h/v1");
        assert_ne!(prod, staging);
        assert_ne!(prod, other_api);
        for (a, b) in [(&prod, &staging), (&prod, &other_api), (&staging, &prod)] {
            assert!(
                !a.starts_with(b.as_str()) && !b.starts_with(a.as_str()),
                "{a} {b}"
            );
        }
        // A separator inside a part cannot forge another deployment's prefix.
        assert_ne!(prefix("a@b", "c"), prefix("a", "b@c"));
    }

    #[test]
    fn only_saved_changes_and_the_saved_cache_are_legacy_data() {
        assert!(is_legacy_data("eventual:outbox:v1:m-1"));
        assert!(is_legacy_data("eventual:cache:v1"));
        assert!(is_legacy_data("eventual:outbox:v0:old"));
        assert!(!is_legacy_data("eventual:tab:v1:tab-1"));
        assert!(!is_legacy_data(&format!(
            "{}eventual:outbox:v1:m-1",
            prefix("a", "b")
        )));
    }
}
