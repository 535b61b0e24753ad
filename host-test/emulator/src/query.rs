//! Query-string parsing with NestJS-like validation messages.
//!
//! Repeated keys are kept (`states=a&states=b`), and so are the bracket forms clients use
//! for arrays (`states[]=a`, `states[0]=a`).

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::errors::ApiError;

/// A parsed query string.
#[derive(Debug, Default)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

/// A route's query string, parsed; never refuses (as `RawQuery`), so it can stand anywhere
/// in a handler's extractors without changing which error answers first.
impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Query::parse(parts.uri.query()))
    }
}

impl Query {
    pub(crate) fn parse(raw: Option<&str>) -> Query {
        let pairs = raw
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Query { pairs }
    }

    /// The first value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, `name[]` or `name[N]`, each also split on commas.
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| {
                k == name
                    || k.strip_prefix(name)
                        .and_then(|rest| rest.strip_prefix('['))
                        .is_some_and(|rest| {
                            rest.strip_suffix(']')
                                .is_some_and(|i| i.chars().all(|c| c.is_ascii_digit()))
                        })
            })
            .flat_map(|(_, v)| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// An integer parameter within `min..=max`, or `default` when absent.
    pub(crate) fn int_in(
        &self,
        name: &str,
        min: i64,
        max: i64,
        default: i64,
    ) -> Result<i64, ApiError> {
        let Some(raw) = self.get(name) else {
            return Ok(default);
        };
        let value: f64 = raw
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "{name} must be a number conforming to the specified constraints"
                ))
            })?;
        if value < min as f64 {
            return Err(ApiError::bad_request(format!(
                "{name} must not be less than {min}"
            )));
        }
        if value > max as f64 {
            return Err(ApiError::bad_request(format!(
                "{name} must not be greater than {max}"
            )));
        }
        Ok(value as i64)
    }

    /// A boolean parameter (`true`/`false`), `None` when absent.
    pub(crate) fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some("true") | Some("1") => Ok(Some(true)),
            Some("false") | Some("0") => Ok(Some(false)),
            Some(_) => Err(ApiError::bad_request(format!(
                "{name} must be a boolean value"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_come_in_every_form() {
        let q = Query::parse(Some(
            "states=started&states%5B%5D=stopped&states[1]=error,build_failed&statesx=no",
        ));
        assert_eq!(
            q.all("states"),
            ["started", "stopped", "error", "build_failed"]
        );
    }

    #[test]
    fn limits_are_validated() {
        let q = Query::parse(Some("limit=0&page=2&big=201&word=abc&flag=maybe"));
        assert_eq!(
            q.int_in("limit", 1, 200, 100).unwrap_err().message,
            "limit must not be less than 1"
        );
        assert_eq!(
            q.int_in("big", 1, 200, 100).unwrap_err().message,
            "big must not be greater than 200"
        );
        assert!(q.int_in("word", 1, 200, 100).is_err());
        assert_eq!(q.int_in("page", 1, 200, 1).unwrap(), 2);
        assert_eq!(q.int_in("absent", 1, 200, 100).unwrap(), 100);
        assert!(q.bool("flag").is_err());
        assert_eq!(q.bool("absent").unwrap(), None);
    }
}
