// `basic(user, password)` and `client_secret_basic(id, secret)` take two credentials that
// exist, and the password is a secret.
pub mod one_argument {
    use auth_sdk::{Secret, model, provider};

    /// A provider.
    #[provider(name = "A", base_url = "https://a.example.com", error = ErrorBody, scheme(login = basic(user)))]
    pub struct Client {
        /// User.
        #[credential(public)]
        user: String,
        /// Password.
        password: Secret,
    }

    /// Errors.
    #[model]
    pub struct ErrorBody {
        /// Message.
        pub message: String,
    }
}

pub mod misspelt_password {
    use auth_sdk::{model, provider};

    /// A provider.
    #[provider(name = "B", base_url = "https://b.example.com", error = ErrorBody, scheme(login = basic(user, pasword)))]
    pub struct Client {
        /// User.
        #[credential(public)]
        user: String,
        /// Password, wrongly public.
        #[credential(public)]
        password: String,
    }

    /// Errors.
    #[model]
    pub struct ErrorBody {
        /// Message.
        pub message: String,
    }
}

pub mod public_password {
    use auth_sdk::{model, provider};

    /// A provider.
    #[provider(name = "C", base_url = "https://c.example.com", error = ErrorBody, scheme(login = basic(user, password)))]
    pub struct Client {
        /// User.
        #[credential(public)]
        user: String,
        /// Password, wrongly public.
        #[credential(public)]
        password: String,
    }

    /// Errors.
    #[model]
    pub struct ErrorBody {
        /// Message.
        pub message: String,
    }
}

pub mod client_secret_basic_three_arguments {
    use auth_sdk::{Secret, model, provider};

    /// A provider.
    #[provider(name = "D", base_url = "https://d.example.com", error = ErrorBody, scheme(client = client_secret_basic(id, secret, scope)))]
    pub struct Client {
        /// Client id.
        #[credential(public)]
        id: String,
        /// Client secret.
        secret: Secret,
        /// Scope.
        #[credential(public)]
        scope: String,
    }

    /// Errors.
    #[model]
    pub struct ErrorBody {
        /// Message.
        pub message: String,
    }
}

fn main() {}
