//! Ready-made interceptors, each also a worked example of the [`Interceptor`] hooks:
//! [`HmacSigner`] signs every attempt (retries and replays re-signed), [`CallMetrics`]
//! counts attempts, answers by status, and failures.
//!
//! [`Interceptor`]: crate::Interceptor

pub(crate) mod metrics;
pub(crate) mod signing;

pub use metrics::{CallMetrics, MetricsSnapshot};
pub use signing::HmacSigner;
