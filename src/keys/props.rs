//! Properties of ephemeral keys: a minted key never carries more than its
//! scope's permissions and no answer wider than asked is handed out; TTLs are
//! always within bounds and out-of-range ones are refused, not clamped;
//! vended names round-trip. (The mint tool's `ttl` argument: `catalog/props.rs`.)

use super::ceiling::MintCeiling;
use super::name::{self, EphemeralName};
use super::scope::Scope;
use super::tests::{Counting, NOW, jwt_config, transport};
use super::{mint, ttl};
use crate::api::api_keys::PERMISSIONS;
use crate::env::Env;
use crate::error::ErrorKind;
use crate::http::{Client, Method};
use crate::time;
use proptest::prelude::*;
use serde_json::{Value, json};

/// Scopes: every valid form, the configured and another organization, near misses, anything.
fn scope() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        prop::sample::select(vec![
            "daytona",
            "daytona:workspaces",
            "daytona:workspaces:read",
            "daytona:org:org-1",
            "daytona:org:other",
            "daytona:org:",
            "daytona:*",
            "Daytona",
        ])
        .prop_map(|s| Some(s.to_string())),
        "daytona:org:[a-z0-9._-]{1,6}".prop_map(Some),
        any::<String>().prop_map(Some),
    ]
}

/// TTLs: around both bounds, inside, anywhere.
fn ttl_secs() -> impl Strategy<Value = Option<u64>> {
    prop_oneof![
        Just(None),
        (0u64..120).prop_map(Some),
        (86_340u64..86_460).prop_map(Some),
        (60u64..=86_400).prop_map(Some),
        any::<u64>().prop_map(Some),
    ]
}

/// What Daytona answers to a create, relative to what was asked.
#[derive(Debug, Clone)]
struct CreateAnswer {
    status: u16,
    /// Which of the asked permissions are granted.
    keep: Vec<bool>,
    /// Permissions granted beyond those asked (indexes into Daytona's enum).
    extra: Vec<usize>,
    /// Seconds from the asked expiry to the answered one; `None` is null.
    expiry_delta: Option<i64>,
    empty_value: bool,
}

fn create_answer() -> impl Strategy<Value = CreateAnswer> {
    (
        prop::sample::select(vec![201u16, 201, 201, 200, 409, 400, 403, 500, 503]),
        prop::collection::vec(prop::bool::weighted(0.9), 7),
        prop_oneof![
            3 => Just(Vec::new()),
            1 => prop::collection::vec(0..PERMISSIONS.len(), 1..3),
        ],
        prop_oneof![
            3 => Just(Some(0i64)),
            2 => (-3i64..=3).prop_map(Some),
            1 => any::<i32>().prop_map(|d| Some(i64::from(d))),
            1 => Just(None),
        ],
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(status, keep, extra, expiry_delta, empty_value)| CreateAnswer {
                status,
                keep,
                extra,
                expiry_delta,
                empty_value,
            },
        )
}

impl CreateAnswer {
    /// The answer's body and the permissions it grants, for a request asking `asked` until `expires`.
    fn body(&self, asked: &[&str], expires: i64) -> (String, Vec<String>) {
        let mut granted: Vec<String> = asked
            .iter()
            .zip(&self.keep)
            .filter(|(_, keep)| **keep)
            .map(|(p, _)| p.to_string())
            .collect();
        granted.extend(self.extra.iter().map(|i| PERMISSIONS[*i].to_string()));
        let body = json!({
            "name": "whatever",
            "value": if self.empty_value { "" } else { "dtn_minted_0123456789abcdef" },
            "permissions": granted,
            "createdAt": "2030-01-01T00:00:00.000Z",
            "expiresAt": self.expiry_delta.map(|d| time::format_secs(expires.saturating_add(d))),
        });
        (body.to_string(), granted)
    }
}

fn sent_json(t: &Counting, i: usize) -> Value {
    serde_json::from_slice(
        t.inner.sent.borrow()[i]
            .0
            .body
            .as_deref()
            .unwrap_or(b"null"),
    )
    .unwrap_or(Value::Null)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever the scope, TTL, holder and Daytona's answers: a key handed out
    /// has exactly the scope's permissions, Daytona's accepted answer granted
    /// no more, it expires when asked; an answer wider or longer-lived than
    /// asked is refused and the key revoked; bad input sends nothing.
    #[test]
    fn minted_permissions_never_exceed_the_scope(
        scope in scope(),
        ttl in ttl_secs(),
        holder in prop::option::of(any::<String>()),
        answers in prop::collection::vec(create_answer(), 2),
        revoke_status in prop::sample::select(vec![204u16, 200, 404, 500]),
        wide_ceiling in any::<bool>(),
    ) {
        // The host's default ceiling, or one that lets every scope through.
        let cfg = jwt_config();
        let mut ceiling = MintCeiling::default();
        if wide_ceiling {
            ceiling = MintCeiling::from_env(&Env::from_pairs([(
                "DAYTONA_MINT_SCOPES",
                "daytona:workspaces:read,daytona:workspaces,daytona,daytona:org:*",
            )]))
            .unwrap();
        }
        let t = transport();
        let parsed = Scope::parse(scope.as_deref());
        let valid_scope = parsed.as_ref().is_ok_and(|s| s.check_organization(Some("org-1")).is_ok());
        let valid_ttl = ttl.is_none_or(|n| (ttl::MIN_SECS..=ttl::MAX_SECS).contains(&n));
        let asked: Vec<&str> = parsed.as_ref().map(|s| s.permissions().to_vec()).unwrap_or_default();
        let expires = (NOW / 1000 + ttl.unwrap_or(ttl::DEFAULT_SECS)) as i64;
        let mut granted = Vec::new();
        for answer in &answers {
            let (body, perms) = answer.body(&asked, expires);
            t.inner.answer(answer.status, &[], &body);
            granted.push(perms);
        }
        for _ in 0..4 {
            t.inner.answer(revoke_status, &[], "{}");
        }

        let result = mint(&Client::new(&cfg, &t), &ceiling, scope.as_deref(), ttl, holder.as_deref());
        let sent = t.inner.sent.borrow().clone();

        if !(valid_scope && valid_ttl) {
            let err = result.unwrap_err();
            prop_assert_eq!(err.kind, ErrorKind::InvalidInput);
            prop_assert!(sent.is_empty(), "bad input sent a request");
            return Ok(());
        }
        let within = parsed
            .as_ref()
            .is_ok_and(|s| ceiling.check(s, ttl.unwrap_or(ttl::DEFAULT_SECS)).is_ok());
        if !within {
            prop_assert_eq!(result.unwrap_err().kind, ErrorKind::Forbidden);
            prop_assert!(sent.is_empty(), "a mint above the ceiling sent a request");
            return Ok(());
        }
        // Every create asks for exactly the scope's permissions and expiry.
        let posts: Vec<usize> = (0..sent.len()).filter(|i| sent[*i].0.method == Method::Post).collect();
        prop_assert!(!posts.is_empty() && posts.len() <= 2);
        for i in &posts {
            let body = sent_json(&t, *i);
            prop_assert_eq!(&body["permissions"], &json!(asked));
            prop_assert_eq!(&body["expiresAt"], &json!(time::format_secs(expires)));
        }
        let last = *posts.last().unwrap();
        let answer = &answers[last];
        let wider = granted[last].iter().any(|p| !asked.contains(&p.as_str()));
        let later = answer.expiry_delta.is_none_or(|d| d > super::EXPIRY_AGREEMENT_SECS);
        let deletes: Vec<String> = sent
            .iter()
            .filter(|(r, _)| r.method == Method::Delete)
            .map(|(r, _)| r.url.clone())
            .collect();
        match result {
            Ok(key) => {
                prop_assert_eq!(&key.permissions, &asked);
                prop_assert!((200..300).contains(&answer.status));
                prop_assert!(!wider, "handed out a key Daytona granted {:?}", granted[last]);
                prop_assert!(!later && !answer.empty_value);
                prop_assert_eq!(&key.expires_at, &time::format_secs(expires));
                prop_assert!(deletes.is_empty());
                let name = EphemeralName::parse(&key.name).expect("our name");
                prop_assert_eq!(name.expires_unix as i64, expires);
                prop_assert_eq!(&name.holder, &key.holder);
                prop_assert_eq!(&key.holder, &name::sanitize_holder(holder.as_deref()));
            }
            Err(err) if (200..300).contains(&answer.status) => {
                // Refused after Daytona created it: it must be wider, later or valueless, and revoked.
                prop_assert!(wider || later || answer.empty_value, "{}", err.message);
                prop_assert_eq!(err.kind, ErrorKind::Upstream);
                let name = sent_json(&t, last)["name"].as_str().unwrap().to_string();
                prop_assert!(deletes.iter().any(|u| u.ends_with(&format!("/api-keys/{name}"))), "{:?}", deletes);
            }
            Err(_) => {
                // Daytona refused the create: nothing to revoke.
                prop_assert!(deletes.is_empty());
            }
        }
    }

    /// Any seconds: accepted exactly when within 60..=86400, and then unchanged.
    #[test]
    fn ttl_seconds_are_within_bounds_or_refused(secs in prop_oneof![any::<u64>(), 0u64..100_000]) {
        match ttl::check("ttl", Some(secs)) {
            Ok(v) => {
                prop_assert!((60..=86_400).contains(&v));
                prop_assert_eq!(u64::from(v), secs, "clamped");
            }
            Err(e) => {
                prop_assert!(!(60..=86_400).contains(&secs));
                prop_assert_eq!(e.kind, ErrorKind::InvalidInput);
            }
        }
    }

    /// A vended name, written out and read back, is the same name.
    #[test]
    fn vended_names_round_trip(
        holder in any::<String>(),
        expires in 0u64..1_000_000_000_000,
        random in any::<u64>(),
    ) {
        let vended = EphemeralName::new(&holder, expires, random);
        let text = vended.to_string();
        prop_assert_eq!(EphemeralName::parse(&text), Some(vended.clone()));
        prop_assert!(text.len() <= 4 + name::MAX_HOLDER + 1 + 12 + 1 + 12);
        prop_assert_eq!(&vended.holder, &name::sanitize_holder(Some(&holder)));
    }

    /// Names are ours only in the exact format: a changed character is
    /// either still a well-formed name that re-formats identically, or refused.
    #[test]
    fn names_parse_only_in_the_exact_format(
        holder in "[a-z0-9-]{0,26}",
        expires in 0u64..10_000_000_000_000,
        random in any::<u64>(),
        edit_at in any::<prop::sample::Index>(),
        edit in any::<char>(),
    ) {
        let mut text = EphemeralName::new(&holder, expires, random).to_string();
        let boundaries: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        let at = *edit_at.get(&boundaries);
        let len = text[at..].chars().next().unwrap().len_utf8();
        text.replace_range(at..at + len, &edit.to_string());
        if let Some(parsed) = EphemeralName::parse(&text) {
            prop_assert_eq!(parsed.to_string(), text);
        }
    }
}
