//! Reusable pieces of UI.

mod devtools;
mod event_form;
mod offline_banner;
mod skeleton;
mod status_badge;
mod toast;

pub use devtools::{devtools_requested, Devtools};
pub use event_form::{EventForm, Field, FormState};
pub use offline_banner::OfflineBanner;
pub use skeleton::Skeleton;
pub use status_badge::StatusBadge;
pub use toast::Toaster;
