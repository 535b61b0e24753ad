//! Preview URLs of a sandbox's ports: an HTTP server listening on a port of
//! the sandbox, reached from outside through Daytona's proxy.
//!
//! A signed URL carries a token of its own, tied to one port, which stops
//! working when it expires or is expired ([`expire`]). The unsigned URL needs
//! the sandbox's preview token in the `X-Daytona-Preview-Token` header: one
//! long-lived credential for every port of a private sandbox. Both tokens are
//! credentials: they are returned once, to the caller who asked, and never
//! appear in an error (a token given to [`expire`] is carried by its request
//! as a secret, so it is scrubbed from Daytona's message before the message is
//! cut, and no message names it).

use super::require_name;
use super::sandboxes::NOT_FOUND_HINT;
use crate::error::{Error, ErrorKind, scrub};
use crate::http::{Client, Method, Request, Transport, When, encode_component};
use crate::models::{PortPreviewUrl, SignedPortPreviewUrl};
use crate::secret::{Secret, reveal};
use serde::Serialize;

/// The highest port (Daytona refuses ports outside 1..=65535).
pub const MAX_PORT: u32 = 65_535;
/// A signed URL's lifetime when the caller gives none, in seconds.
///
/// Five minutes, not Daytona's 60 s: long enough for a person to open a link
/// shown in a chat, or for a few scripted checks, and short enough that a URL
/// left in a transcript or a log is soon useless. A browser that opened it
/// keeps access through Daytona's proxy cookie (up to an hour), so a longer
/// lifetime is only needed for clients without cookies, or for sharing.
pub const DEFAULT_EXPIRY_SECS: u32 = 300;
/// The longest lifetime Daytona accepts (24 h).
pub const MAX_EXPIRY_SECS: u32 = 86_400;
/// The header the unsigned URL needs the sandbox's preview token in.
pub const TOKEN_HEADER: &str = "X-Daytona-Preview-Token";
/// The shortest token [`expire`] accepts: Daytona's are 16 characters, and a
/// shorter value could not be reliably kept out of messages.
const MIN_TOKEN_LEN: usize = 8;

/// A preview URL as the tool returns it: the URL and its token, shown once.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// The sandbox's ID.
    pub sandbox_id: String,
    /// The port it opens.
    pub port: u16,
    /// The URL; a signed one embeds its token.
    #[serde(serialize_with = "reveal")]
    pub url: Secret,
    /// The signed URL's token (to expire it), or the sandbox's preview token.
    #[serde(serialize_with = "reveal")]
    pub token: Secret,
    /// Whether the URL is signed.
    pub signed: bool,
    /// When a signed URL stops working (RFC 3339; none for the unsigned URL).
    pub expires_at: Option<String>,
    /// The header the token must be sent in (none for a signed URL).
    pub header: Option<String>,
    /// What the caller must know to use it safely.
    pub note: String,
}

/// What [`expire`] was asked to end (never the token).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Expired {
    /// The sandbox as given.
    pub sandbox: String,
    /// The port the URL was for.
    pub port: u16,
}

/// A port argument: 1 to 65535.
pub fn check_port(port: u32) -> Result<u16, Error> {
    match u16::try_from(port) {
        Ok(p) if p >= 1 => Ok(p),
        _ => Err(
            Error::invalid_input(format!("`port` is {port}; ports are 1 to {MAX_PORT}"))
                .with_hint("pass the port the sandbox's server listens on, e.g. 3000"),
        ),
    }
}

/// The lifetime a signed URL is asked for: the default when none is given,
/// else 1 to [`MAX_EXPIRY_SECS`]. Only signed URLs expire.
pub fn check_expiry(expires_in_seconds: Option<u32>, signed: bool) -> Result<u32, Error> {
    match expires_in_seconds {
        Some(_) if !signed => Err(Error::invalid_input(
            "`expiresInSeconds` applies only to signed URLs; the sandbox's preview token does not expire",
        )
        .with_hint("leave out `signed` (signed is the default) or leave out `expiresInSeconds`")),
        None => Ok(DEFAULT_EXPIRY_SECS),
        Some(secs) if (1..=MAX_EXPIRY_SECS).contains(&secs) => Ok(secs),
        Some(secs) => Err(Error::invalid_input(format!(
            "`expiresInSeconds` is {secs}; a signed URL lives 1 to {MAX_EXPIRY_SECS} seconds (24 h)"
        ))),
    }
}

/// A signed URL's token, which becomes a path segment. Never echoed.
pub fn check_token(token: &str) -> Result<(), Error> {
    require_name("token", token)?;
    let well_formed = token.len() >= MIN_TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !well_formed {
        return Err(Error::invalid_input(format!(
            "`token` is not a signed preview URL token (at least {MIN_TOKEN_LEN} letters and digits)"
        ))
        .with_hint("pass the `token` field get_preview_url returned, not the URL"));
    }
    Ok(())
}

/// When a URL asked for at `now_millis` (the component's wall clock) for
/// `secs` seconds stops working, RFC 3339. Taken before the request is sent,
/// so the URL works at least until then.
pub fn expires_at(now_millis: u64, secs: u32) -> String {
    let now = i64::try_from(now_millis).unwrap_or(i64::MAX / 2);
    crate::time::format_millis(now.saturating_add(i64::from(secs) * 1000))
}

fn port_url<T: Transport>(client: &Client<T>, sandbox: &str, port: u16, rest: &str) -> String {
    client.url(&format!(
        "/sandbox/{}/ports/{port}/{rest}",
        encode_component(sandbox)
    ))
}

fn what(action: &str, sandbox: &str, port: u16) -> String {
    format!(
        "{action} for port {port} of sandbox '{}'",
        scrub(sandbox, &[])
    )
}

/// A URL from Daytona's answer must be http(s) (it is handed to a browser or
/// an HTTP client). Never echoed: a signed one carries its token.
fn check_url(url: &str, what: &str) -> Result<(), Error> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Upstream,
        format!("{what}: Daytona's answer holds no http(s) URL"),
    )
    .with_hint("check that DAYTONA_API_URL points at Daytona's API"))
}

fn missing_token(what: &str) -> Error {
    Error::new(
        ErrorKind::Upstream,
        format!("{what}: Daytona's answer holds no token"),
    )
    .with_hint("check that DAYTONA_API_URL points at Daytona's API")
}

/// A preview URL for `port`: signed (the default) for `expires_in_seconds`
/// (default [`DEFAULT_EXPIRY_SECS`]), or the unsigned URL and the sandbox's preview token.
pub fn get<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    port: u32,
    signed: Option<bool>,
    expires_in_seconds: Option<u32>,
) -> Result<Preview, Error> {
    require_name("sandbox", sandbox)?;
    let port = check_port(port)?;
    let signed = signed.unwrap_or(true);
    let secs = check_expiry(expires_in_seconds, signed)?;
    if signed {
        get_signed(client, sandbox, port, secs)
    } else {
        get_unsigned(client, sandbox, port)
    }
}

fn get_signed<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    port: u16,
    secs: u32,
) -> Result<Preview, Error> {
    let what = what("get a signed preview URL", sandbox, port);
    let expires_at = expires_at(client.transport.now_unix_millis(), secs);
    // Each answer is a new token: a retry after a lost answer only leaves an
    // unused one behind, which expires on its own.
    let req = Request::new(
        Method::Get,
        port_url(client, sandbox, port, "signed-preview-url"),
        what.clone(),
    )
    .query("expiresInSeconds", &secs.to_string())
    .hint(When::Kind(ErrorKind::NotFound), NOT_FOUND_HINT);
    let answer: SignedPortPreviewUrl = client.json(&req)?;
    check_url(answer.url.expose(), &what)?;
    if answer.token.expose().is_empty() {
        return Err(missing_token(&what));
    }
    Ok(Preview {
        note: format!(
            "Anyone with this URL can reach port {port} until {expires_at}; a browser that opened it keeps access \
             for up to an hour through Daytona's proxy cookie. Call expire_preview_url with this token to end it sooner."
        ),
        sandbox_id: answer.sandbox_id,
        port,
        url: answer.url,
        token: answer.token,
        signed: true,
        expires_at: Some(expires_at),
        header: None,
    })
}

fn get_unsigned<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    port: u16,
) -> Result<Preview, Error> {
    let what = what("get the preview URL", sandbox, port);
    let req = Request::new(
        Method::Get,
        port_url(client, sandbox, port, "preview-url"),
        what.clone(),
    )
    .hint(When::Kind(ErrorKind::NotFound), NOT_FOUND_HINT);
    let answer: PortPreviewUrl = client.json(&req)?;
    check_url(&answer.url, &what)?;
    if answer.token.expose().is_empty() {
        return Err(missing_token(&what));
    }
    Ok(Preview {
        sandbox_id: answer.sandbox_id,
        port,
        url: Secret::new(answer.url),
        token: answer.token,
        signed: false,
        expires_at: None,
        header: Some(TOKEN_HEADER.to_string()),
        note: format!(
            "Send the token in the {TOKEN_HEADER} header with every request (a public sandbox needs none). \
             It is the sandbox's long-lived preview credential for every port and does not expire: do not share it; \
             prefer a signed URL."
        ),
    })
}

/// Make the signed URL with `token` for `port` stop working at once.
/// Daytona answers 200 whether or not the token existed (or was for that port).
pub fn expire<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    port: u32,
    token: &str,
) -> Result<Expired, Error> {
    require_name("sandbox", sandbox)?;
    let port = check_port(port)?;
    check_token(token)?;
    let req = Request::new(
        Method::Post,
        port_url(
            client,
            sandbox,
            port,
            &format!("signed-preview-url/{}/expire", encode_component(token)),
        ),
        what("expire a signed preview URL", sandbox, port),
    )
    .idempotent(true)
    .secret(Some(&Secret::new(token.to_string())))
    .hint(When::Kind(ErrorKind::NotFound), NOT_FOUND_HINT);
    client.send(&req)?;
    Ok(Expired {
        sandbox: sandbox.to_string(),
        port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::testing::{Scripted, config};

    const SIGNED: &str = r#"{"sandboxId":"sb-1","port":3000,"token":"abcdefgh12345678","url":"https://3000-abcdefgh12345678.proxy.daytona.works"}"#;

    #[test]
    fn ports_are_1_to_65535() {
        assert_eq!(check_port(1).unwrap(), 1);
        assert_eq!(check_port(65_535).unwrap(), 65_535);
        for bad in [0, 65_536, u32::MAX] {
            let err = check_port(bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput);
            assert!(err.message.contains("`port`"), "{}", err.message);
        }
    }

    #[test]
    fn expiry_defaults_to_five_minutes_and_is_bounded_to_a_day() {
        assert_eq!(check_expiry(None, true).unwrap(), DEFAULT_EXPIRY_SECS);
        assert_eq!(check_expiry(Some(1), true).unwrap(), 1);
        assert_eq!(check_expiry(Some(86_400), true).unwrap(), 86_400);
        assert!(check_expiry(Some(0), true).is_err());
        assert!(check_expiry(Some(86_401), true).is_err());
        // The unsigned URL's token does not expire: asking for an expiry is a mistake.
        assert!(check_expiry(None, false).is_ok());
        let err = check_expiry(Some(60), false).unwrap_err();
        assert!(err.message.contains("only to signed"), "{}", err.message);
    }

    #[test]
    fn expiry_is_computed_from_the_components_clock() {
        // 2030-01-01T00:00:00Z plus the default five minutes.
        assert_eq!(
            expires_at(1_893_456_000_000, DEFAULT_EXPIRY_SECS),
            "2030-01-01T00:05:00.000Z"
        );
        assert_eq!(expires_at(0, 86_400), "1970-01-02T00:00:00.000Z");
        // A clock far off is no reason to panic.
        assert!(!expires_at(u64::MAX, MAX_EXPIRY_SECS).is_empty());
    }

    #[test]
    fn a_signed_url_is_asked_for_with_its_expiry_and_returned_with_its_token() {
        let cfg = config();
        let t = Scripted::default();
        t.now_millis.set(1_893_456_000_000);
        t.answer(200, &[], SIGNED);
        let p = get(&Client::new(&cfg, &t), "my box", 3000, None, None).unwrap();
        assert_eq!(
            t.urls()[0],
            "http://emu/api/sandbox/my%20box/ports/3000/signed-preview-url?expiresInSeconds=300"
        );
        assert!(p.signed && p.header.is_none());
        assert_eq!(p.expires_at.as_deref(), Some("2030-01-01T00:05:00.000Z"));
        assert_eq!(p.token.expose(), "abcdefgh12345678");
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(
            json["url"],
            "https://3000-abcdefgh12345678.proxy.daytona.works"
        );
        assert_eq!(json["token"], "abcdefgh12345678");
        assert_eq!(json["sandboxId"], "sb-1");
        // Debug output (a panic message, a log line) never shows either.
        assert!(!format!("{p:?}").contains("abcdefgh"));
    }

    #[test]
    fn the_unsigned_url_names_the_header_its_token_goes_in() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(
            200,
            &[],
            r#"{"sandboxId":"sb-1","url":"https://3000-sb-1.proxy.daytona.works","token":"ul67qtv-jl6wb9z5o3eii"}"#,
        );
        let p = get(&Client::new(&cfg, &t), "dev", 3000, Some(false), None).unwrap();
        assert!(t.urls()[0].ends_with("/sandbox/dev/ports/3000/preview-url"));
        assert_eq!(p.header.as_deref(), Some("X-Daytona-Preview-Token"));
        assert!(!p.signed && p.expires_at.is_none());
        assert!(p.note.contains("X-Daytona-Preview-Token") && p.note.contains("long-lived"));
    }

    #[test]
    fn bad_arguments_are_refused_before_sending() {
        let cfg = config();
        let t = Scripted::default();
        let c = Client::new(&cfg, &t);
        assert!(get(&c, "dev", 0, None, None).is_err());
        assert!(get(&c, "dev", 3000, Some(false), Some(60)).is_err());
        assert!(get(&c, "..", 3000, None, None).is_err());
        assert!(expire(&c, "dev", 3000, "short").is_err());
        assert!(expire(&c, "dev", 3000, "abcd/efgh/ijkl").is_err());
        assert!(expire(&c, "dev", 70_000, "abcdefgh12345678").is_err());
        assert!(t.sent.borrow().is_empty());
    }

    #[test]
    fn an_answer_without_an_http_url_or_a_token_is_refused_without_echoing_it() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(
            200,
            &[],
            r#"{"sandboxId":"sb-1","port":3000,"token":"abcdefgh12345678","url":"javascript:abcdefgh12345678"}"#,
        )
        .answer(
            200,
            &[],
            r#"{"sandboxId":"sb-1","port":3000,"url":"https://x"}"#,
        );
        let c = Client::new(&cfg, &t);
        let err = get(&c, "dev", 3000, None, None).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Upstream);
        assert!(!err.to_string().contains("abcdefgh"), "{err}");
        let err = get(&c, "dev", 3000, None, None).unwrap_err();
        assert!(err.message.contains("no token"), "{err}");
    }

    #[test]
    fn expire_sends_the_token_as_a_path_segment_and_never_echoes_it() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], "").answer(
            404,
            &[],
            r#"{"statusCode":404,"message":"no signed URL abcdefgh12345678 for port 3000"}"#,
        );
        let c = Client::new(&cfg, &t);
        let done = expire(&c, "dev", 3000, "abcdefgh12345678").unwrap();
        assert_eq!(
            done,
            Expired {
                sandbox: "dev".into(),
                port: 3000
            }
        );
        assert!(
            t.urls()[0]
                .ends_with("/sandbox/dev/ports/3000/signed-preview-url/abcdefgh12345678/expire")
        );
        let err = expire(&c, "dev", 3000, "abcdefgh12345678").unwrap_err();
        assert_eq!(err.kind, ErrorKind::NotFound);
        assert!(!err.to_string().contains("abcdefgh12345678"), "{err}");
        assert!(err.message.contains("[redacted]"), "{err}");
        // A token quoted where Daytona's message is cut (300 characters) is
        // scrubbed before the cut: no prefix of it is left either.
        let message = format!("{} abcdefgh12345678 is unknown", "x".repeat(294));
        t.answer(
            400,
            &[],
            &serde_json::json!({"statusCode": 400, "message": message}).to_string(),
        );
        let err = expire(&c, "dev", 3000, "abcdefgh12345678").unwrap_err();
        assert!(!err.to_string().contains("abcd"), "{err}");
        // Nor does the request's Debug (a panic message, a log line), though its URL holds it.
        let sent = t.sent.borrow();
        let debug = format!("{:?}", sent.last().unwrap().0);
        assert!(
            debug.contains("signed-preview-url/[redacted]/expire"),
            "{debug}"
        );
        assert!(!debug.contains("abcdefgh"), "{debug}");
        drop(sent);
        // Nor does refusing a malformed token quote it.
        let err = check_token("not a token!").unwrap_err();
        assert!(!err.message.contains("not a token!"), "{}", err.message);
    }
}
