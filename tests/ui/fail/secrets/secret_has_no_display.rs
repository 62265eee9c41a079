// A `Secret` cannot be printed with `{}`: reading it takes an explicit `expose_secret()`.
fn main() {
    let key = auth_sdk::Secret::new("sk_test_123");
    println!("{key}");
}
