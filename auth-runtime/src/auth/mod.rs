//! The auth layer: placing credentials and tokens into requests, and the token cache (one
//! slot per issued scheme: freshness, refresh windows, one fetch at a time whose outcome its
//! waiters share, the backoff after failed fetches).

pub(crate) mod cache;
pub(crate) mod failed_flight;
pub(crate) mod placement;
