//! Checks on the arguments of a key to create, made before anything is sent:
//! permissions from Daytona's enum, a name Daytona and our routes can handle,
//! an RFC 3339 expiry in the future.

use crate::api::require_name;
use crate::error::{Error, scrub};
use crate::time;

/// Daytona's permission enum (`CreateApiKey.permissions`).
pub const PERMISSIONS: &[&str] = &[
    "write:registries",
    "delete:registries",
    "write:snapshots",
    "delete:snapshots",
    "write:sandboxes",
    "delete:sandboxes",
    "read:volumes",
    "write:volumes",
    "delete:volumes",
    "write:regions",
    "delete:regions",
    "read:runners",
    "write:runners",
    "delete:runners",
    "read:audit_logs",
];

/// Longest key name accepted on create.
const MAX_NAME: usize = 255;

/// Refuse an empty list (Daytona requires one permission at least) and
/// permissions outside Daytona's enum (naming the first bad one); drop duplicates.
pub fn validate_permissions(permissions: &[String]) -> Result<Vec<String>, Error> {
    if permissions.is_empty() {
        return Err(Error::invalid_input(
            "`permissions` must name at least one permission: Daytona refuses a key without any",
        )
        .with_hint("reading sandboxes needs no permission; for a key that changes nothing, use [\"read:volumes\"]"));
    }
    let mut out: Vec<String> = Vec::with_capacity(permissions.len());
    for (i, p) in permissions.iter().enumerate() {
        if !PERMISSIONS.contains(&p.as_str()) {
            return Err(Error::invalid_input(format!(
                "`permissions[{i}]` is '{}', which is not a Daytona permission; valid: {}",
                scrub(p, &[]),
                PERMISSIONS.join(", ")
            ))
            .with_hint(
                "valid permissions are listed above; reading sandboxes needs none of them",
            ));
        }
        if !out.contains(p) {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Check the name of a key to create: 1-255 characters, no control characters,
/// no `/`, no surrounding spaces; not `current` (that path is the current-key
/// route). Names reserved for ephemeral keys are policy, checked in
/// the ephemeral-key policy (`keys::name::check_not_reserved`).
pub fn validate_new_name(name: &str) -> Result<(), Error> {
    require_name("name", name)?;
    let shown = scrub(name, &[]);
    if name.chars().count() > MAX_NAME || name.contains('/') || name.trim() != name {
        return Err(Error::invalid_input(format!(
            "`name` '{shown}' must be 1-{MAX_NAME} characters without '/' or surrounding spaces"
        )));
    }
    if name == "current" {
        return Err(Error::invalid_input(
            "`name` must not be 'current': Daytona serves the current key at /api-keys/current, so such a key could not be read back",
        ));
    }
    Ok(())
}

/// Parse an optional RFC 3339 expiry, refuse one not in the future, and give it
/// back in UTC as Daytona writes it.
pub fn normalize_expiry(
    expires_at: Option<&str>,
    now_millis: u64,
) -> Result<Option<String>, Error> {
    let Some(text) = expires_at else {
        return Ok(None);
    };
    let at = time::parse(text.trim()).map_err(|why| {
        Error::invalid_input(format!(
            "`expiresAt` '{}' is not an RFC 3339 time: {why}",
            scrub(text, &[])
        ))
        .with_hint(
            "write it like 2030-01-01T00:00:00Z, or leave it out for a key that never expires",
        )
    })?;
    if at <= now_millis.min(i64::MAX as u64) as i64 {
        return Err(Error::invalid_input(format!(
            "`expiresAt` {} is not in the future",
            time::format_millis(at)
        )));
    }
    Ok(Some(time::format_millis(at)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const NOW: u64 = 1_893_456_000_000; // 2030-01-01T00:00:00Z

    #[test]
    fn permissions_must_be_daytonas_and_at_least_one() {
        let err = validate_permissions(&["write:everything".into()]).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(err.message.contains("permissions[0]") && err.message.contains("write:sandboxes"));
        let err = validate_permissions(&[]).unwrap_err();
        assert!(err.message.contains("at least one"), "{}", err.message);
        let ok = validate_permissions(&[
            "write:sandboxes".into(),
            "write:sandboxes".into(),
            "read:volumes".into(),
        ]);
        assert_eq!(ok.unwrap(), ["write:sandboxes", "read:volumes"]);
    }

    #[test]
    fn names_daytona_or_our_routes_cannot_handle_are_refused() {
        for bad in [
            "",
            "   ",
            "a/b",
            " padded",
            "padded ",
            "current",
            "tab\there",
            &"x".repeat(256),
        ] {
            assert_eq!(
                validate_new_name(bad).unwrap_err().kind,
                ErrorKind::InvalidInput,
                "{bad}"
            );
        }
        assert!(validate_new_name("My API Key").is_ok());
    }

    #[test]
    fn expiry_is_rfc3339_in_the_future_and_normalised_to_utc() {
        assert_eq!(normalize_expiry(None, NOW).unwrap(), None);
        assert_eq!(
            normalize_expiry(Some("2030-01-01T03:00:00+02:00"), NOW)
                .unwrap()
                .as_deref(),
            Some("2030-01-01T01:00:00.000Z")
        );
        for bad in [
            "tomorrow",
            "2030-01-01",
            "2029-12-31T23:59:59Z",
            "2030-01-01T00:00:00Z",
        ] {
            let err = normalize_expiry(Some(bad), NOW).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad}");
            assert!(err.message.contains("expiresAt"), "{}", err.message);
        }
    }
}
