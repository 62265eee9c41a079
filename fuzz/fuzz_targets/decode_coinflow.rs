//! N7: every coinflow endpoint's response decoding on arbitrary answers never panics.
#![no_main]

use auth_sdk::coinflow;
use auth_sdk_fuzz::{answer, check};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let a = answer(data);
    check::<coinflow::get_message::Request>(&a);
    check::<coinflow::get_session_key::Request>(&a);
    check::<coinflow::verify_token::Request>(&a);
});
