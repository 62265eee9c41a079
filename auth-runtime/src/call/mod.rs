//! The call layer: the client core and its builder, and the pipeline every call runs
//! through (prepare, authorize, interceptors, send, replay or retry, decode).

pub(crate) mod attempt;
pub(crate) mod auth_failure;
pub(crate) mod authorize;
pub(crate) mod brief;
pub(crate) mod builder;
pub(crate) mod client;
pub(crate) mod fleet;
pub(crate) mod fleet_slot;
pub(crate) mod interceptor;
pub(crate) mod issue;
pub(crate) mod ops;
pub(crate) mod pipeline;
pub(crate) mod shell;
