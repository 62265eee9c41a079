// `#[auth(..)]` on a header group variant names one of the provider's schemes.
pub mod identify {
    use auth_sdk::header_group;

    /// Who the call is for.
    #[header_group(provider = auth_sdk::coinflow::Client)]
    pub enum Identity {
        /// A user vouched for by the merchant key.
        #[auth(merchnt)]
        UserId {
            /// The user.
            #[header("x-coinflow-auth-user-id")]
            user_id: String,
        },
    }
}

fn main() {}
