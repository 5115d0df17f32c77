//! One module per route.

mod list;
mod not_found;

pub use list::ListPage;
pub use not_found::NotFound;
