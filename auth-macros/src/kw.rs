//! The spelling of the spec language, in one place (serde's `symbol.rs`): every key and
//! attribute the macros accept. "did you mean" suggestions and the docs draw from these lists.

/// `#[endpoint(..)]` keys (besides `METHOD "/path"`).
pub const ENDPOINT_KEYS: &[&str] = &[
    "name",
    "provider",
    "auth",
    "idempotent",
    "issuer",
    "client_method",
    "error",
    "rename_all",
    "crate",
    "body",
    "fixed",
];

/// Request body encodings of `body = ..`.
pub const BODY_KINDS: &[&str] = &["json", "form"];

/// HTTP methods of `METHOD "/path"`.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

/// Field attributes of a request struct.
pub const FIELD_ROLES: &[&str] = &["path", "query", "header", "headers", "body", "secret"];

/// Attributes rustc itself understands on fields and variants; anything else is a misspelt role.
pub const BUILTIN_ATTRS: &[&str] = &[
    "doc",
    "allow",
    "warn",
    "deny",
    "expect",
    "forbid",
    "cfg",
    "cfg_attr",
    "deprecated",
];

/// `#[provider(..)]` keys.
pub const PROVIDER_KEYS: &[&str] = &[
    "name",
    "base_url",
    "base_urls",
    "error",
    "env_prefix",
    "envelope",
    "default_header",
    "scheme",
    "crate",
];

/// Kinds of `scheme(name = kind(..))`.
pub const SCHEME_KINDS: &[&str] = &[
    "bearer",
    "authorization",
    "header",
    "query",
    "basic",
    "client_secret_basic",
    "any",
];

/// Names a scheme cannot take (they mean something else, or clash with generated items).
pub const RESERVED_SCHEMES: &[&str] = &["none", "builder", "from_env", "send", "core", "BASE_URL"];

/// `#[credential(..)]` keys.
pub const CREDENTIAL_KEYS: &[&str] = &["env", "public"];

/// `envelope(..)` keys.
pub const ENVELOPE_KEYS: &[&str] = &["code", "success", "reauth"];

/// `#[response(..)]` keys (besides the statuses).
pub const RESPONSE_KEYS: &[&str] = &[
    "token",
    "expires_in",
    "expires_at",
    "jwt_exp",
    "max_lifetime",
    "rename_all",
    "crate",
];

/// Field attributes of a response struct.
pub const RESPONSE_FIELD_ATTRS: &[&str] = &["header", "body", "serde", "secret"];

/// `rename_all` rules (serde's).
pub const RENAME_RULES: &[&str] = &[
    "snake_case",
    "camelCase",
    "PascalCase",
    "kebab-case",
    "SCREAMING_SNAKE_CASE",
    "lowercase",
    "UPPERCASE",
];
