// A misspelt field attribute in a response gets a suggestion.
pub mod list {
    use auth_sdk::response;

    /// A page.
    #[response(200)]
    pub struct Response {
        /// Pages.
        #[headr("page-total")]
        pub pages: Option<u32>,
    }
}

fn main() {}
