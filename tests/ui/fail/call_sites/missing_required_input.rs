// A generated method takes every required input as an argument: leaving one out does not compile.
fn main() {
    let client = auth_sdk::coopfin::Client::builder().build().unwrap();
    let _call = client.create_token("pk_test_only_the_public_key");
}
