//! The spec layer: the sans-IO traits and tables that generated code implements (providers,
//! their auth schemes, endpoints, responses), and the pieces it builds requests and reads
//! answers with. Nothing here does I/O or keeps state.

pub(crate) mod checks;
pub(crate) mod decode;
pub(crate) mod endpoint;
pub(crate) mod params;
pub(crate) mod provider;
pub(crate) mod request;
pub(crate) mod secret_url;
pub(crate) mod timestamp;
pub(crate) mod token;
