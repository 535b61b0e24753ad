//! The log: the newest commits of a history the toolbox sends whole, read
//! only as far as needed, even from an answer cut at the cap.

use super::super::toolbox::{check_path, keep_within};
use super::explain::Op;
use super::ops::get;
use super::{DEFAULT_LOG_LIMIT, MAX_LOG_LIMIT, MAX_SHOWN_MESSAGE_BYTES};
use crate::error::Error;
use crate::http::{Client, Transport, decode};
use crate::models::git::GitCommitInfo;
use serde::Serialize;

/// Recent commits, newest first, bounded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Log {
    /// The commits kept.
    pub commits: Vec<GitCommitInfo>,
    /// Whether older commits exist beyond those shown (the limit, or the output limit).
    pub truncated: bool,
}

/// The newest `limit` commits of the current branch.
pub fn log<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    limit: Option<u32>,
) -> Result<Log, Error> {
    check_path("path", path)?;
    let limit = limit.unwrap_or(DEFAULT_LOG_LIMIT);
    if !(1..=MAX_LOG_LIMIT).contains(&limit) {
        return Err(Error::invalid_input(format!(
            "`limit` must be 1 to {MAX_LOG_LIMIT}"
        )));
    }
    // The toolbox sends the whole history; a long one is cut by the answer
    // cap, and only its first commits are read.
    let req = get(
        client,
        sandbox,
        "/git/history",
        "get the history of",
        path,
        Op::Log,
    )?
    .keep_ends();
    let answer = client.send(&req)?;
    let (commits, more) = leading(
        &answer.body,
        answer.cut.is_some(),
        limit as usize,
        &req.what,
    )?;
    // A quarter of the output limit at most, so that one long message never hides the rest.
    let shown = MAX_SHOWN_MESSAGE_BYTES.min(client.config.output_limit / 4);
    let commits: Vec<GitCommitInfo> = commits
        .into_iter()
        .map(|c| GitCommitInfo {
            message: bounded(c.message, shown),
            ..c
        })
        .collect();
    let (commits, cut) = keep_within(commits, client.config.output_limit);
    Ok(Log {
        commits,
        truncated: more || cut,
    })
}

/// `text` cut to at most `max` bytes on a character boundary, ending in `…` when cut.
pub(super) fn bounded(text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// The first `limit` items of a JSON array (or `null`), and whether it has
/// more. A `cut` body (its end dropped) yields the items read before the cut.
pub(super) fn leading(
    body: &[u8],
    cut: bool,
    limit: usize,
    what: &str,
) -> Result<(Vec<GitCommitInfo>, bool), Error> {
    use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};

    struct Leading<'a> {
        kept: &'a mut Vec<serde_json::Value>,
        more: &'a mut bool,
        limit: usize,
    }
    impl<'de> DeserializeSeed<'de> for Leading<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }
    // Any shape but a list or null is refused by one plain error (the caller
    // then reports the whole answer's misfit): serde's default refusals would
    // link its "invalid type" messages, float formatting included.
    fn refuse<E: serde::de::Error>() -> Result<(), E> {
        Err(E::custom("not a list of commits"))
    }
    impl<'de> Visitor<'de> for Leading<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of commits")
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
            refuse()
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
            refuse()
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
            refuse()
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
            refuse()
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
            refuse()
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
            refuse()
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while self.kept.len() < self.limit {
                match seq.next_element()? {
                    Some(commit) => self.kept.push(commit),
                    None => return Ok(()),
                }
            }
            // The rest is parsed and dropped: skipping it (`IgnoredAny`)
            // would link serde_json's separate skipping code.
            while seq.next_element::<serde_json::Value>()?.is_some() {
                *self.more = true;
            }
            Ok(())
        }
    }

    let mut kept = Vec::new();
    let mut more = false;
    let mut de = serde_json::Deserializer::from_slice(body);
    let read = Leading {
        kept: &mut kept,
        more: &mut more,
        limit,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    // Commits are read from their parsed values (whose parser is shared with
    // every other answer), so a commit that does not fit is named by its path.
    let commits = |kept| crate::http::read(serde_json::Value::Array(kept), what);
    match read {
        Ok(()) => Ok((commits(kept)?, more)),
        // What was cut held more commits (or the rest of one): keep those read.
        Err(e) if cut && e.is_eof() => Ok((commits(kept)?, true)),
        Err(_) => Err(decode::<Vec<GitCommitInfo>>(body, what)
            .err()
            .unwrap_or_else(|| {
                Error::new(
                    crate::error::ErrorKind::Upstream,
                    format!("{what}: Daytona's answer is not a list of commits"),
                )
            })),
    }
}
