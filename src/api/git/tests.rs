use super::history::{bounded, leading};
use super::*;
use crate::error::ErrorKind;
use crate::http::Client;
use crate::http::testing::{Scripted, config};
use crate::secret::Secret;

#[test]
fn clone_urls_of_every_offered_transport_are_accepted() {
    for good in [
        "https://github.com/daytonaio/daytona.git",
        "HTTPS://host:8443/a/b",
        "http://git.local/r",
        "ssh://git@github.com/o/r.git",
        "git://host/r",
        "file:///srv/r.git",
        "git@github.com:o/r.git",
        "/tmp/origin.git",
        "../origin.git",
        "repos/x",
        "https://host/o/r@v1",
    ] {
        assert!(check_url(good).is_ok(), "{good}");
    }
}

#[test]
fn clone_urls_with_credentials_are_refused_without_echoing_them() {
    for bad in [
        "https://alice:hunter22@github.com/o/r.git",
        "https://ghp_tokenvalue@github.com/o/r.git",
        "http://u:p@h/r",
        "git://u@h/r",
        "ssh://git:pw0rd@h/r",
        "alice:hunter22@host:o/r.git",
    ] {
        let err = check_url(bad).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad}");
        assert!(err.message.contains("credentials"), "{bad}: {err}");
        assert!(err.hint.as_deref().unwrap().contains("`password`"));
        for part in ["alice", "hunter22", "ghp_tokenvalue", "pw0rd"] {
            assert!(!err.to_string().contains(part), "{bad}: {err}");
        }
    }
}

#[test]
fn other_transports_controls_options_and_absurd_lengths_are_refused() {
    let long = format!("https://h/{}", "a".repeat(MAX_URL_BYTES));
    for bad in [
        "",
        "  ",
        "ext::sh -c touch% /tmp/pwned",
        "fd::17",
        "ftp://h/r",
        "-uhttps://h/r",
        "--upload-pack=touch /tmp/x",
        "https://h/r\n",
        "https://h/r\0",
        "https://",
        "https://@/x",
        long.as_str(),
    ] {
        let err = check_url(bad).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad:?}");
    }
}

#[test]
fn no_user_host_port_or_path_segment_may_start_like_an_option() {
    for bad in [
        "ssh://-oProxyCommand=touch%20/tmp/pwned/x",
        "ssh://%2DoProxyCommand=x/r",
        "ssh://-user@host/r",
        "ssh://git@-host/r",
        "ssh://git@host:-22/r",
        "ssh://[-host]:22/r",
        "https://host/-r.git",
        "https://host/o/-r",
        "git://host/%2dr",
        "file:///srv/-r.git",
        "git@-host:o/r.git",
        "-host:o/r.git",
        "git@host:-o/r.git",
        "host:/-r",
        "repos/-x",
        "./-x",
    ] {
        assert!(has_option_like_part(bad), "{bad}");
        let err = check_url(bad).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad}");
    }
    for good in [
        "https://github.com/o/r-x.git",
        "ssh://git@git-host.example:2222/o/r",
        "git@github.com:o/my-repo.git",
        "https://host/o/r?ref=-x",
        "/tmp/a-b/c",
        "ssh://[::1]:22/r",
    ] {
        assert!(!has_option_like_part(good), "{good}");
        assert!(check_url(good).is_ok(), "{good}");
    }
}

#[test]
fn branch_names_follow_gits_rules() {
    for good in [
        "main",
        "feature/login",
        "v1.2",
        "fix-1_2",
        "a/b/c",
        "abc123",
    ] {
        assert!(check_ref("branch", good).is_ok(), "{good}");
    }
    for bad in [
        "", "-f", "--force", "a b", "a..b", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b", "/a",
        "a/", "a.", "a.lock", "a//b", ".hidden", "a/.b", "@", "a@{1}", "a\tb",
    ] {
        let err = check_ref("branch", bad).unwrap_err();
        assert!(err.message.starts_with("`branch`"), "{bad:?}: {err}");
    }
    assert!(check_ref("name", &"a".repeat(256)).is_err());
    assert!(check_commit_id(&"a".repeat(40)).is_ok());
    assert!(check_commit_id(&"0F".repeat(32)).is_ok());
    for bad in ["abc1234", "g".repeat(40).as_str(), "-".repeat(40).as_str()] {
        assert!(check_commit_id(bad).is_err(), "{bad}");
    }
}

#[test]
fn credentials_come_in_pairs_and_are_never_quoted() {
    let user = Secret::new("alice");
    let pass = Secret::new("pa\nss-secret");
    let half = Credentials {
        username: Some(&user),
        password: None,
    };
    assert!(half.check().unwrap_err().message.contains("both"));
    let bad = Credentials {
        username: Some(&user),
        password: Some(&pass),
    };
    let err = bad.check().unwrap_err();
    assert!(err.message.contains("`password`"));
    assert!(!format!("{err:?}").contains("ss-secret"));
    assert!(Credentials::default().check().is_ok());
}

#[test]
fn messages_are_bounded_on_a_character() {
    assert_eq!(bounded("short".into(), 10), "short");
    let cut = bounded("é".repeat(10), 5);
    assert_eq!(cut, "éé…");
}

#[test]
fn the_first_commits_are_read_from_a_whole_or_cut_history() {
    let commit = |i: u32| {
        format!(
            r#"{{"hash":"{i:040}","author":"A","email":"a@b","message":"m{i}","timestamp":"t"}}"#
        )
    };
    let all: Vec<String> = (0..5).map(commit).collect();
    let body = format!("[{}]", all.join(","));
    let (kept, more) = leading(body.as_bytes(), false, 3, "log").unwrap();
    assert_eq!(kept.len(), 3);
    assert_eq!(kept[2].message, "m2");
    assert!(more);
    let (kept, more) = leading(body.as_bytes(), false, 5, "log").unwrap();
    assert_eq!((kept.len(), more), (5, false));
    // Cut in the middle of the fourth commit.
    let at = body.find("m3").unwrap();
    let (kept, more) = leading(&body.as_bytes()[..at], true, 10, "log").unwrap();
    assert_eq!((kept.len(), more), (3, true));
    // Null and empty are no commits; broken JSON that was not cut is an error.
    assert_eq!(leading(b"null", false, 3, "log").unwrap(), (vec![], false));
    assert_eq!(leading(b"[]", false, 3, "log").unwrap(), (vec![], false));
    let err = leading(&body.as_bytes()[..at], false, 10, "log").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Upstream);
    assert!(leading(b"{\"a\":1}", false, 3, "log").is_err());
    for other in [&b"1.5"[..], b"-2", b"true", b"\"x\""] {
        assert!(leading(other, false, 3, "log").is_err());
    }
    // A commit that does not fit is named by its place, also in a cut history.
    let bad = br#"[{"hash":"a"},{"hash":7},{"hash":"#;
    for cut in [false, true] {
        let err = leading(bad, cut, 10, "log").unwrap_err();
        let shape = if cut {
            "`[1].hash`: expected a string"
        } else {
            "Eof error"
        };
        assert!(err.message.contains(shape), "{}", err.message);
    }
}

/// A sandbox `box`, started, with a toolbox proxy on the API host.
fn started(t: &Scripted) {
    t.answer(
        200,
        &[],
        r#"{"id":"sb1","name":"box","state":"started","toolboxProxyUrl":"http://emu/toolbox"}"#,
    );
}

#[test]
fn git_errors_carry_no_credentials_and_say_what_to_do() {
    let cfg = config();
    let t = Scripted::default();
    started(&t);
    t.answer(
        401,
        &[],
        r#"{"statusCode":401,"code":"GIT_AUTH_FAILED","message":"git clone failed: invalid username or password for alice (s3cret-token) at 'https://alice:s3cret-token@h/r.git'"}"#,
    );
    let client = Client::new(&cfg, &t);
    let user = Secret::new("alice");
    let pass = Secret::new("s3cret-token");
    let spec = CloneSpec {
        url: "https://h/r.git",
        path: "r",
        branch: None,
        commit_id: None,
        credentials: Credentials {
            username: Some(&user),
            password: Some(&pass),
        },
    };
    let err = clone(&client, "box", &spec).unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("s3cret") && !shown.contains("alice"),
        "{shown}"
    );
    assert_eq!(err.kind, ErrorKind::Unauthorized);
    assert!(err.message.contains("git credentials"), "{err}");
    assert!(!err.hint.as_deref().unwrap().contains("DAYTONA_API_KEY"));
    // The body carried them, to the toolbox only.
    let sent = t.sent.borrow();
    let (req, _) = &sent[1];
    assert_eq!(req.url, "http://emu/toolbox/sb1/git/clone");
    let body: serde_json::Value = serde_json::from_slice(req.body.as_ref().unwrap()).unwrap();
    assert_eq!(body["password"], "s3cret-token");
    assert_eq!(body["username"], "alice");
    assert!(!format!("{req:?}").contains("s3cret"));
}

#[test]
fn a_409_is_explained_by_its_code_or_by_the_operation() {
    let cfg = config();
    let t = Scripted::default();
    let client = Client::new(&cfg, &t);
    started(&t);
    t.answer(
        409,
        &[],
        r#"{"code":"GIT_PUSH_REJECTED","message":"git push failed: ! [rejected] main -> main (fetch first)"}"#,
    );
    let err = push(&client, "box", "repo", Credentials::default()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Conflict);
    assert!(err.hint.as_deref().unwrap().contains("git_pull"), "{err}");
    // An older daemon: a plain CONFLICT on checkout means local changes are in the way.
    started(&t);
    t.answer(
        409,
        &[],
        r#"{"code":"CONFLICT","message":"worktree contains unstaged changes"}"#,
    );
    let err = checkout(&client, "box", "repo", "main").unwrap_err();
    assert!(err.hint.as_deref().unwrap().contains("git_commit"), "{err}");
    started(&t);
    t.answer(
        409,
        &[],
        r#"{"code":"GIT_BRANCH_EXISTS","message":"exists"}"#,
    );
    let err = create_branch(&client, "box", "repo", "feature").unwrap_err();
    assert!(
        err.hint.as_deref().unwrap().contains("git_checkout"),
        "{err}"
    );
}

#[test]
fn nothing_is_sent_for_bad_arguments() {
    let cfg = config();
    let t = Scripted::default();
    let client = Client::new(&cfg, &t);
    let many = vec!["a".to_string(); MAX_ADD_FILES + 1];
    assert!(add(&client, "box", "repo", &many).is_err());
    assert!(add(&client, "box", "repo", &[]).is_err());
    assert!(add(&client, "box", "repo", &["a\0b".into()]).is_err());
    assert!(log(&client, "box", "repo", Some(0)).is_err());
    assert!(log(&client, "box", "repo", Some(MAX_LOG_LIMIT + 1)).is_err());
    assert!(checkout(&client, "box", "repo", "--orphan").is_err());
    let spec = CommitSpec {
        path: "repo",
        message: " ",
        author: "A",
        email: "a@b",
        allow_empty: None,
    };
    assert!(commit(&client, "box", &spec).is_err());
    let spec = CommitSpec {
        message: "m",
        email: "<a@b>",
        ..spec
    };
    assert!(commit(&client, "box", &spec).is_err());
    assert!(t.sent.borrow().is_empty());
}
