// Header fields are strings or integers.
pub mod list {
    use auth_sdk::response;

    /// A page.
    #[response(200)]
    pub struct Response {
        /// The items.
        #[body]
        pub items: Vec<String>,
        /// Pages.
        #[header("page-total")]
        pub pages: Vec<u32>,
    }
}

fn main() {}
