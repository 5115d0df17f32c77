//! What every handler shares, and the extractors that need it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::db::{HeldTx, Repo, Store};

/// What every handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The event queries.
    pub repo: Repo,
    /// The normalised API prefix, for `Location` headers.
    pub prefix: String,
    /// The change feed.
    pub changes: crate::changes::Changes,
}

/// The write handlers' store: inside the transaction a layer holds for this request (see
/// [`HeldTx`]), otherwise straight on the pool.
impl FromRequestParts<AppState> for Store {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Store::new(&s.repo, parts.extensions.get::<HeldTx>()).await)
    }
}
