//! The Event resource as the REST contract defines it, shared by the app and the server so
//! both enforce exactly the same rules.

mod event;
mod id;
mod patch;
mod problem;
mod status;
mod timestamp;
mod validate;

pub use event::{Event, EventInput};
pub use id::EventId;
pub use patch::{EventPatch, Patch, PatchError};
pub use problem::{FieldError, JsonTree, Problem};
pub use status::Status;
pub use timestamp::Timestamp;
pub use validate::{normalize, validate, Limits, LIMITS};
