use super::read::{Downloaded, text_lines};
use super::write::{contains, file_name};
use super::*;
use crate::api::toolbox::{bounded, keep_within};
use crate::error::ErrorKind;

#[test]
fn paths_are_checked_before_sending() {
    for bad in ["", "  ", "a\0b"] {
        let err = check_path("path", bad).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad:?}");
        assert!(err.message.contains("`path`"));
    }
    let long = "a/".repeat(MAX_PATH_BYTES);
    assert!(check_path("path", &long).is_err());
    for good in ["notes.txt", "/home/daytona/x", "dir/sub/", "../x", "é"] {
        assert!(check_path("path", good).is_ok(), "{good:?}");
    }
    assert!(check_path("path", &"a".repeat(MAX_PATH_BYTES)).is_ok());
}

#[test]
fn multipart_frames_one_file_part() {
    let (b, body) = multipart("a.txt", b"hello", || 7);
    assert_eq!(b, "daytona-tools-00000000000000070000000000000007");
    let want = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
Content-Type: application/octet-stream\r\n\r\nhello\r\n--{b}--\r\n"
    );
    assert_eq!(String::from_utf8(body).unwrap(), want);
}

#[test]
fn multipart_boundary_never_occurs_in_the_content() {
    // The content holds the first boundary drawn: the next one is used.
    let first = format!("daytona-tools-{:016x}{:016x}", 1, 1);
    let content = format!("x\r\n--{first}\r\ny");
    let mut draws = [1u64, 1, 2, 2].into_iter();
    let (b, body) = multipart("f", content.as_bytes(), || draws.next().unwrap());
    assert_ne!(b, first);
    assert!(!contains(content.as_bytes(), b.as_bytes()));
    let text = String::from_utf8(body).unwrap();
    assert_eq!(text.matches(&format!("--{b}")).count(), 2);
}

#[test]
fn multipart_escapes_quotes_and_line_breaks_in_the_filename() {
    let (_, body) = multipart("a\"b\r\nc", b"", || 1);
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("filename=\"a%22b%0D%0Ac\""), "{text}");
    assert_eq!(
        text.matches("\r\n").count(),
        6,
        "no header line added: {text}"
    );
}

#[test]
fn file_names_are_the_last_segment() {
    assert_eq!(file_name("dir/sub/a.txt"), "a.txt");
    assert_eq!(file_name("a.txt"), "a.txt");
    assert_eq!(file_name("dir/"), "dir");
    assert_eq!(file_name("/"), "file");
}

#[test]
fn content_decodes_and_is_bounded() {
    assert_eq!(decode_content("hé", None).unwrap(), "hé".as_bytes());
    assert_eq!(
        decode_content("AAEC\n/w==", Some("base64")).unwrap(),
        [0, 1, 2, 255]
    );
    assert_eq!(
        decode_content("!!", Some("base64")).unwrap_err().kind,
        ErrorKind::InvalidInput
    );
    let big = "a".repeat(MAX_WRITE_BYTES + 1);
    assert!(decode_content(&big, None).is_err());
    assert!(decode_content("x", Some("latin1")).is_err());
}

fn file(bytes: &[u8]) -> Downloaded {
    Downloaded {
        bytes: bytes.to_vec(),
        size: bytes.len() as u64,
        cut: false,
    }
}

#[test]
fn text_lines_take_a_range_and_stay_within_the_limit() {
    let f = file(b"one\ntwo\nthree\nfour");
    let t = text_lines(&f, "f", 2, Some(3), 1000).unwrap();
    assert_eq!(
        (t.content.as_str(), t.start_line, t.end_line),
        ("two\nthree\n", 2, 3)
    );
    assert!(!t.truncated);
    let t = text_lines(&f, "f", 3, None, 1000).unwrap();
    assert_eq!(t.content, "three\nfour");
    let t = text_lines(&f, "f", 1, None, 9).unwrap();
    assert_eq!(
        (t.content.as_str(), t.end_line, t.truncated),
        ("one\ntwo\n", 2, true)
    );
    let long = file("é".repeat(100).as_bytes());
    let t = text_lines(&long, "f", 1, None, 11).unwrap();
    assert!(t.truncated && t.content.len() <= 11 && t.content.starts_with('é'));
    assert!(text_lines(&f, "f", 9, None, 1000).is_err());
    let empty = text_lines(&file(b""), "f", 1, None, 1000).unwrap();
    assert_eq!((empty.content.as_str(), empty.end_line), ("", 0));
}

#[test]
fn binary_files_are_refused_with_the_download_hint() {
    for bytes in [&b"a\0b"[..], &[0xff, 0xfe, b'a'][..]] {
        let err = text_lines(&file(bytes), "f", 1, None, 1000).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(err.hint.unwrap().contains("download_file"));
    }
    // A cut in the middle of a character is not binary.
    let cut = Downloaded {
        bytes: "aé".as_bytes()[..2].to_vec(),
        size: 100,
        cut: true,
    };
    let t = text_lines(&cut, "f", 1, None, 1000).unwrap();
    assert_eq!(t.content, "a");
    assert!(t.truncated);
}

#[test]
fn listings_keep_what_fits() {
    let (kept, truncated) = keep_within(vec!["aaaa"; 10], 20);
    assert_eq!(kept.len(), 2);
    assert!(truncated);
    let (kept, truncated) = keep_within(vec!["a"; 3], 100);
    assert_eq!((kept.len(), truncated), (3, false));
}

#[test]
fn a_bounded_listing_counts_what_it_left_out() {
    let (kept, truncated, total) = bounded(vec!["aaaa"; 10], 20);
    assert_eq!((kept.len(), truncated, total), (2, true, 10));
    let (kept, truncated, total) = bounded(vec!["a"; 3], 100);
    assert_eq!((kept.len(), truncated, total), (3, false, 3));
}
