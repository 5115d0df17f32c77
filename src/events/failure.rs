//! What a failed change tells the person, and what becomes of it: one decision for every
//! action, pure (tested natively).

use crate::api::ApiError;
use crate::outbox::{Change, Intent};

/// The answer to a failed send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The toast's text.
    pub message: String,
    /// The button that sends the change again, if it can succeed unchanged.
    pub button: Option<&'static str>,
    /// Kept in the outbox for that button (and offered after a reload); else forgotten.
    pub keep: bool,
    /// Show the latest server data now.
    pub refresh: bool,
    /// The server's field errors go to the form (and a rejected edit back into it).
    pub fields: bool,
}

/// “Title”, as messages quote events.
pub fn quoted(title: &str) -> String {
    format!("“{}”", title.trim())
}

/// How the person is told that `change` failed with `error`.
pub fn reply(change: &Change, error: &ApiError) -> Reply {
    let reverted = |verb: &str| {
        format!(
            "Couldn't {verb} {} — changes reverted. {}",
            quoted(change.title()),
            error.message()
        )
    };
    let retry = |message: String| Reply {
        message,
        button: Some("Retry"),
        keep: true,
        refresh: false,
        fields: false,
    };
    let settle = |message: String| Reply {
        message,
        button: None,
        keep: false,
        refresh: false,
        fields: false,
    };
    match change {
        Change::Save { .. } if error.is_conflict() => Reply {
            message: format!(
                "{} changed elsewhere, so your changes were not saved. You now see the latest version.",
                quoted(change.title())
            ),
            button: Some("Apply my changes"),
            refresh: true,
            ..retry(String::new())
        },
        Change::Save { .. } if error.is_not_found() => Reply {
            refresh: true,
            ..settle(format!(
                "{} no longer exists — changes reverted.",
                quoted(change.title())
            ))
        },
        // As sent, the change can never be saved: the form keeps the attempt to fix.
        Change::Save { .. } if matches!(error.status(), Some(400 | 413 | 415 | 422)) => Reply {
            fields: true,
            ..settle(reverted("save"))
        },
        Change::Save { .. } => retry(reverted("save")),
        Change::Create { intent, .. } => {
            let verb = if *intent == Intent::Undo {
                "restore"
            } else {
                "create"
            };
            let base = if error.is_retryable() {
                retry(reverted(verb))
            } else {
                settle(reverted(verb))
            };
            Reply {
                fields: true,
                ..base
            }
        }
        Change::Delete { .. } => retry(reverted("delete")),
    }
}

/// The toast for a change whose last send failed before this page load (`reason`).
pub fn offer_message(change: &Change, reason: &str) -> String {
    let verb = match change {
        Change::Save { .. } => "save",
        Change::Create { .. } => "create",
        Change::Delete { .. } => "delete",
    };
    format!(
        "Couldn't {verb} {} — changes reverted. {reason}",
        quoted(change.title())
    )
}

#[cfg(test)]
mod tests {
    use eventual_model::{Event, EventId, EventPatch, Problem};

    use super::*;

    fn http(status: u16) -> ApiError {
        ApiError::Http(Problem::new(status, "", ""))
    }

    fn event() -> Event {
        serde_json::from_value(serde_json::json!({
            "id": "7", "title": " Standup ", "start": "2027-01-01T09:00:00Z",
            "end": "2027-01-01T10:00:00Z", "version": 3
        }))
        .unwrap()
    }

    fn save(intent: Intent) -> Change {
        Change::Save {
            intent,
            id: EventId::new("7"),
            title: "Standup".into(),
            patch: EventPatch::default(),
        }
    }

    #[test]
    fn a_conflict_offers_to_apply_the_change_on_the_latest_version() {
        let r = reply(&save(Intent::Edit), &http(412));
        assert_eq!(r.button, Some("Apply my changes"));
        assert!(r.keep && r.refresh && !r.fields);
        assert!(
            r.message.starts_with("“Standup” changed elsewhere"),
            "{}",
            r.message
        );
    }

    #[test]
    fn an_edit_of_a_deleted_event_or_a_rejected_one_has_nothing_to_retry() {
        let gone = reply(&save(Intent::Status), &http(404));
        assert_eq!(
            gone.message,
            "“Standup” no longer exists — changes reverted."
        );
        assert!(gone.button.is_none() && !gone.keep && gone.refresh);
        for status in [400, 413, 415, 422] {
            let r = reply(&save(Intent::Edit), &http(status));
            assert!(r.button.is_none() && !r.keep && r.fields, "{status}");
            assert!(r
                .message
                .starts_with("Couldn't save “Standup” — changes reverted."));
        }
        let fault = reply(&save(Intent::Edit), &http(403));
        assert_eq!(fault.button, Some("Retry"));
        assert!(fault.keep && !fault.fields);
    }

    #[test]
    fn creates_retry_only_what_can_succeed_and_undo_says_restore() {
        let input = event().input();
        let create = Change::Create {
            intent: Intent::Create,
            input: input.clone(),
        };
        let down = reply(&create, &http(503));
        assert_eq!(down.button, Some("Retry"));
        assert!(down.keep && down.fields);
        assert!(down.message.starts_with("Couldn't create “Standup”"));
        let invalid = reply(&create, &http(422));
        assert!(invalid.button.is_none() && !invalid.keep && invalid.fields);
        let undo = Change::Create {
            intent: Intent::Undo,
            input,
        };
        let r = reply(&undo, &ApiError::Network(String::new()));
        assert!(
            r.message.starts_with("Couldn't restore “Standup”"),
            "{}",
            r.message
        );
        assert_eq!(
            offer_message(&undo, "HTTP 500"),
            "Couldn't create “Standup” — changes reverted. HTTP 500"
        );
    }

    #[test]
    fn a_failed_delete_can_always_be_retried() {
        let r = reply(&Change::Delete { event: event() }, &http(404));
        assert_eq!(r.button, Some("Retry"));
        assert!(r.keep && !r.refresh);
        assert!(r
            .message
            .starts_with("Couldn't delete “Standup” — changes reverted."));
    }
}
