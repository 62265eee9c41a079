//! N7: every coolset endpoint's response decoding on arbitrary answers never panics.
#![no_main]

use auth_sdk::coolset;
use auth_sdk_fuzz::{answer, check};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let a = answer(data);
    check::<coolset::user_config::Request>(&a);
    check::<coolset::list_workspaces::Request>(&a);
});
