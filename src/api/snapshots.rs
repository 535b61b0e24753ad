//! Snapshots: page pagination followed up to a limit.

use crate::error::{Error, ErrorKind};
use crate::http::{Client, Method, Request, Transport};
use crate::models::{NumberedPage, Snapshot};

/// Page size asked for.
const PAGE: u32 = 100;
/// Most pages followed, against a server that never says it is done.
const MAX_PAGES: u64 = 1000;
/// The most snapshots one call returns.
pub const MAX_LIMIT: u32 = 10_000;

/// List snapshots whose name matches `name` (Daytona's filter), up to `limit`.
pub fn list<T: Transport>(
    client: &Client<T>,
    name: Option<&str>,
    limit: Option<u32>,
) -> Result<Vec<Snapshot>, Error> {
    if let Some(limit) = limit
        && !(1..=MAX_LIMIT).contains(&limit)
    {
        return Err(Error::invalid_input(format!(
            "`limit` is {limit}; it must be from 1 to {MAX_LIMIT} (leave it out to list every snapshot)"
        )));
    }
    let mut out: Vec<Snapshot> = Vec::new();
    for page in 1..=MAX_PAGES {
        let want = limit.map_or(PAGE, |l| (l - out.len() as u32).min(PAGE));
        let req = Request::new(Method::Get, client.url("/snapshots"), "list snapshots")
            .query("page", &page.to_string())
            .query("limit", &want.to_string())
            .query_opt("name", name);
        let answer: NumberedPage<Snapshot> = client.json(&req)?;
        let empty = answer.items.is_empty();
        out.extend(answer.items);
        if let Some(l) = limit
            && out.len() >= l as usize
        {
            out.truncate(l as usize);
            return Ok(out);
        }
        if empty || page >= answer.total_pages {
            return Ok(out);
        }
    }
    Err(Error::new(
        ErrorKind::Upstream,
        "list snapshots: Daytona kept returning pages",
    )
    .with_hint("pass a `limit` or a `name` filter"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::testing::{Scripted, config};

    #[test]
    fn pages_are_followed_to_total_pages_and_to_limit() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(
            200,
            &[],
            r#"{"items":[{"id":"1","name":"a"}],"total":3,"page":1,"totalPages":3}"#,
        )
        .answer(
            200,
            &[],
            r#"{"items":[{"id":"2","name":"b"}],"total":3,"page":2,"totalPages":3}"#,
        )
        .answer(
            200,
            &[],
            r#"{"items":[{"id":"3","name":"c"}],"total":3,"page":3,"totalPages":3}"#,
        );
        let all = list(&Client::new(&cfg, &t), None, None).unwrap();
        assert_eq!(all.len(), 3);
        assert!(t.urls()[2].contains("page=3"));

        t.answer(200, &[], r#"{"items":[{"id":"1","name":"a"},{"id":"2","name":"b"}],"total":9,"page":1,"totalPages":5}"#);
        let two = list(&Client::new(&cfg, &t), Some("a"), Some(2)).unwrap();
        assert_eq!(two.len(), 2);
        assert!(t.urls()[3].contains("limit=2") && t.urls()[3].contains("name=a"));
    }
}
