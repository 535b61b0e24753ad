//! Sandboxes: list (cursor pagination) and get.

use super::require_name;
use crate::error::{Error, ErrorKind};
use crate::http::{Client, Method, Request, Transport, When, encode_component};
use crate::models::{CursorPage, Sandbox, SandboxLabels};
use std::collections::BTreeMap;

/// Sandbox states Daytona documents; others may appear in answers and pass through.
pub const STATES: &[&str] = &[
    "creating",
    "restoring",
    "destroyed",
    "destroying",
    "started",
    "stopped",
    "starting",
    "stopping",
    "error",
    "build_failed",
    "pending_build",
    "building_snapshot",
    "unknown",
    "pulling_snapshot",
    "archived",
    "archiving",
    "resizing",
    "snapshotting",
    "forking",
    "pausing",
    "paused",
    "resuming",
];

/// The largest page Daytona serves.
pub const MAX_PAGE: u32 = 200;
/// The most sandboxes one call returns.
pub const MAX_LIMIT: u32 = 10_000;
/// Most pages followed, against a server that never says it is done.
const MAX_PAGES: usize = 1000;

/// Where to look when a sandbox is not found.
pub const NOT_FOUND_HINT: &str = "use list_sandboxes to see valid sandbox names and IDs";

/// Filters for listing sandboxes.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Name prefix.
    pub name: Option<String>,
    /// Labels every result must carry.
    pub labels: BTreeMap<String, String>,
    /// States to include.
    pub states: Vec<String>,
    /// Most results.
    pub limit: Option<u32>,
}

impl ListFilter {
    /// Refuse filters Daytona would refuse, saying which and why.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(limit) = self.limit
            && !(1..=MAX_LIMIT).contains(&limit)
        {
            return Err(Error::invalid_input(format!(
                "`limit` is {limit}; it must be from 1 to {MAX_LIMIT} (leave it out to list every sandbox)"
            )));
        }
        for (i, state) in self.states.iter().enumerate() {
            if !STATES.contains(&state.as_str()) {
                return Err(Error::invalid_input(format!(
                    "`states[{i}]` is '{}', which is not a sandbox state; valid states: {}",
                    crate::error::scrub(state, &[]),
                    STATES.join(", ")
                )));
            }
        }
        Ok(())
    }
}

/// List sandboxes, following cursors to the end or to `limit`.
pub fn list<T: Transport>(client: &Client<T>, filter: &ListFilter) -> Result<Vec<Sandbox>, Error> {
    filter.validate()?;
    let labels = (!filter.labels.is_empty())
        .then(|| serde_json::to_string(&filter.labels).unwrap_or_default());
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    // The cursors followed so far: at most MAX_PAGES, each one a request, so a
    // list searched in full costs nothing next to them (and a `HashSet` would
    // add hashing and its random keys to the component).
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..MAX_PAGES {
        let want = filter
            .limit
            .map_or(MAX_PAGE, |l| (l - out.len() as u32).min(MAX_PAGE));
        let mut req = Request::new(Method::Get, client.url("/sandbox"), "list sandboxes")
            .query("limit", &want.to_string())
            .query_opt("cursor", cursor.as_deref())
            .query_opt("name", filter.name.as_deref())
            .query_opt("labels", labels.as_deref());
        for state in &filter.states {
            req = req.query("states", state);
        }
        let page: CursorPage<Sandbox> = client.json(&req)?;
        let (items, next) = page.into_parts();
        let empty = items.is_empty();
        out.extend(items);
        if let Some(limit) = filter.limit
            && out.len() >= limit as usize
        {
            out.truncate(limit as usize);
            return Ok(out);
        }
        match next {
            None => return Ok(out),
            // A page with nothing on it that still points on is not progress.
            Some(_) if empty => return Ok(out),
            Some(next) if seen.contains(&next) => {
                return Err(Error::new(
                    ErrorKind::Upstream,
                    "list sandboxes: Daytona returned the same page cursor twice",
                )
                .with_hint("pass a `limit` to list fewer sandboxes"));
            }
            Some(next) => {
                seen.push(next.clone());
                cursor = Some(next);
            }
        }
    }
    Err(Error::new(
        ErrorKind::Upstream,
        format!("list sandboxes: Daytona kept returning pages after {MAX_PAGES}"),
    )
    .with_hint("pass a `limit`, or filter by `name`, `labels` or `states`"))
}

/// Get one sandbox by ID or name.
pub fn get<T: Transport>(client: &Client<T>, sandbox: &str) -> Result<Sandbox, Error> {
    require_name("sandbox", sandbox)?;
    let req = Request::new(
        Method::Get,
        client.url(&format!("/sandbox/{}", encode_component(sandbox))),
        format!("get sandbox '{}'", crate::error::scrub(sandbox, &[])),
    )
    .hint(When::Kind(ErrorKind::NotFound), NOT_FOUND_HINT);
    client.json(&req)
}

/// Replace every label of a sandbox with `labels` (an empty map removes them
/// all); returns the labels Daytona now holds.
pub fn set_labels<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    labels: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, Error> {
    require_name("sandbox", sandbox)?;
    let body = SandboxLabels {
        labels: labels.clone(),
    };
    let req = Request::new(
        Method::Put,
        client.url(&format!("/sandbox/{}/labels", encode_component(sandbox))),
        format!(
            "set the labels of sandbox '{}'",
            crate::error::scrub(sandbox, &[])
        ),
    )
    .json(&body)?
    // The same body again leaves the same labels.
    .idempotent(true)
    .hint(When::Kind(ErrorKind::NotFound), NOT_FOUND_HINT);
    client
        .json::<SandboxLabels>(&req)
        .map(|answer| answer.labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::testing::{Scripted, config};

    fn item(id: &str) -> String {
        format!(r#"{{"id":"{id}","name":"{id}","state":"started"}}"#)
    }

    #[test]
    fn list_follows_cursors_to_the_end() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(
            200,
            &[],
            &format!(r#"{{"items":[{}],"nextCursor":"c1"}}"#, item("a")),
        )
        .answer(
            200,
            &[],
            &format!(r#"{{"items":[{}],"nextCursor":null}}"#, item("b")),
        );
        let got = list(&Client::new(&cfg, &t), &ListFilter::default()).unwrap();
        assert_eq!(
            got.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(t.urls()[1].contains("cursor=c1"));
    }

    #[test]
    fn list_stops_at_limit_and_asks_for_no_more_than_needed() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(
            200,
            &[],
            &format!(
                r#"{{"items":[{},{}],"nextCursor":"c"}}"#,
                item("a"),
                item("b")
            ),
        );
        let filter = ListFilter {
            limit: Some(2),
            ..Default::default()
        };
        let got = list(&Client::new(&cfg, &t), &filter).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(t.urls().len(), 1);
        assert!(t.urls()[0].contains("limit=2"));
    }

    #[test]
    fn list_sends_labels_as_json_and_states_repeated() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], "[]");
        let filter = ListFilter {
            labels: BTreeMap::from([("team".to_string(), "ai".to_string())]),
            states: vec!["started".into(), "stopped".into()],
            ..Default::default()
        };
        list(&Client::new(&cfg, &t), &filter).unwrap();
        let url = &t.urls()[0];
        assert!(url.contains("labels=%7B%22team%22%3A%22ai%22%7D"), "{url}");
        assert!(url.contains("states=started&states=stopped"), "{url}");
    }

    #[test]
    fn unknown_state_filter_is_refused_before_sending() {
        let filter = ListFilter {
            states: vec!["runing".into()],
            ..Default::default()
        };
        let err = filter.validate().unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(err.message.contains("states[0]"));
    }

    #[test]
    fn repeated_cursor_ends_the_loop() {
        let cfg = config();
        let t = Scripted::default();
        let page = format!(r#"{{"items":[{}],"nextCursor":"same"}}"#, item("a"));
        t.answer(200, &[], &page).answer(200, &[], &page);
        let err = list(&Client::new(&cfg, &t), &ListFilter::default()).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Upstream);
        assert_eq!(t.sent.borrow().len(), 2);
    }

    #[test]
    fn an_empty_page_ends_the_list_and_pages_are_capped() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], r#"{"items":[],"nextCursor":"more"}"#);
        assert!(
            list(&Client::new(&cfg, &t), &ListFilter::default())
                .unwrap()
                .is_empty()
        );

        let t = Scripted::default();
        for i in 0..MAX_PAGES {
            t.answer(
                200,
                &[],
                &format!(
                    r#"{{"items":[{}],"nextCursor":"c{i}"}}"#,
                    item(&i.to_string())
                ),
            );
        }
        let err = list(&Client::new(&cfg, &t), &ListFilter::default()).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Upstream);
        assert!(
            err.message.contains("kept returning pages"),
            "{}",
            err.message
        );
        assert_eq!(t.sent.borrow().len(), MAX_PAGES);
    }

    #[test]
    fn limits_beyond_the_most_one_call_returns_are_refused() {
        for limit in [0, MAX_LIMIT + 1] {
            let filter = ListFilter {
                limit: Some(limit),
                ..Default::default()
            };
            assert_eq!(filter.validate().unwrap_err().kind, ErrorKind::InvalidInput);
        }
    }

    #[test]
    fn set_labels_puts_the_whole_map_and_returns_what_daytona_holds() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], r#"{"labels":{"team":"ai"}}"#).answer(
            404,
            &[],
            r#"{"statusCode":404,"message":"Sandbox not found"}"#,
        );
        let c = Client::new(&cfg, &t);
        let wanted = BTreeMap::from([("team".to_string(), "ai".to_string())]);
        assert_eq!(set_labels(&c, "my box", &wanted).unwrap(), wanted);
        let sent = t.sent.borrow()[0].0.clone();
        assert_eq!(sent.method, Method::Put);
        assert!(
            sent.url.ends_with("/sandbox/my%20box/labels"),
            "{}",
            sent.url
        );
        assert_eq!(
            sent.body.as_deref(),
            Some(&br#"{"labels":{"team":"ai"}}"#[..])
        );
        let err = set_labels(&c, "ghost", &BTreeMap::new()).unwrap_err();
        assert_eq!(err.hint.as_deref(), Some(NOT_FOUND_HINT));
        assert!(set_labels(&c, "..", &wanted).is_err());
        assert_eq!(t.sent.borrow().len(), 2);
    }

    #[test]
    fn get_encodes_the_name_and_hints_on_404() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(
            404,
            &[],
            r#"{"statusCode":404,"message":"Sandbox not found"}"#,
        );
        let err = get(&Client::new(&cfg, &t), "my box/1").unwrap_err();
        assert_eq!(err.kind, ErrorKind::NotFound);
        assert_eq!(err.hint.as_deref(), Some(NOT_FOUND_HINT));
        assert!(t.urls()[0].ends_with("/sandbox/my%20box%2F1"));
    }
}
