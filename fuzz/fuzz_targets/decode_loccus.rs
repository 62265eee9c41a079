//! N7: every loccus endpoint's response decoding on arbitrary answers never panics.
#![no_main]

use auth_sdk::loccus;
use auth_sdk_fuzz::{answer, check};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let a = answer(data);
    check::<loccus::sign_in::Request>(&a);
    check::<loccus::get_user::Request>(&a);
    check::<loccus::create_key::Request>(&a);
    check::<loccus::get_key::Request>(&a);
    check::<loccus::list_keys::Request>(&a);
    check::<loccus::update_key::Request>(&a);
    check::<loccus::delete_key::Request>(&a);
});
