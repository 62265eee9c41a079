//! Seeded Coolset workspaces and the `GET /accounts/workspaces/` listing
//! (django-filter lookups, `ordering`, `search`, limit/offset pagination).

use std::cmp::Ordering;
use std::collections::HashMap;

use serde_json::{Value, json};

/// Documented workspace types.
const TYPES: [&str; 6] = ["active", "inactive", "test", "demo", "trial", "stakeholder"];

/// Largest accepted `limit`.
const MAX_LIMIT: u64 = 100;

/// One seeded workspace.
#[derive(Debug, Clone, Copy)]
pub(super) struct Workspace {
    pub(super) id: u64,
    pub(super) name: &'static str,
    kind: &'static str,
    country: &'static str,
    member_count: u32,
    is_mfa_enabled: bool,
    created_at: &'static str,
    updated_at: &'static str,
}

impl Workspace {
    fn to_json(self) -> Value {
        json!({
            "workspace_id": self.id,
            "workspace_name": self.name,
            "id": self.id,
            "name": self.name,
            "type": self.kind,
            "country": self.country,
            "member_count": self.member_count,
            "is_mfa_enabled": self.is_mfa_enabled,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }
}

/// The workspaces of the seeded token's user, in `id` order.
pub(super) fn seed() -> Vec<Workspace> {
    let ws =
        |id, name, kind, country, member_count, is_mfa_enabled, created_at, updated_at| Workspace {
            id,
            name,
            kind,
            country,
            member_count,
            is_mfa_enabled,
            created_at,
            updated_at,
        };
    vec![
        ws(
            101,
            "Sandbox Coffee Roasters B.V.",
            "active",
            "NL",
            12,
            true,
            "2023-02-14T09:00:00Z",
            "2025-03-01T10:15:00Z",
        ),
        ws(
            102,
            "Sandbox Textiles GmbH",
            "active",
            "DE",
            5,
            false,
            "2023-06-01T12:30:00Z",
            "2024-11-20T08:00:00Z",
        ),
        ws(
            103,
            "Acme Demo Workspace",
            "demo",
            "NL",
            2,
            false,
            "2024-01-10T15:45:00Z",
            "2024-01-10T15:45:00Z",
        ),
        ws(
            104,
            "Sandbox Trial Foods S.A.",
            "trial",
            "FR",
            3,
            false,
            "2024-05-22T07:20:00Z",
            "2024-06-02T09:00:00Z",
        ),
        ws(
            105,
            "Stakeholder View Sandbox",
            "stakeholder",
            "BE",
            1,
            true,
            "2024-09-03T11:00:00Z",
            "2025-01-15T16:40:00Z",
        ),
        ws(
            106,
            "Legacy Sandbox Ltd",
            "inactive",
            "GB",
            4,
            false,
            "2022-11-30T18:05:00Z",
            "2023-12-31T23:59:00Z",
        ),
    ]
}

/// Why a listing request was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ListError {
    /// 400 `{"detail": ...}`.
    BadRequest(String),
    /// 422 `{"<field>": ["..."]}`.
    Invalid(&'static str, String),
}

/// Parses a non-negative integer query value.
fn non_negative(name: &'static str, value: &str) -> Result<u64, ListError> {
    let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    if !digits {
        let what = if value.starts_with('-') {
            "must not be negative"
        } else {
            "must be an integer"
        };
        return Err(ListError::BadRequest(format!(
            "Invalid {name} `{value}`: {what}."
        )));
    }
    Ok(value.parse::<u64>().unwrap_or(u64::MAX))
}

fn icontains(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

fn in_list(value: &str, list: &str) -> bool {
    list.split(',').map(str::trim).any(|item| item == value)
}

/// Checks every value of a `type` lookup against the documented choices.
fn check_types(key: &str, value: &str) -> Result<(), ListError> {
    let values: Vec<&str> = if key == "type" {
        vec![value]
    } else {
        value.split(',').map(str::trim).collect()
    };
    match values.into_iter().find(|v| !TYPES.contains(v)) {
        None => Ok(()),
        Some(bad) => Err(ListError::Invalid(
            "type",
            format!("Select a valid choice. {bad} is not one of the available choices."),
        )),
    }
}

/// Whether `w` passes the filter `key=value`; `None` for unknown keys (ignored).
fn keep(w: &Workspace, key: &str, value: &str) -> Option<bool> {
    let lower = |s: &str| s.to_lowercase();
    Some(match key {
        "name" => w.name == value,
        "name__icontains" | "search" => icontains(w.name, value),
        "name__istartswith" => lower(w.name).starts_with(&lower(value)),
        "name__iendswith" => lower(w.name).ends_with(&lower(value)),
        "type" => w.kind == value,
        "type__in" => in_list(w.kind, value),
        "type__exclude" => !in_list(w.kind, value),
        "country" => w.country == value,
        "country__icontains" => icontains(w.country, value),
        "country__istartswith" => lower(w.country).starts_with(&lower(value)),
        "country__iendswith" => lower(w.country).ends_with(&lower(value)),
        "country__in" => in_list(w.country, value),
        _ => return None,
    })
}

/// Compares by one `ordering` term; `None` for unknown fields (ignored, as DRF does).
fn compare_by(term: &str, a: &Workspace, b: &Workspace) -> Option<Ordering> {
    let (field, descending) = match term.strip_prefix('-') {
        Some(field) => (field, true),
        None => (term, false),
    };
    let ord = match field {
        "id" => a.id.cmp(&b.id),
        "name" => a.name.cmp(b.name),
        "created_at" => a.created_at.cmp(b.created_at),
        "updated_at" => a.updated_at.cmp(b.updated_at),
        _ => return None,
    };
    Some(if descending { ord.reverse() } else { ord })
}

/// Builds a page link: the page URL with every filter kept and `limit` /
/// `offset` replaced (`offset` dropped when `None`, as DRF does for page one).
fn page_link(page_url: &str, pairs: &[(String, String)], limit: u64, offset: Option<u64>) -> Value {
    let Ok(mut url) = url::Url::parse(page_url) else {
        return Value::Null;
    };
    {
        let mut query = url.query_pairs_mut();
        for (key, value) in pairs.iter().filter(|(k, _)| k != "limit" && k != "offset") {
            query.append_pair(key, value);
        }
        query.append_pair("limit", &limit.to_string());
        if let Some(offset) = offset {
            query.append_pair("offset", &offset.to_string());
        }
    }
    Value::String(url.into())
}

/// Runs the listing for the decoded query `pairs`.
pub(super) fn list(pairs: &[(String, String)], page_url: &str) -> Result<Value, ListError> {
    // Django's QueryDict.get: the last occurrence wins.
    let params: HashMap<&str, &str> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();

    let limit = params
        .get("limit")
        .map(|v| non_negative("limit", v))
        .transpose()?
        .unwrap_or(10);
    let offset = params
        .get("offset")
        .map(|v| non_negative("offset", v))
        .transpose()?
        .unwrap_or(0);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ListError::Invalid(
            "limit",
            format!("Ensure this value is between 1 and {MAX_LIMIT}."),
        ));
    }
    for key in ["type", "type__in", "type__exclude"] {
        if let Some(value) = params.get(key).filter(|v| !v.is_empty()) {
            check_types(key, value)?;
        }
    }

    let mut items: Vec<Workspace> = seed()
        .into_iter()
        .filter(|w| {
            params
                .iter()
                .filter(|(_, value)| !value.is_empty())
                .all(|(key, value)| keep(w, key, value).unwrap_or(true))
        })
        .collect();
    if let Some(ordering) = params.get("ordering") {
        let terms: Vec<&str> = ordering.split(',').map(str::trim).collect();
        items.sort_by(|a, b| {
            terms
                .iter()
                .filter_map(|term| compare_by(term, a, b))
                .find(|ord| ord.is_ne())
                .unwrap_or_else(|| a.id.cmp(&b.id))
        });
    }

    let count = u64::try_from(items.len()).unwrap_or(u64::MAX);
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(items.len());
    let take = usize::try_from(limit).unwrap_or(usize::MAX);
    let results: Vec<Value> = items
        .into_iter()
        .skip(start)
        .take(take)
        .map(Workspace::to_json)
        .collect();

    let next = if offset.saturating_add(limit) < count {
        page_link(page_url, pairs, limit, Some(offset + limit))
    } else {
        Value::Null
    };
    let previous = match offset {
        0 => Value::Null,
        o if o <= limit => page_link(page_url, pairs, limit, None),
        o => page_link(page_url, pairs, limit, Some(o - limit)),
    };
    Ok(json!({ "count": count, "next": next, "previous": previous, "results": results }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn run(query: &[(&str, &str)]) -> Result<Value, ListError> {
        let pairs: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        list(
            &pairs,
            "http://127.0.0.1:1/coolset/api/accounts/workspaces/",
        )
    }

    #[test]
    fn paging_links() {
        let page = run(&[
            ("limit", "2"),
            ("offset", "2"),
            ("type__in", "active,demo,trial"),
        ])
        .unwrap();
        assert_eq!(page["count"], 4);
        assert_eq!(page["results"].as_array().unwrap().len(), 2);
        assert_eq!(page["next"], Value::Null);
        let prev = page["previous"].as_str().unwrap();
        assert!(
            prev.ends_with("?type__in=active%2Cdemo%2Ctrial&limit=2"),
            "{prev}"
        );
    }

    #[test]
    fn validation() {
        assert!(matches!(
            run(&[("limit", "x")]),
            Err(ListError::BadRequest(_))
        ));
        assert!(matches!(
            run(&[("offset", "-1")]),
            Err(ListError::BadRequest(_))
        ));
        assert!(matches!(
            run(&[("limit", "0")]),
            Err(ListError::Invalid("limit", _))
        ));
        assert!(matches!(
            run(&[("limit", "101")]),
            Err(ListError::Invalid("limit", _))
        ));
        assert!(matches!(
            run(&[("type", "bogus")]),
            Err(ListError::Invalid("type", _))
        ));
    }

    #[test]
    fn ordering_and_search() {
        let page = run(&[("ordering", "-name"), ("search", "SANDBOX")]).unwrap();
        let names: Vec<&str> = page["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.first(), Some(&"Stakeholder View Sandbox"));
        assert!(!names.contains(&"Acme Demo Workspace"));
    }
}
