// One #[body] field receives the whole body; a second cannot.
pub mod list {
    use auth_sdk::response;

    /// A page.
    #[response(200)]
    pub struct Response {
        /// The items.
        #[body]
        pub items: Vec<String>,
        /// The items again.
        #[body]
        pub all: Vec<String>,
    }
}

fn main() {}
