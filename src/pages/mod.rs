//! One module per route.

pub mod calendar;
mod event;
mod list;
mod new;
mod not_found;
pub mod paging;
mod rows;

pub use event::EventPage;
pub use list::ListPage;
pub use new::NewPage;
pub use not_found::NotFound;
