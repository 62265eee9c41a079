//! Loccus API keys: `POST/GET /user/keys`, `GET/PATCH/DELETE /user/keys/{key}`.
//! `{key}` is the key's handle; keys are scoped to the signed-in user. The
//! keys themselves are stored in [`super::store`].

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State as AxState};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use time::OffsetDateTime;

use super::error::{HiyaError, body_object, query_time};
use super::store::{ApiKey, App, authenticate};
use crate::http_util::{Field, field, json, query_pairs};
use crate::token::{random_base64, uuid_v4};

/// Lowercase alphanumerics separated by single hyphens, 1–50 characters.
fn valid_handle(handle: &str) -> bool {
    (1..=50).contains(&handle.len())
        && handle.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn handle_field(value: Field) -> Result<String, HiyaError> {
    match value {
        Field::Text(h) if valid_handle(&h) => Ok(h),
        Field::Text(h) => Err(HiyaError::bad_request(format!(
            "`handle` must be 1-50 lowercase alphanumerics separated by single hyphens, got `{h}`"
        ))),
        Field::Missing | Field::Null => Err(HiyaError::bad_request("`handle` is required")),
        Field::WrongType => Err(HiyaError::bad_request("`handle` must be a string")),
    }
}

/// `Ok(None)` = clear (or absent on create).
fn alias_field(value: Field) -> Result<Option<String>, HiyaError> {
    match value {
        Field::Missing | Field::Null => Ok(None),
        Field::Text(a) if (1..=100).contains(&a.chars().count()) => Ok(Some(a)),
        Field::Text(_) => Err(HiyaError::bad_request(
            "`alias` must be 1-100 characters long",
        )),
        Field::WrongType => Err(HiyaError::bad_request("`alias` must be a string or null")),
    }
}

fn not_found(handle: &str) -> HiyaError {
    HiyaError::new(
        StatusCode::NOT_FOUND,
        format!("API key `{handle}` not found"),
    )
}

fn conflict(handle: &str) -> HiyaError {
    HiyaError::new(
        StatusCode::CONFLICT,
        format!("an API key with handle `{handle}` already exists"),
    )
}

fn path_handle(path: Result<Path<String>, PathRejection>) -> Result<String, HiyaError> {
    path.map(|Path(handle)| handle)
        .map_err(|rejection| HiyaError::bad_request(format!("invalid path: {rejection}")))
}

pub(super) async fn create(
    AxState(app): AxState<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HiyaError> {
    let owner = authenticate(&app, &headers)?;
    let object = body_object(&headers, &body)?;
    let handle = handle_field(field(&object, "handle"))?;
    let alias = alias_field(field(&object, "alias"))?;
    let created_at = app.clock.utc_micros();
    let mut state = app.lock();
    if state
        .keys
        .iter()
        .any(|k| k.owner == owner && k.handle == handle)
    {
        return Err(conflict(&handle));
    }
    let key = ApiKey {
        owner,
        id: uuid_v4(),
        handle,
        alias,
        token: random_base64(32),
        created_at,
    };
    let body = key.to_json();
    state.keys.push(key);
    Ok(json(StatusCode::CREATED, body))
}

/// Validated `GET /user/keys` query.
struct ListQuery {
    page: usize,
    page_size: usize,
    by_created: bool,
    search: Option<String>,
    after: Option<OffsetDateTime>,
    before: Option<OffsetDateTime>,
}

fn int_param(
    params: &HashMap<&str, &str>,
    name: &str,
    default: usize,
    max: usize,
) -> Result<usize, HiyaError> {
    let Some(raw) = params.get(name) else {
        return Ok(default);
    };
    match raw.parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(HiyaError::bad_request(format!(
            "`{name}` must be an integer between 1 and {max}, got `{raw}`"
        ))),
    }
}

fn parse_list_query(raw: Option<&str>) -> Result<ListQuery, HiyaError> {
    let pairs = query_pairs(raw);
    let params: HashMap<&str, &str> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let by_created = match params.get("sort").copied() {
        None | Some("handle") => false,
        Some("createdAt") => true,
        Some(other) => {
            return Err(HiyaError::bad_request(format!(
                "`sort` must be `handle` or `createdAt`, got `{other}`"
            )));
        }
    };
    Ok(ListQuery {
        page: int_param(&params, "page", 1, usize::MAX)?,
        page_size: int_param(&params, "page-size", 20, 50)?,
        by_created,
        search: params.get("search").map(|s| s.to_lowercase()),
        after: params
            .get("after")
            .map(|v| query_time("after", v))
            .transpose()?,
        before: params
            .get("before")
            .map(|v| query_time("before", v))
            .transpose()?,
    })
}

impl ListQuery {
    fn matches(&self, key: &ApiKey) -> bool {
        let searched = self.search.as_deref().is_none_or(|needle| {
            key.handle.contains(needle)
                || key
                    .alias
                    .as_deref()
                    .is_some_and(|a| a.to_lowercase().contains(needle))
        });
        searched
            && self.after.is_none_or(|after| key.created_at >= after)
            && self.before.is_none_or(|before| key.created_at <= before)
    }
}

pub(super) async fn list(
    AxState(app): AxState<App>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, HiyaError> {
    let owner = authenticate(&app, &headers)?;
    let query = parse_list_query(raw.as_deref())?;
    let mut items: Vec<ApiKey> = app
        .lock()
        .keys
        .iter()
        .filter(|k| k.owner == owner && query.matches(k))
        .cloned()
        .collect();
    if query.by_created {
        items.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| a.handle.cmp(&b.handle))
        });
    } else {
        items.sort_by(|a, b| a.handle.cmp(&b.handle));
    }
    let total = items.len();
    let page: Vec<Value> = items
        .iter()
        .skip(query.page.saturating_sub(1).saturating_mul(query.page_size))
        .take(query.page_size)
        .map(ApiKey::to_json)
        .collect();
    let mut response = json(StatusCode::OK, Value::Array(page));
    let headers = response.headers_mut();
    for (name, value) in [
        ("page-total", total.div_ceil(query.page_size)),
        ("page-size", query.page_size),
        ("page-current", query.page),
        ("item-total", total),
    ] {
        headers.insert(name, HeaderValue::from(value));
    }
    Ok(response)
}

pub(super) async fn get_one(
    AxState(app): AxState<App>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, HiyaError> {
    let owner = authenticate(&app, &headers)?;
    let handle = path_handle(path)?;
    let state = app.lock();
    state
        .keys
        .iter()
        .find(|k| k.owner == owner && k.handle == handle)
        .map(|key| json(StatusCode::OK, key.to_json()))
        .ok_or_else(|| not_found(&handle))
}

pub(super) async fn update(
    AxState(app): AxState<App>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, HiyaError> {
    let owner = authenticate(&app, &headers)?;
    let current = path_handle(path)?;
    let object = body_object(&headers, &body)?;
    let new_handle = match field(&object, "handle") {
        Field::Missing => None,
        other => Some(handle_field(other)?),
    };
    let new_alias = match field(&object, "alias") {
        Field::Missing => None,
        other => Some(alias_field(other)?),
    };
    let mut state = app.lock();
    let index = state
        .keys
        .iter()
        .position(|k| k.owner == owner && k.handle == current)
        .ok_or_else(|| not_found(&current))?;
    if let Some(h) = &new_handle {
        let taken = state
            .keys
            .iter()
            .enumerate()
            .any(|(i, k)| i != index && k.owner == owner && &k.handle == h);
        if taken {
            return Err(conflict(h));
        }
    }
    let key = state
        .keys
        .get_mut(index)
        .ok_or_else(|| not_found(&current))?;
    if let Some(h) = new_handle {
        key.handle = h;
    }
    if let Some(a) = new_alias {
        key.alias = a;
    }
    Ok(json(StatusCode::OK, key.to_json()))
}

pub(super) async fn remove(
    AxState(app): AxState<App>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, HiyaError> {
    let owner = authenticate(&app, &headers)?;
    let handle = path_handle(path)?;
    let mut state = app.lock();
    let before = state.keys.len();
    state
        .keys
        .retain(|k| !(k.owner == owner && k.handle == handle));
    if state.keys.len() == before {
        return Err(not_found(&handle));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::valid_handle;

    #[test]
    fn handles() {
        for ok in ["a", "ci-key", "k8s-prod-2", &"a".repeat(50)] {
            assert!(valid_handle(ok), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "A",
            "a_b",
            "a b",
            &"a".repeat(51),
            "é",
        ] {
            assert!(!valid_handle(bad), "{bad}");
        }
    }
}
