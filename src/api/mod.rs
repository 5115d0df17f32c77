//! The REST client: one place that knows URLs, headers, ETags and error bodies.

mod client;
pub mod early;
mod error;
mod pages;

pub use client::{Api, ListQuery};
pub use error::{error_from_response, problem_from_body, ApiError};
pub use pages::more_after;
