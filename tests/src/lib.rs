//! Integration, ui and snapshot tests of auth-sdk live in `tests/`.
