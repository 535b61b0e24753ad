//! The printer: numbered steps, one line each, with the tool and how long it
//! took, and the check that no secret reached what it printed.

use anyhow::{Result, bail};
use serde_json::Value;
use std::io::Write;
use std::time::Instant;

use crate::harness::kind_name;
use crate::{CallConfig, Harness};

/// Printed results are cut to this many characters.
const WIDTH: usize = 72;

/// The printer: numbered steps, each with the tool and how long it took.
pub(super) struct Story<'a> {
    out: &'a mut dyn Write,
    /// Everything printed so far, for the secret check.
    pub(super) printed: String,
    pub(super) step: usize,
    harness: &'static Harness,
}

impl<'a> Story<'a> {
    pub(super) fn new(out: &'a mut dyn Write, harness: &'static Harness) -> Self {
        Story {
            out,
            printed: String::new(),
            step: 0,
            harness,
        }
    }

    pub(super) fn say(&mut self, line: &str) -> Result<()> {
        self.printed.push_str(line);
        self.printed.push('\n');
        writeln!(self.out, "{line}")?;
        Ok(())
    }

    /// One step's line: what the user did, with which tool, and what came back.
    pub(super) fn line(
        &mut self,
        what: &str,
        tool: &str,
        result: &str,
        ms: Option<f64>,
    ) -> Result<()> {
        self.step += 1;
        let mut result: String = result.replace('\n', "\\n");
        // An error is shown whole, hint included, as the user sees it.
        if result.chars().count() > WIDTH && !result.contains("(hint: ") {
            result = result.chars().take(WIDTH - 1).collect::<String>() + "…";
        }
        let ms = ms.map(|ms| format!("  {ms:.0} ms")).unwrap_or_default();
        let line = format!("{:>2} {what:<25} {tool:<25} {result}{ms}", self.step);
        self.say(&line)
    }

    /// Call `tool` on a fresh instance (as agent hosts do); its result or the
    /// error as the user sees it (`kind: message (hint)`).
    pub(super) async fn call(&self, config: &CallConfig, tool: &str, args: Value) -> Result<Timed> {
        let mut instance = self.harness.instance(config).await?;
        let t = Instant::now();
        let outcome = instance.call_tool(tool, &args.to_string()).await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        Ok(Timed {
            ms,
            outcome: match outcome {
                Ok(json) => Ok(serde_json::from_str(&json)?),
                Err(e) => Err(format!(
                    "{}: {}{}",
                    kind_name(&e.kind),
                    e.message,
                    e.hint.map(|h| format!(" (hint: {h})")).unwrap_or_default()
                )),
            },
        })
    }

    /// Take each step on `config`, printing its line; the results (`Null`
    /// for a refusal). A step that ends otherwise than expected ends the demo.
    pub(super) async fn steps(
        &mut self,
        config: &CallConfig,
        steps: Vec<Step<'_>>,
    ) -> Result<Vec<Value>> {
        let mut results = Vec::new();
        for (what, tool, args, expect) in steps {
            let timed = self.call(config, tool, args).await?;
            let (shown, value) = match (timed.outcome, expect) {
                (Ok(v), Expect::Ok(show)) => (show(&v), v),
                (Err(e), Expect::Refused(kind)) if e.starts_with(&format!("{kind}:")) => {
                    (e, Value::Null)
                }
                (outcome, _) => bail!("{tool}: unexpected {outcome:?}"),
            };
            self.line(what, tool, &shown, Some(timed.ms))?;
            results.push(value);
        }
        Ok(results)
    }
}

/// What a step should end with: a result, shown by the function, or an error of a kind.
pub(super) enum Expect {
    Ok(fn(&Value) -> String),
    Refused(&'static str),
}
pub(super) use Expect::{Ok as Shows, Refused};

/// What the user does, the tool, its arguments, and what should come back.
pub(super) type Step<'a> = (&'a str, &'a str, Value, Expect);

/// A string field of a result, or `?`.
pub(super) fn field<'v>(v: &'v Value, key: &str) -> &'v str {
    v[key].as_str().unwrap_or("?")
}

pub(super) struct Timed {
    pub(super) ms: f64,
    pub(super) outcome: Result<Value, String>,
}

/// Whether `text` shows `secret` or any [`SECRET_PART`] characters of it (a
/// cut line keeps a secret's start); an empty secret counts as shown.
pub fn shows_part_of(text: &str, secret: &str) -> bool {
    let chars: Vec<char> = secret.chars().collect();
    chars.is_empty()
        || chars
            .windows(SECRET_PART.min(chars.len()))
            .any(|w| text.contains(&w.iter().collect::<String>()))
}

/// How many characters of a secret count as showing it.
const SECRET_PART: usize = 8;

/// Milliseconds since `t`.
pub(super) fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_shows_whole_or_in_part() {
        let secret = "0123456789abcdef";
        assert!(shows_part_of("key 0123456789abcdef.", secret));
        assert!(shows_part_of("key 01234567…", secret));
        assert!(shows_part_of("…89abcdef", secret));
        assert!(!shows_part_of("key 0123456…", secret));
        assert!(shows_part_of("anything", ""));
    }
}
