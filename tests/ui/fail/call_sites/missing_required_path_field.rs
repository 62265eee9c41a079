// Request constructors take the required inputs too.
fn main() {
    let _req = auth_sdk::loccus::get_key::Request::new();
}
