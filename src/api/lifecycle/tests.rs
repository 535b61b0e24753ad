use super::*;
use crate::http::testing::{Scripted, config, config_with};

fn sandbox(state: &str) -> String {
    format!(r#"{{"id":"sb-1","name":"dev","state":"{state}","errorReason":"image pull failed"}}"#)
}

fn named(name: &str) -> CreateSandbox {
    CreateSandbox {
        name: Some(name.into()),
        ..Default::default()
    }
}

#[test]
fn create_polls_until_started_with_growing_intervals() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(200, &[], &sandbox("creating"))
        .answer(200, &[], &sandbox("creating"))
        .answer(200, &[], &sandbox("started"));
    let s = create(&Client::new(&cfg, &t), &named("dev"), None).unwrap();
    assert_eq!(s.state, "started");
    let slept = t.slept.borrow();
    assert_eq!(slept[0], Duration::from_millis(100));
    assert!(slept[1] > slept[0]);
}

#[test]
fn create_with_zero_timeout_returns_at_once() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(200, &[], &sandbox("creating"));
    let s = create(&Client::new(&cfg, &t), &named("dev"), Some(0)).unwrap();
    assert_eq!(s.state, "creating");
    assert_eq!(t.sent.borrow().len(), 1);
}

#[test]
fn a_failed_sandbox_ends_the_wait_with_its_reason() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(200, &[], &sandbox("creating"))
        .answer(200, &[], &sandbox("build_failed"));
    let err = create(&Client::new(&cfg, &t), &named("dev"), None).unwrap_err();
    assert!(
        err.message.contains("image pull failed") && err.message.contains("build_failed"),
        "{err}"
    );
}

#[test]
fn running_out_of_time_names_the_sandbox_and_its_last_state() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(200, &[], &sandbox("creating"));
    for _ in 0..40 {
        t.answer(200, &[], &sandbox("creating"));
    }
    let err = create(&Client::new(&cfg, &t), &named("dev"), Some(2)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert!(
        err.message.contains("sb-1") && err.message.contains("creating"),
        "{err}"
    );
    let waited: Duration = t.slept.borrow().iter().sum();
    assert!(waited <= Duration::from_secs(2), "{waited:?}");
}

#[test]
fn a_lost_create_with_a_name_is_retried_and_a_409_fetches_the_sandbox() {
    let cfg = config();
    let t = Scripted::default();
    t.answers
        .borrow_mut()
        .push_back(Err(Error::new(ErrorKind::Transport, "lost")));
    t.answer(
        409,
        &[],
        r#"{"message":"Sandbox with name dev already exists"}"#,
    )
    .answer(200, &[], &sandbox("started"));
    let s = create(&Client::new(&cfg, &t), &named("dev"), None).unwrap();
    assert_eq!(s.id, "sb-1");
    let urls = t.urls();
    assert!(urls[2].ends_with("/sandbox/dev"), "{urls:?}");
}

#[test]
fn a_lost_create_without_a_name_is_not_retried() {
    let cfg = config();
    let t = Scripted::default();
    t.answers
        .borrow_mut()
        .push_back(Err(Error::new(ErrorKind::Transport, "lost")));
    let err = create(&Client::new(&cfg, &t), &CreateSandbox::default(), None).unwrap_err();
    assert!(
        err.hint
            .unwrap()
            .contains("may or may not have been created")
    );
    assert_eq!(t.sent.borrow().len(), 1);
}

#[test]
fn create_validation_names_the_field() {
    let bad = CreateSandbox {
        auto_stop_interval: Some(-1),
        ..Default::default()
    };
    assert!(
        validate_create(&bad, None)
            .unwrap_err()
            .message
            .contains("autoStopInterval")
    );
    assert!(
        validate_create(&CreateSandbox::default(), Some(MAX_WAIT_SECS + 1))
            .unwrap_err()
            .message
            .contains("timeout")
    );
    let env = CreateSandbox {
        env: [("1BAD".to_string(), "x".to_string())].into(),
        ..Default::default()
    };
    assert!(validate_create(&env, None).is_err());
}

#[test]
fn stopping_a_stopped_sandbox_is_a_no_op() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(200, &[], &sandbox("stopped"));
    let s = stop(&Client::new(&cfg, &t), "dev", false, None).unwrap();
    assert_eq!(s.state, "stopped");
    assert_eq!(t.sent.borrow().len(), 1);
}

#[test]
fn archive_waits_for_archived_and_repeating_it_is_a_no_op() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(200, &[], &sandbox("stopped"))
        .answer(200, &[], &sandbox("archiving"))
        .answer(200, &[], &sandbox("archived"));
    let s = archive(&Client::new(&cfg, &t), "dev", None).unwrap();
    assert_eq!(s.state, "archived");
    assert!(
        t.urls()[1].ends_with("/sandbox/sb-1/archive"),
        "{:?}",
        t.urls()
    );
    assert_eq!(t.sent.borrow()[1].0.method, Method::Post);

    let t = Scripted::default();
    t.answer(200, &[], &sandbox("archived"));
    let s = archive(&Client::new(&cfg, &t), "dev", None).unwrap();
    assert_eq!(s.state, "archived");
    assert_eq!(t.sent.borrow().len(), 1);
}

#[test]
fn a_zero_timeout_returns_the_answer_to_the_action_as_it_is() {
    let cfg = config();
    for (before, action) in [("stopped", "archiving"), ("started", "stopping")] {
        let t = Scripted::default();
        t.answer(200, &[], &sandbox(before))
            .answer(200, &[], &sandbox(action));
        let c = Client::new(&cfg, &t);
        let s = match before {
            "stopped" => archive(&c, "dev", Some(0)),
            _ => stop(&c, "dev", false, Some(0)),
        }
        .unwrap();
        assert_eq!(s.state, action);
        assert_eq!(t.sent.borrow().len(), 2, "no polling after the {action}");
        assert!(t.slept.borrow().is_empty());
    }
}

#[test]
fn archiving_a_started_sandbox_is_a_conflict_pointing_at_stop_sandbox() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(200, &[], &sandbox("started"));
    let err = archive(&Client::new(&cfg, &t), "dev", None).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Conflict);
    assert!(err.message.contains("is started"), "{err}");
    assert!(err.hint.unwrap().contains("stop_sandbox"));
    assert_eq!(t.sent.borrow().len(), 1, "nothing is posted");

    // Daytona's own refusal (400 "Sandbox is not stopped") is a conflict too.
    let t = Scripted::default();
    t.answer(200, &[], &sandbox("stopped")).answer(
        400,
        &[],
        r#"{"statusCode":400,"message":"Sandbox is not stopped"}"#,
    );
    let err = archive(&Client::new(&cfg, &t), "dev", None).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Conflict);
    assert!(err.message.contains("Sandbox is not stopped"), "{err}");
    assert!(err.hint.unwrap().contains("stop_sandbox"));
}

#[test]
fn a_409_during_a_transition_is_waited_out() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(200, &[], &sandbox("stopped")) // get
        .answer(
            409,
            &[],
            r#"{"message":"Sandbox state change in progress"}"#,
        ) // start
        .answer(200, &[], &sandbox("stopping")) // get after 409
        .answer(200, &[], &sandbox("stopped")) // settled
        .answer(200, &[], &sandbox("starting")) // start again
        .answer(200, &[], &sandbox("started")); // wait
    let s = start(&Client::new(&cfg, &t), "dev", None).unwrap();
    assert_eq!(s.state, "started");
    let posts = t
        .sent
        .borrow()
        .iter()
        .filter(|(r, _)| r.method == Method::Post)
        .count();
    assert_eq!(posts, 2);
}

#[test]
fn repeated_409s_are_retried_at_the_polling_pace_within_the_wait() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(200, &[], &sandbox("stopped")); // get
    for _ in 0..200 {
        t.answer(
            409,
            &[],
            r#"{"message":"Sandbox state change in progress"}"#,
        ) // start
        .answer(200, &[], &sandbox("stopped")); // get: already settled
    }
    let err = start(&Client::new(&cfg, &t), "dev", Some(3)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Conflict);
    let slept = t.slept.borrow();
    // Never a tight loop: a growing pause before every retry...
    assert!(slept.len() >= 5, "{slept:?}");
    assert_eq!(slept[0], Duration::from_millis(100));
    assert!(slept.windows(2).all(|w| w[0] <= w[1]), "{slept:?}");
    // ...and no more waiting than asked for.
    assert!(slept.iter().sum::<Duration>() <= Duration::from_secs(3));
    let posts = t
        .sent
        .borrow()
        .iter()
        .filter(|(r, _)| r.method == Method::Post)
        .count();
    assert_eq!(posts, slept.len() + 1);
}

#[test]
fn waits_run_on_the_monotonic_clock_not_the_wall_clock() {
    let cfg = config();
    let t = Scripted::default();
    t.now_millis.set(1_893_456_000_000);
    t.answer(200, &[], &sandbox("creating"));
    for _ in 0..40 {
        t.answer(200, &[], &sandbox("creating"));
    }
    // A wall clock that jumps far ahead on every request changes nothing.
    t.send_cost.set(Duration::ZERO);
    let client = Client::new(&cfg, &t);
    t.now_millis.set(u64::MAX / 2);
    let err = create(&client, &named("dev"), Some(2)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    let waited: Duration = t.slept.borrow().iter().sum();
    assert!(
        waited > Duration::from_secs(1) && waited <= Duration::from_secs(2),
        "{waited:?}"
    );
}

#[test]
fn a_slow_daytona_ends_the_wait_at_the_call_budget() {
    let cfg = config_with(&[("DAYTONA_CALL_TIMEOUT_MS", "1000")]);
    let t = Scripted::default();
    // Every request takes 2 s: the 1 s budget plus the 2 s wait is gone after two.
    t.send_cost.set(Duration::from_secs(2));
    for _ in 0..10 {
        t.answer(200, &[], &sandbox("creating"));
    }
    let err = create(&Client::new(&cfg, &t), &named("dev"), Some(2)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert!(err.message.contains("per-call bound (3000 ms)"), "{err}");
    assert!(err.message.contains("creating"), "{err}");
    assert!(t.monotonic.get() <= 3_000_000_000 + 2_000_000_000);
}
