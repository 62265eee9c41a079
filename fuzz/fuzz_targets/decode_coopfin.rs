//! N7: every coopfin endpoint's response decoding on arbitrary answers never panics.
#![no_main]

use auth_sdk::coopfin;
use auth_sdk_fuzz::{answer, check};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let a = answer(data);
    check::<coopfin::create_token::Request>(&a);
});
