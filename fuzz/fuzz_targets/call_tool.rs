//! A whole `call-tool` (`catalog::call`) of every tool, with fuzzed arguments
//! and fuzzed Daytona answers: never panics and always ends; arguments the
//! parser refuses send nothing and give the parser's error; read-only tools
//! only GET; with an https API nothing is sent over plain http; configured
//! secrets never appear in a result or an error unless an answer carried
//! them; a minted key never has more than its scope's permissions nor
//! lives outside the TTL bounds, and no Daytona answer wider than asked is
//! handed out; a key created through create_api_key has valid permissions
//! within the host's ceiling and an expiry within its lifetime;
//! command output stays within the configured limit.
#![no_main]

use daytona_tools::api::api_keys::{PERMISSIONS, validate_new_name};
use daytona_tools::catalog::{self, Args, Context, Policy, Tool};
use daytona_tools::config::Config;
use daytona_tools::env::Env;
use daytona_tools::http::Method;
use daytona_tools::keys::name::EphemeralName;
use daytona_tools::keys::scope::Scope;
use daytona_tools::keys::ttl;
use daytona_tools::time;
use daytona_tools_fuzz::args::Arguments;
use daytona_tools_fuzz::transport::{Answer, NOW_MILLIS, Scripted};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const API_KEY: &str = "dtn_fuzz_secret_0123456789";
const JWT: &str = "jwt.fuzz.secret";
const OUTPUT_LIMIT: usize = 1024;

fn config(which: u8) -> Config {
    let url = if which & 4 == 0 {
        "https://api.example/api"
    } else {
        "http://api.example/api"
    };
    let mut vars = vec![
        ("DAYTONA_API_URL", url),
        ("DAYTONA_OUTPUT_LIMIT_BYTES", "1024"),
    ];
    match which % 3 {
        0 => vars.push(("DAYTONA_API_KEY", API_KEY)),
        1 => vars.extend([
            ("DAYTONA_JWT_TOKEN", JWT),
            ("DAYTONA_ORGANIZATION_ID", "org-1"),
        ]),
        _ => vars.extend([
            ("DAYTONA_API_KEY", API_KEY),
            ("DAYTONA_JWT_TOKEN", JWT),
            ("DAYTONA_ORGANIZATION_ID", "org-1"),
        ]),
    }
    Config::from_env(&Env::from_pairs(vars)).expect("fuzz config")
}

fuzz_target!(|input: (u8, u8, Arguments, Vec<Answer>)| {
    let (which_tool, which_config, arguments, answers) = input;
    let spec = Tool::ALL[which_tool as usize % Tool::ALL.len()].spec();
    let text = arguments.text(spec);
    let cfg = config(which_config);
    let transport = Scripted::new(answers);
    // The host's default policy: every tool, the default minting ceiling.
    let policy = Policy::default();
    let client = Context::new(&cfg, &transport, &policy);

    let parsed = Args::parse(spec, &text);
    let outcome = catalog::call(&client, spec.name, &text);
    let sent = transport.sent.borrow();
    let answered = transport.answered.borrow();

    // Refused arguments: the parser's error, nothing sent.
    if let Err(e) = &parsed {
        assert_eq!(outcome.as_ref().err(), Some(e));
        assert!(sent.is_empty());
        return;
    }
    let args = parsed.unwrap();

    // Where requests go, and how.
    for (request, _) in sent.iter() {
        if spec.hints.read_only {
            assert_eq!(
                request.method,
                Method::Get,
                "{} sent {:?}",
                spec.name,
                request.method
            );
        }
        if cfg.api_url.starts_with("https://") {
            assert!(request.url.starts_with("https://"), "{}", request.url);
        }
        assert!(
            request.url.starts_with(&cfg.api_url) || request.url.starts_with("http"),
            "{}",
            request.url
        );
    }

    // Secrets stay out of results and errors unless an answer itself carried them.
    let shown = match &outcome {
        Ok(v) => v.to_string(),
        Err(e) => format!("{} {:?}", e.message, e.hint),
    };
    for secret in [API_KEY, JWT] {
        let echoed = answered.iter().flatten().any(|(_, body)| {
            String::from_utf8_lossy(body).contains(secret)
                || serde_json::from_slice::<Value>(body)
                    .is_ok_and(|v| v.to_string().contains(secret))
        }) || text.contains(secret);
        if !echoed {
            assert!(
                !shown.contains(secret),
                "{} leaked a secret: {shown}",
                spec.name
            );
        }
    }

    match (spec.name, &outcome) {
        ("mint_ephemeral_key", Ok(minted)) => {
            let scope = Scope::parse(args.str("scope")).expect("minted for a valid scope");
            let perms: Vec<&str> = minted["permissions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            assert_eq!(
                perms,
                scope.permissions(),
                "minted permissions are the scope's"
            );
            let expires = time::parse(minted["expiresAt"].as_str().unwrap()).unwrap();
            let lives = (expires - NOW_MILLIS as i64) / 1000;
            assert!(
                (ttl::MIN_SECS as i64..=ttl::MAX_SECS as i64).contains(&lives),
                "{lives}"
            );
            let name = EphemeralName::parse(minted["name"].as_str().unwrap()).expect("our name");
            assert_eq!(name.holder, minted["holder"].as_str().unwrap());
            assert!(!minted["value"].as_str().unwrap().is_empty());
            // The answer Daytona gave to the create that succeeded granted no more than asked.
            let (i, _) = sent
                .iter()
                .enumerate()
                .rev()
                .find(|(_, (r, _))| r.method == Method::Post)
                .expect("a create was sent");
            let (status, body) = answered[i].as_ref().expect("answered");
            assert!((200..300).contains(status));
            let answer: Value = serde_json::from_slice(body).unwrap();
            for p in answer["permissions"].as_array().into_iter().flatten() {
                assert!(perms.contains(&p.as_str().unwrap()), "Daytona granted {p}");
            }
            assert!(
                !sent.iter().any(|(r, _)| r.method == Method::Delete),
                "minted key revoked"
            );
        }
        ("mint_ephemeral_key", Err(_)) => {
            // A create answered 2xx with more than asked is revoked at once.
            for (i, (request, _)) in sent.iter().enumerate() {
                let Some((200..=299, body)) = answered[i].as_ref() else {
                    continue;
                };
                if request.method != Method::Post {
                    continue;
                }
                let asked: Value = serde_json::from_slice(request.body.as_ref().unwrap()).unwrap();
                let Ok(answer) = serde_json::from_slice::<Value>(body) else {
                    continue;
                };
                let wider = answer["permissions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| !asked["permissions"].as_array().unwrap().contains(p));
                if wider && answer["value"].as_str().is_some_and(|v| !v.is_empty()) {
                    let name = asked["name"].as_str().unwrap();
                    assert!(
                        sent[i + 1..].iter().any(|(r, _)| r.method == Method::Delete
                            && r.url.ends_with(&format!("/api-keys/{name}"))),
                        "a wider key was not revoked"
                    );
                }
            }
        }
        _ => {}
    }

    // Creates of API keys carry valid permissions, a free name and a future expiry.
    for (request, _) in sent.iter() {
        if request.method == Method::Post && request.url.ends_with("/api-keys") {
            let body: Value = serde_json::from_slice(request.body.as_ref().unwrap()).unwrap();
            let perms = body["permissions"].as_array().unwrap();
            assert!(!perms.is_empty());
            assert!(
                perms
                    .iter()
                    .all(|p| PERMISSIONS.contains(&p.as_str().unwrap()))
            );
            if let Some(at) = body["expiresAt"].as_str() {
                assert!(time::parse(at).unwrap() > NOW_MILLIS as i64, "{at}");
            }
            let name = body["name"].as_str().unwrap();
            if spec.name == "create_api_key" {
                assert!(validate_new_name(name).is_ok(), "{name}");
                // Within the host's (default) ceiling: its permissions, and an
                // expiry always, at most its lifetime away.
                let ceiling = &policy.ceiling;
                let allowed = ceiling.key_permissions();
                assert!(
                    perms.iter().all(|p| allowed.contains(&p.as_str().unwrap())),
                    "{perms:?} beyond {allowed:?}"
                );
                let at = body["expiresAt"].as_str().expect("a created key expires");
                let limit = NOW_MILLIS as i64 + ceiling.max_ttl_secs as i64 * 1000;
                assert!(time::parse(at).unwrap() <= limit, "{at}");
            } else {
                assert!(EphemeralName::is_ours(name), "{name}");
            }
        }
    }

    if let ("execute_command", Ok(out)) = (spec.name, &outcome) {
        let result = out["result"].as_str().unwrap();
        assert!(result.len() <= OUTPUT_LIMIT, "{}", result.len());
        assert!(
            out["resultLength"].as_u64().unwrap() >= result.len() as u64
                || out["truncated"] == false
        );
    }
});
