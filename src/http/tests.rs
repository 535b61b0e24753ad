use super::retry::seconds;
use super::testing::*;
use super::*;
use crate::error::ErrorKind;
use std::time::Duration;

#[test]
fn retry_after_takes_decimal_seconds_up_to_an_hour() {
    let ms = Duration::from_millis;
    assert_eq!(seconds("2"), Some(ms(2000)));
    assert_eq!(seconds("+2"), Some(ms(2000)));
    assert_eq!(seconds("1.5"), Some(ms(1500)));
    assert_eq!(seconds(".25"), Some(ms(250)));
    assert_eq!(seconds("3."), Some(ms(3000)));
    assert_eq!(seconds("0.0000000019"), Some(Duration::from_nanos(1)));
    assert_eq!(seconds("3600.5"), Some(ms(3_600_000)));
    assert_eq!(seconds("99999999999999999999999"), Some(ms(3_600_000)));
    for bad in [
        "",
        ".",
        "-1",
        "1e3",
        "inf",
        "NaN",
        "1.2.3",
        "Wed, 21 Oct 2015 07:28:00 GMT",
    ] {
        assert_eq!(seconds(bad), None, "{bad}");
    }
}

#[test]
fn query_values_are_percent_encoded() {
    let r = Request::new(Method::Get, "http://h/api/sandbox".into(), "list")
        .query("labels", r#"{"a":"b c"}"#)
        .query("limit", "5");
    assert_eq!(
        r.url,
        "http://h/api/sandbox?labels=%7B%22a%22%3A%22b%20c%22%7D&limit=5"
    );
}

#[test]
fn api_key_auth_sends_no_org_header() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(200, &[], "{}");
    Client::new(&cfg, &t)
        .send(&Request::new(Method::Get, "http://emu/api/x".into(), "x"))
        .unwrap();
    let sent = t.sent.borrow();
    let headers = &sent[0].1;
    assert!(headers.contains(&("authorization".into(), "Bearer dtn_testkey".into())));
    assert!(
        !headers
            .iter()
            .any(|(k, _)| k == "x-daytona-organization-id")
    );
}

#[test]
fn a_body_is_sent_with_its_length_and_no_body_without_one() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(200, &[], "{}").answer(200, &[], "{}");
    let client = Client::new(&cfg, &t);
    let post = Request::new(Method::Post, "http://emu/api/x".into(), "x")
        .json(&serde_json::json!({"name": "é"}))
        .unwrap();
    client.send(&post).unwrap();
    client
        .send(&Request::new(Method::Get, "http://emu/api/x".into(), "x"))
        .unwrap();
    let sent = t.sent.borrow();
    let length = |i: usize| {
        sent[i]
            .1
            .iter()
            .filter(|(k, _)| k == "content-length")
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    // `{"name":"é"}`: 13 bytes, the é two of them.
    assert_eq!(length(0), ["13"]);
    assert!(length(1).is_empty());
}

#[test]
fn throttled_get_is_retried_after_the_servers_wait() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(429, &[("retry-after-sandbox-lifecycle", "2")], "{}")
        .answer(503, &[], "{}")
        .answer(200, &[], r#"{"ok":true}"#);
    let v: serde_json::Value = Client::new(&cfg, &t)
        .json(&Request::new(Method::Get, "http://emu/api/x".into(), "x"))
        .unwrap();
    assert_eq!(v["ok"], true);
    let slept = t.slept.borrow();
    assert_eq!(slept.len(), 2);
    assert_eq!(slept[0], Duration::from_secs(2));
}

#[test]
fn non_idempotent_requests_are_not_retried() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(503, &[], "{}");
    let req = Request::new(Method::Post, "http://emu/api/x".into(), "create");
    let err = Client::new(&cfg, &t).send(&req).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Upstream);
    assert_eq!(t.sent.borrow().len(), 1);
    // ...but a 429 means Daytona did nothing, so even a create is sent again.
    t.answer(429, &[("retry-after", "1")], "{}")
        .answer(200, &[], "{}");
    Client::new(&cfg, &t).send(&req).unwrap();
    assert_eq!(t.sent.borrow().len(), 3);
}

#[test]
fn retries_stop_at_max_attempts_with_rate_limited_error() {
    let cfg = config();
    let t = Scripted::default();
    for _ in 0..4 {
        t.answer(
            429,
            &[],
            r#"{"message":"ThrottlerException: Too Many Requests"}"#,
        );
    }
    let err = Client::new(&cfg, &t)
        .send(&Request::new(Method::Get, "http://emu/api/x".into(), "x"))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::RateLimited);
    assert!(err.retryable);
    assert_eq!(t.sent.borrow().len(), 4);
}

#[test]
fn a_server_wait_beyond_the_budget_stops_retrying() {
    let policy = RetryPolicy::default();
    assert_eq!(
        policy.delay(
            Retry::Always,
            0,
            Some(429),
            Some(Duration::from_secs(60)),
            Duration::ZERO,
            0.5
        ),
        None
    );
    assert!(
        policy
            .delay(Retry::Always, 0, Some(404), None, Duration::ZERO, 0.5)
            .is_none()
    );
    assert!(
        policy
            .delay(Retry::Always, 0, None, None, Duration::ZERO, 0.5)
            .is_some()
    );
    assert!(
        policy
            .delay(Retry::Throttled, 0, None, None, Duration::ZERO, 0.5)
            .is_none()
    );
    assert!(
        policy
            .delay(Retry::Throttled, 0, Some(503), None, Duration::ZERO, 0.5)
            .is_none()
    );
}

#[test]
fn backoff_grows_and_is_capped() {
    let p = RetryPolicy {
        max_attempts: 10,
        budget: Duration::from_secs(1000),
        ..RetryPolicy::default()
    };
    let d: Vec<_> = (0..8)
        .map(|a| {
            p.delay(Retry::Always, a, Some(503), None, Duration::ZERO, 0.999)
                .unwrap()
        })
        .collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]));
    assert!(d[7] <= p.max_delay);
}

#[test]
fn a_value_that_does_not_fit_names_its_path() {
    let err = decode::<crate::models::CursorPage<crate::models::Sandbox>>(
        br#"{"items":[{"id":"a"},{"id":"b","state":["x"]}]}"#,
        "list sandboxes",
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "list sandboxes: Daytona's answer could not be read (Data error at `items[1].state`: expected a string)"
    );
    assert!(err.hint.is_some());
    let top = decode::<crate::models::Sandbox>(b"[]", "get sandbox").unwrap_err();
    assert!(
        top.message.ends_with("(Data error: expected an object)"),
        "{}",
        top.message
    );
}

#[test]
fn broken_json_names_position_not_content() {
    let err = decode::<serde_json::Value>(b"{\"secretish\": ", "list").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Upstream);
    assert!(!err.message.contains("secretish"));
    assert!(
        err.message.ends_with("(Eof error at line 1 column 14)"),
        "{}",
        err.message
    );
}

#[test]
fn bodies_over_the_cap_fail_unless_the_ends_are_kept() {
    let mut refuse = BodyBuffer::new(10, false);
    refuse.push(b"0123456").unwrap();
    assert_eq!(refuse.push(b"7890"), Err(10));

    let mut fits = BodyBuffer::new(10, true);
    fits.push(b"01234").unwrap();
    fits.push(b"56789").unwrap();
    assert_eq!(fits.finish(), (b"0123456789".to_vec(), None));

    let mut ends = BodyBuffer::new(10, true);
    for chunk in [&b"abc"[..], b"defgh", b"ijklmnopqrstuvw", b"xyz"] {
        ends.push(chunk).unwrap();
    }
    let (head, cut) = ends.finish();
    assert_eq!(head, b"abcde");
    assert_eq!(
        cut,
        Some(Cut {
            tail: b"vwxyz".to_vec(),
            total: 26
        })
    );
}

#[test]
fn every_request_passes_the_host_policy_before_the_transport_sees_it() {
    let cfg = config_with(&[("DAYTONA_API_URL", "http://localhost:3000/api")]);
    let t = Scripted::default();
    let client = Client::new(&cfg, &t);
    for (url, kind) in [
        ("http://localhost:6379/x", ErrorKind::Config),
        ("http://evil.example:3000/x", ErrorKind::Config),
        ("http://localhost:3000?@evil.example/x", ErrorKind::Upstream),
        (
            "http://evil.example\\.localhost:3000/x",
            ErrorKind::Upstream,
        ),
    ] {
        let err = client
            .send(&Request::new(Method::Get, url.into(), "x"))
            .unwrap_err();
        assert_eq!(err.kind, kind, "{url}: {err:?}");
    }
    assert!(t.sent.borrow().is_empty());
    t.answer(200, &[], "{}");
    client
        .send(&Request::new(Method::Get, client.url("/x"), "x"))
        .unwrap();
    assert_eq!(t.urls(), ["http://localhost:3000/api/x"]);
}

#[test]
fn only_a_successful_json_answer_has_its_strings_cut() {
    let asks = Request::new(Method::Post, "http://emu/x".into(), "x").keep_string_ends(8);
    let plain = Request::new(Method::Post, "http://emu/x".into(), "x");
    let json = br#"{"message":"0123456789abcdef"}"#;
    for (req, status, content_type, cut) in [
        (&asks, 200, None, true),
        (&asks, 201, Some("application/json; charset=utf-8"), true),
        (&asks, 400, Some("application/json"), false),
        (&asks, 200, Some("text/plain"), false),
        (&plain, 200, None, false),
    ] {
        let mut body = Body::new(1024, req, status, content_type);
        body.push(json).unwrap();
        let (bytes, _, strings) = body.finish();
        assert_eq!(!strings.is_empty(), cut, "{status} {content_type:?}");
        if !cut {
            assert_eq!(bytes, json);
        }
    }
}

#[test]
fn attempts_get_the_configured_bounds_and_a_commands_own_wait() {
    let cfg = config_with(&[
        ("DAYTONA_CONNECT_TIMEOUT_MS", "100"),
        ("DAYTONA_RESPONSE_TIMEOUT_MS", "300"),
        ("DAYTONA_REQUEST_TIMEOUT_MS", "2000"),
    ]);
    let t = Scripted::default();
    t.answer(200, &[], "{}").answer(200, &[], "{}");
    let client = Client::new(&cfg, &t);
    let get = Request::new(Method::Get, "http://emu/api/x".into(), "x");
    client.send(&get).unwrap();
    client
        .send(&get.clone().timeout(Duration::from_secs(25)))
        .unwrap();
    let limits = t.limits.borrow();
    assert_eq!(limits[0].connect, Duration::from_millis(100));
    assert_eq!(limits[0].response, Duration::from_millis(300));
    assert_eq!(limits[0].end - limits[0].started, 2_000_000_000);
    assert_eq!(limits[0].end_bound, crate::deadline::Bound::Request);
    assert_eq!(limits[1].response, Duration::from_secs(25));
    assert_eq!(limits[1].end - limits[1].started, 27_000_000_000);
}

#[test]
fn retries_stop_when_the_call_budget_would_run_out() {
    let cfg = config_with(&[("DAYTONA_CALL_TIMEOUT_MS", "1000")]);
    let t = Scripted::default();
    t.send_cost.set(Duration::from_millis(400));
    for _ in 0..4 {
        t.answer(503, &[], "{}");
    }
    let client = Client::new(&cfg, &t);
    let err = client
        .send(&Request::new(Method::Get, "http://emu/api/x".into(), "x"))
        .unwrap_err();
    // The real cause is reported, not the budget.
    assert_eq!(err.status, Some(503));
    assert!(t.sent.borrow().len() < 4);
    // Every attempt was told when the call ends.
    assert!(t.limits.borrow().iter().all(|l| l.end <= 1_000_000_000));
    assert!(t.monotonic.get() <= 1_000_000_000 + 400_000_000);
}

#[test]
fn nothing_is_sent_once_the_call_budget_is_spent() {
    let cfg = config_with(&[("DAYTONA_CALL_TIMEOUT_MS", "1000")]);
    let t = Scripted::default();
    let client = Client::new(&cfg, &t);
    t.sleep(Duration::from_secs(1));
    let err = client
        .send(&Request::new(
            Method::Get,
            "http://emu/api/x".into(),
            "list x",
        ))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert!(err.message.contains("per-call bound"), "{err}");
    assert!(t.sent.borrow().is_empty());
}

#[test]
fn a_wall_clock_step_does_not_move_deadlines() {
    let cfg = config();
    let t = Scripted::default();
    t.now_millis.set(1_893_456_000_000);
    t.answer(200, &[], "{}");
    let client = Client::new(&cfg, &t);
    t.now_millis.set(0); // the wall clock jumps back 60 years
    let before = client.call_left();
    client
        .send(&Request::new(Method::Get, "http://emu/api/x".into(), "x"))
        .unwrap();
    assert_eq!(client.call_left(), before);
    assert_eq!(before, cfg.call_timeout);
}
