//! `GET /accounts/workspaces/`: the workspaces (companies) the token's user belongs to.
//!
//! Paged with `limit` (default 10) and `offset` (default 0). Which fields of a workspace
//! are required or nullable is not visible in the docs; all ten are taken as required, and a
//! body that does not match is returned as an `Error::Decode` keeping the raw body.

use auth_macros::{endpoint, model, response};
use auth_runtime::Timestamp;

use super::WorkspaceType;

/// Lists the workspaces of the token's user, with filters and limit/offset paging.
#[endpoint(name = list_workspaces, provider = super::Client, GET "/accounts/workspaces/", auth = token, client_method)]
pub struct Request {
    /// Exact name.
    #[query]
    pub name: Option<String>,
    /// Name contains (case-insensitive).
    #[query(rename = "name__icontains")]
    pub name_icontains: Option<String>,
    /// Name starts with (case-insensitive).
    #[query(rename = "name__istartswith")]
    pub name_istartswith: Option<String>,
    /// Name ends with (case-insensitive).
    #[query(rename = "name__iendswith")]
    pub name_iendswith: Option<String>,
    /// Exact workspace type.
    #[query(rename = "type")]
    pub kind: Option<WorkspaceType>,
    /// Any of these types, comma-separated (`active,trial`).
    #[query(rename = "type__in")]
    pub kind_in: Option<String>,
    /// Not this type.
    #[query(rename = "type__exclude")]
    pub kind_exclude: Option<String>,
    /// Exact country.
    #[query]
    pub country: Option<String>,
    /// Country contains (case-insensitive).
    #[query(rename = "country__icontains")]
    pub country_icontains: Option<String>,
    /// Country starts with (case-insensitive).
    #[query(rename = "country__istartswith")]
    pub country_istartswith: Option<String>,
    /// Country ends with (case-insensitive).
    #[query(rename = "country__iendswith")]
    pub country_iendswith: Option<String>,
    /// Any of these countries, comma-separated.
    #[query(rename = "country__in")]
    pub country_in: Option<String>,
    /// Sort fields, comma-separated, `-` for descending (`name,-created_at`).
    #[query]
    pub ordering: Option<String>,
    /// Free-text search on the name.
    #[query]
    pub search: Option<String>,
    /// Page size (default 10).
    #[query]
    pub limit: Option<u32>,
    /// Index of the first item (default 0).
    #[query]
    pub offset: Option<u32>,
}

/// One page of workspaces.
#[response(200)]
pub struct Response {
    /// Total number of matching workspaces.
    pub count: u64,
    /// URL of the next page, if any.
    pub next: Option<String>,
    /// URL of the previous page, if any.
    pub previous: Option<String>,
    /// The workspaces of this page.
    pub results: Vec<Workspace>,
    /// Requests allowed per window (`X-RateLimit-Limit`).
    #[header("x-ratelimit-limit")]
    pub rate_limit: Option<u64>,
    /// Requests left in the window (`X-RateLimit-Remaining`).
    #[header("x-ratelimit-remaining")]
    pub rate_limit_remaining: Option<u64>,
    /// When the window resets, in Unix seconds (`X-RateLimit-Reset`).
    #[header("x-ratelimit-reset")]
    pub rate_limit_reset: Option<u64>,
}

/// A workspace (company).
#[model]
pub struct Workspace {
    /// Workspace id.
    pub workspace_id: i64,
    /// Workspace name.
    pub workspace_name: String,
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Kind of workspace.
    #[serde(rename = "type")]
    pub kind: WorkspaceType,
    /// Country.
    pub country: String,
    /// Number of members.
    pub member_count: u64,
    /// Whether multi-factor authentication is enforced.
    pub is_mfa_enabled: bool,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last update time.
    pub updated_at: Timestamp,
}
