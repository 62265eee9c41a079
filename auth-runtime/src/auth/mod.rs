//! The auth layer: placing credentials and tokens into requests, and the token cache (one
//! slot per issued scheme: freshness, refresh windows, one fetch at a time).

pub(crate) mod cache;
pub(crate) mod placement;
