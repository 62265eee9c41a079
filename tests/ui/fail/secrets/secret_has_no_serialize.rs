// A `Secret` cannot be serialized by accident (e.g. into a log line or a cache file).
fn main() {
    let key = auth_sdk::Secret::new("sk_test_123");
    let _json = auth_sdk::serde_json::to_string(&key);
}
