//! The file tools through the real component, in the wasmtime harness, against
//! the emulator's toolbox (whose files live in the sandbox's directory).

use crate::common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::*;
use host_test::emulator::{Emulator, SandboxSeed};
use host_test::harness::files::{ReadFileRequest, WriteFileRequest};
use host_test::harness::types::ErrorKind;
use serde_json::json;

fn sandbox(emu: &Emulator) -> std::path::PathBuf {
    emu.add_sandbox(SandboxSeed::new().named("box"));
    emu.sandbox_dir("box").unwrap()
}

#[tokio::test]
async fn a_file_round_trips_through_every_file_tool() {
    let emu = emulator();
    let dir = sandbox(&emu);
    let cfg = config(&emu);

    let written = ok(
        &emu,
        &cfg,
        "write_file",
        json!({"sandbox": "box", "path": "src/notes.txt", "content": "alpha\nbeta TODO\ngamma\ndelta TODO\n"}),
    )
    .await;
    assert_eq!(written, json!({"path": "src/notes.txt", "bytes": 33}));
    assert_eq!(
        std::fs::read_to_string(dir.join("src/notes.txt")).unwrap(),
        "alpha\nbeta TODO\ngamma\ndelta TODO\n"
    );
    let upload = emu
        .requests()
        .into_iter()
        .find(|r| r.path_only().ends_with("/files/upload"))
        .unwrap();
    assert!(
        upload
            .header("content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary=daytona-tools-"),
        "{upload:?}"
    );

    let listing = ok(
        &emu,
        &cfg,
        "list_files",
        json!({"sandbox": "box", "path": "src"}),
    )
    .await;
    assert_eq!(listing["total"], 1);
    assert_eq!(listing["truncated"], false);
    assert_eq!(listing["files"][0]["name"], "notes.txt");
    assert_eq!(listing["files"][0]["isDir"], false);
    assert_eq!(listing["files"][0]["size"], 33);

    let lines = ok(
        &emu,
        &cfg,
        "read_file",
        json!({"sandbox": "box", "path": "src/notes.txt", "startLine": 2, "endLine": 3}),
    )
    .await;
    assert_eq!(
        lines,
        json!({"content": "beta TODO\ngamma\n", "startLine": 2, "endLine": 3, "truncated": false, "size": 33})
    );

    let found = ok(
        &emu,
        &cfg,
        "find_in_files",
        json!({"sandbox": "box", "path": "src", "pattern": "TODO"}),
    )
    .await;
    assert_eq!(found["total"], 2);
    let numbers: Vec<u64> = found["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["line"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 4]);
    assert!(
        found["matches"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("src/notes.txt")
    );
    assert_eq!(found["matches"][1]["content"], "delta TODO");

    let replaced = ok(
        &emu,
        &cfg,
        "replace_in_files",
        json!({"sandbox": "box", "files": ["src/notes.txt", "src/missing.txt"], "pattern": "TODO", "newValue": "DONE"}),
    )
    .await;
    assert_eq!(
        replaced["results"][0],
        json!({"file": "src/notes.txt", "success": true})
    );
    assert_eq!(replaced["results"][1]["success"], false);
    assert!(replaced["results"][1]["error"].is_string());

    let all = ok(
        &emu,
        &cfg,
        "read_file",
        json!({"sandbox": "box", "path": "src/notes.txt"}),
    )
    .await;
    assert_eq!(all["content"], "alpha\nbeta DONE\ngamma\ndelta DONE\n");
    assert_eq!(all["endLine"], 4);

    let info = ok(
        &emu,
        &cfg,
        "get_file_info",
        json!({"sandbox": "box", "path": "src/notes.txt"}),
    )
    .await;
    assert_eq!(info["name"], "notes.txt");
    assert_eq!(info["size"], 33);
    assert_eq!(info["isDir"], false);

    ok(
        &emu,
        &cfg,
        "create_folder",
        json!({"sandbox": "box", "path": "archive/2026", "mode": "750"}),
    )
    .await;
    assert!(dir.join("archive/2026").is_dir());
    let moved = ok(
        &emu,
        &cfg,
        "move_file",
        json!({"sandbox": "box", "source": "src/notes.txt", "destination": "archive/2026/notes.md"}),
    )
    .await;
    assert_eq!(
        moved,
        json!({"source": "src/notes.txt", "destination": "archive/2026/notes.md"})
    );
    assert!(!dir.join("src/notes.txt").exists());

    let names = ok(
        &emu,
        &cfg,
        "search_files",
        json!({"sandbox": "box", "path": ".", "pattern": "*.md"}),
    )
    .await;
    assert_eq!(names["total"], 1);
    assert!(
        names["files"][0]
            .as_str()
            .unwrap()
            .ends_with("archive/2026/notes.md")
    );

    // Binary bytes, every value, round trip through base64.
    let bytes: Vec<u8> = (0..=255u8).chain([0, 0xff, b'\n']).collect();
    ok(
        &emu,
        &cfg,
        "write_file",
        json!({"sandbox": "box", "path": "bin/blob", "content": STANDARD.encode(&bytes), "encoding": "base64"}),
    )
    .await;
    assert_eq!(std::fs::read(dir.join("bin/blob")).unwrap(), bytes);
    let download = ok(
        &emu,
        &cfg,
        "download_file",
        json!({"sandbox": "box", "path": "bin/blob"}),
    )
    .await;
    assert_eq!(download["truncated"], false);
    assert_eq!(download["size"], bytes.len());
    assert_eq!(
        STANDARD
            .decode(download["contentBase64"].as_str().unwrap())
            .unwrap(),
        bytes
    );

    let deleted = ok(
        &emu,
        &cfg,
        "delete_file",
        json!({"sandbox": "box", "path": "archive", "recursive": true}),
    )
    .await;
    assert_eq!(deleted, json!({"path": "archive"}));
    assert!(!dir.join("archive").exists());
}

#[tokio::test]
async fn failures_map_to_error_kinds_with_hints() {
    let emu = emulator();
    let dir = sandbox(&emu);
    std::fs::write(dir.join("image.bin"), [0x89, b'P', b'N', b'G', 0, 1, 2]).unwrap();
    std::fs::write(dir.join("latin1.txt"), [b'c', b'a', b'f', 0xe9]).unwrap();
    std::fs::write(dir.join("kept.txt"), "original").unwrap();
    let cfg = config(&emu);

    let missing = call(
        &emu,
        &cfg,
        "read_file",
        r#"{"sandbox": "box", "path": "nope.txt"}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&missing, ErrorKind::NotFound);
    assert!(
        missing.hint.as_deref().unwrap().contains("list_files"),
        "{missing:?}"
    );
    assert_eq!(missing.status, Some(404));

    for binary in ["image.bin", "latin1.txt"] {
        let args = json!({"sandbox": "box", "path": binary}).to_string();
        let err = call(&emu, &cfg, "read_file", &args).await.unwrap_err();
        assert_kind(&err, ErrorKind::InvalidInput);
        assert!(
            err.hint.as_deref().unwrap().contains("download_file"),
            "{err:?}"
        );
    }

    let before = emu.requests().len();
    for (tool, args) in [
        ("read_file", json!({"sandbox": "box", "path": "a\u{0}b"})),
        (
            "write_file",
            json!({"sandbox": "box", "path": "a\u{0}b", "content": "x"}),
        ),
        (
            "move_file",
            json!({"sandbox": "box", "source": "kept.txt", "destination": "x\u{0}"}),
        ),
        (
            "list_files",
            json!({"sandbox": "box", "path": "x".repeat(5000)}),
        ),
    ] {
        let err = call(&emu, &cfg, tool, &args.to_string()).await.unwrap_err();
        assert_kind(&err, ErrorKind::InvalidInput);
        assert_eq!(
            emu.requests().len(),
            before,
            "{tool} sent a request before refusing"
        );
    }

    let conflict = call(
        &emu,
        &cfg,
        "write_file",
        r#"{"sandbox": "box", "path": "kept.txt", "content": "new", "overwrite": false}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&conflict, ErrorKind::Conflict);
    assert!(conflict.hint.as_deref().unwrap().contains("overwrite"));
    assert_eq!(
        std::fs::read_to_string(dir.join("kept.txt")).unwrap(),
        "original"
    );
    assert!(
        !emu.requests()
            .iter()
            .any(|r| r.path_only().ends_with("/files/upload")),
        "nothing uploaded"
    );
    // A new file is written with overwrite: false.
    ok(
        &emu,
        &cfg,
        "write_file",
        json!({"sandbox": "box", "path": "fresh.txt", "content": "", "overwrite": false}),
    )
    .await;
    assert_eq!(std::fs::read(dir.join("fresh.txt")).unwrap(), b"");

    let directory = call(
        &emu,
        &cfg,
        "delete_file",
        r#"{"sandbox": "box", "path": "."}"#,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            directory.kind,
            ErrorKind::InvalidInput | ErrorKind::Forbidden
        ),
        "{directory:?}"
    );

    emu.add_sandbox(SandboxSeed::new().named("asleep").in_state("stopped"));
    let stopped = call(
        &emu,
        &cfg,
        "list_files",
        r#"{"sandbox": "asleep", "path": "."}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&stopped, ErrorKind::Conflict);
    assert!(stopped.hint.as_deref().unwrap().contains("start_sandbox"));
}

#[tokio::test]
async fn reads_are_bounded_by_the_output_limit() {
    let emu = emulator();
    let dir = sandbox(&emu);
    let text: String = (1..=2000).map(|i| format!("line {i:04}\n")).collect();
    std::fs::write(dir.join("long.txt"), &text).unwrap();
    let cfg = config(&emu).env("DAYTONA_OUTPUT_LIMIT_BYTES", "1024");

    let first = ok(
        &emu,
        &cfg,
        "read_file",
        json!({"sandbox": "box", "path": "long.txt"}),
    )
    .await;
    assert_eq!(first["truncated"], true);
    assert!(first["content"].as_str().unwrap().len() <= 1024);
    assert_eq!(first["endLine"], 102, "whole lines of 10 bytes: {first}");
    let next = ok(
        &emu,
        &cfg,
        "read_file",
        json!({"sandbox": "box", "path": "long.txt", "startLine": 103, "endLine": 104}),
    )
    .await;
    assert_eq!(next["content"], "line 0103\nline 0104\n");

    let download = ok(
        &emu,
        &cfg,
        "download_file",
        json!({"sandbox": "box", "path": "long.txt"}),
    )
    .await;
    assert_eq!(download["truncated"], true);
    assert_eq!(download["size"], text.len());
    let got = STANDARD
        .decode(download["contentBase64"].as_str().unwrap())
        .unwrap();
    assert!(got.len() <= 768 && text.as_bytes().starts_with(&got));

    let found = ok(
        &emu,
        &cfg,
        "find_in_files",
        json!({"sandbox": "box", "path": ".", "pattern": "line"}),
    )
    .await;
    assert_eq!(found["total"], 2000);
    assert_eq!(found["truncated"], true);
    assert!(found.to_string().len() < 2048);
}

#[tokio::test]
async fn the_typed_interface_reaches_the_same_tools() {
    let emu = emulator();
    let dir = sandbox(&emu);
    let cfg = config(&emu);
    let mut inst = instance(&cfg).await;

    let (guest, store) = inst.files();
    let written = guest
        .call_write_file(
            &mut *store,
            &WriteFileRequest {
                sandbox: "box".into(),
                path: "t.txt".into(),
                content: "one\ntwo\n".into(),
                encoding: None,
                overwrite: None,
            },
        )
        .await
        .succeeded();
    assert_eq!(written.bytes, 8);
    let (guest, store) = inst.files();
    let text = guest
        .call_read_file(
            &mut *store,
            &ReadFileRequest {
                sandbox: "box".into(),
                path: "t.txt".into(),
                start_line: Some(2),
                end_line: None,
            },
        )
        .await
        .succeeded();
    assert_eq!(
        (text.content.as_str(), text.start_line, text.end_line),
        ("two\n", 2, 2)
    );
    let (guest, store) = inst.files();
    let info = guest
        .call_get_file_info(&mut *store, "box", "t.txt")
        .await
        .succeeded();
    assert_eq!(
        (info.name.as_str(), info.size, info.is_dir),
        ("t.txt", 8, false)
    );
    let (guest, store) = inst.files();
    guest
        .call_delete_file(&mut *store, "box", "t.txt", None)
        .await
        .succeeded();
    assert!(!dir.join("t.txt").exists());
    let (guest, store) = inst.files();
    let err = guest
        .call_get_file_info(&mut *store, "box", "t.txt")
        .await
        .failed();
    assert_kind(&err, ErrorKind::NotFound);

    // DAYTONA_TOOLS applies to the typed functions too.
    read_only_refuses(cfg, async |inst| {
        let (guest, store) = inst.files();
        guest.call_delete_file(store, "box", "x", Some(true)).await
    })
    .await;
}
