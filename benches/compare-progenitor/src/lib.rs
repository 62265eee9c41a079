//! progenitor's client for the same 15 operations as auth-specs (see ../openapi.json).
#![allow(missing_docs)]

progenitor::generate_api!("openapi.json");
