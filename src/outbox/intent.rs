//! What the person meant by a change, as stored in the outbox.

use serde::{Deserialize, Serialize};

/// What the person meant by a change: its name in messages, the log and the outbox list
/// (stored as that name, so entries written before this type existed still read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Intent {
    /// The edit form's Save.
    #[serde(rename = "Save event")]
    Edit,
    /// The list's quick status change.
    #[serde(rename = "Change status")]
    Status,
    /// The new-event form's Create.
    #[serde(rename = "Create event")]
    Create,
    /// Undo of a delete: the event created again.
    #[serde(rename = "Undo delete")]
    Undo,
    /// The calendar's drag or keyboard move (and its Undo): new start and end.
    #[serde(rename = "Move event")]
    Move,
    /// The calendar's drag of an event's bottom edge: a new end.
    #[serde(rename = "Resize event")]
    Resize,
    /// Undo (or Ctrl+Z) of a saved move, resize or edit: the changed fields put back.
    #[serde(rename = "Undo change")]
    Revert,
}

impl Intent {
    /// The name people see.
    pub fn label(self) -> &'static str {
        match self {
            Intent::Edit => "Save event",
            Intent::Status => "Change status",
            Intent::Create => "Create event",
            Intent::Undo => "Undo delete",
            Intent::Move => "Move event",
            Intent::Resize => "Resize event",
            Intent::Revert => "Undo change",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Intent;

    #[test]
    fn moves_resizes_and_undos_are_stored_and_shown_by_their_own_names() {
        for (intent, name) in [
            (Intent::Move, "Move event"),
            (Intent::Resize, "Resize event"),
            (Intent::Revert, "Undo change"),
        ] {
            assert_eq!(intent.label(), name);
            let stored = serde_json::to_string(&intent).unwrap();
            assert_eq!(stored, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<Intent>(&stored).unwrap(), intent);
        }
    }
}
