//! Properties of [`scrub`]: no occurrence of a secret, nor any character of
//! one, survives, whatever the text, however occurrences overlap or touch,
//! and whatever characters the secret holds; text without secrets is kept.

use super::scrub;
use proptest::prelude::*;

const MARKER: &str = "[redacted]";

/// Characters secrets are made of here: some are in the marker, one is a control character.
fn secret_char() -> impl Strategy<Value = char> {
    prop::sample::select(vec!['a', 'b', 'd', ']', '[', 'é', '\u{7}', '_'])
}

/// Characters of the text around secrets: none of the secrets' and no whitespace.
fn filler_char() -> impl Strategy<Value = char> {
    prop::sample::select(vec!['x', 'y', '-', 'ü', '0', '😀'])
}

fn string_of(
    c: impl Strategy<Value = char>,
    len: std::ops::Range<usize>,
) -> impl Strategy<Value = String> {
    prop::collection::vec(c, len).prop_map(|v| v.into_iter().collect())
}

/// A secret with a border (`u v u`), so copies of it can overlap.
fn bordered_secret() -> impl Strategy<Value = (String, String)> {
    (
        string_of(secret_char(), 1..4),
        string_of(secret_char(), 0..4),
    )
        .prop_map(|(u, v)| {
            let secret = format!("{u}{v}{u}");
            let step = format!("{v}{u}"); // appending it makes one more overlapping occurrence
            (secret, step)
        })
}

#[derive(Debug, Clone)]
enum Segment {
    Filler(String),
    /// Occurrences of secret `which`, `extra` more of them overlapping the first.
    Secret {
        which: usize,
        extra: usize,
    },
}

fn segments() -> impl Strategy<Value = Vec<Segment>> {
    prop::collection::vec(
        prop_oneof![
            string_of(filler_char(), 0..6).prop_map(Segment::Filler),
            (0..2usize, 0..3usize).prop_map(|(which, extra)| Segment::Secret { which, extra }),
        ],
        0..8,
    )
}

/// Secrets of at least 4 bytes (shorter ones are not scrubbed by design).
fn long_enough(pair: &(String, String)) -> bool {
    pair.0.len() >= 4
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Every byte of every occurrence is gone; everything else is kept in order.
    #[test]
    fn no_character_of_any_occurrence_survives(
        first in bordered_secret().prop_filter("4 bytes", long_enough),
        second in bordered_secret().prop_filter("4 bytes", long_enough),
        parts in segments(),
    ) {
        let secrets = [first, second];
        let mut text = String::new();
        let mut kept = String::new();
        for part in &parts {
            match part {
                Segment::Filler(f) => {
                    text.push_str(f);
                    kept.push_str(f);
                }
                Segment::Secret { which, extra } => {
                    let (secret, step) = &secrets[*which];
                    text.push_str(secret);
                    for _ in 0..*extra {
                        text.push_str(step);
                    }
                }
            }
        }
        let names: Vec<&str> = secrets.iter().map(|(s, _)| s.as_str()).collect();
        let out = scrub(&text, &names);
        prop_assert!(out.chars().count() <= 301);
        if text.chars().count() <= 300 {
            // Short enough not to be cut: removing the markers leaves exactly the filler.
            prop_assert_eq!(out.replace(MARKER, ""), kept.clone(), "text {:?} -> {:?}", text, out);
            prop_assert_eq!(out.contains(MARKER), text != kept);
        }
        for piece in out.split(MARKER) {
            for secret in &names {
                prop_assert!(!piece.contains(secret), "{:?} in {:?}", secret, out);
            }
        }
    }

    /// Arbitrary text and secrets: no piece of the output between markers
    /// holds a secret, no control character is left, the length is bounded.
    #[test]
    fn arbitrary_text_keeps_no_secret(
        text in any::<String>(),
        secrets in prop::collection::vec("[a-d\\[\\]\\x00-\\x02é]{4,8}", 0..3),
        insert_at in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
    ) {
        let mut text = text;
        for (i, at) in insert_at.iter().enumerate() {
            if let Some(secret) = secrets.get(i % secrets.len().max(1)) {
                let boundaries: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
                text.insert_str(*at.get(&boundaries), secret);
            }
        }
        let names: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let out = scrub(&text, &names);
        prop_assert!(!out.chars().any(char::is_control), "{:?}", out);
        prop_assert!(out.chars().count() <= 301);
        for piece in out.split(MARKER) {
            for secret in &names {
                prop_assert!(!piece.contains(secret), "{:?} in {:?}", secret, out);
            }
        }
    }

    /// Text holding no secret comes back with only control characters
    /// replaced and the ends trimmed (when short enough not to be cut).
    #[test]
    fn text_without_secrets_is_kept(text in ".{0,300}", secret in "[a-z]{4,12}") {
        prop_assume!(!text.contains(&secret));
        let out = scrub(&text, &[&secret]);
        let want: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        prop_assert_eq!(out, want.trim());
    }
}
