//! N7: every akool endpoint's response decoding on arbitrary answers never panics.
#![no_main]

use auth_sdk::akool;
use auth_sdk_fuzz::{answer, check};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let a = answer(data);
    check::<akool::get_token::Request>(&a);
    check::<akool::quota_info::Request>(&a);
});
