//! Scopes, as Creddy's Daytona plugin names them, and the exact Daytona
//! permissions each one maps to. The permission set is a function of the scope
//! alone: nothing a caller passes can widen it.
//!
//! | scope                     | permissions                                                    | organization |
//! |---------------------------|----------------------------------------------------------------|--------------|
//! | `daytona:workspaces:read` | `read:volumes` (see below)                                     | configured   |
//! | `daytona:workspaces`      | `write:sandboxes`, `delete:sandboxes`                          | configured   |
//! | `daytona`                 | `write:sandboxes`, `delete:sandboxes`, `write:snapshots`, `delete:snapshots`, `read:volumes`, `write:volumes`, `delete:volumes` | configured |
//! | `daytona:org:<id>`        | `write:sandboxes`, `delete:sandboxes`                          | `<id>`       |
//!
//! Listing and reading sandboxes needs no permission, so the read scope should
//! carry none; but Daytona refuses to create a key without at least one
//! (`CreateApiKey.permissions` is `@ArrayNotEmpty`, 400 "permissions should not
//! be empty"). It therefore carries the one permission that changes nothing and
//! discloses least: `read:volumes` (view volumes). It grants no sandbox,
//! snapshot, registry or volume change.
//!
//! `daytona` deliberately leaves out registries, regions, runners and audit
//! logs: they administer the organization rather than use sandboxes.

use crate::error::Error;

/// The scope used when none is given.
pub const DEFAULT_SCOPE: &str = "daytona:workspaces";

/// Every scope form, for messages and tool descriptions.
pub const SCOPES: &[&str] = &[
    "daytona:workspaces:read",
    "daytona:workspaces",
    "daytona",
    "daytona:org:<id>",
];

/// Reading sandboxes needs no permission, but Daytona requires one: the
/// read-only permission that discloses least.
const WORKSPACES_READ: &[&str] = &["read:volumes"];
/// Create, start, stop and delete sandboxes.
const WORKSPACES: &[&str] = &["write:sandboxes", "delete:sandboxes"];
/// Sandboxes, snapshots and volumes.
const FULL: &[&str] = &[
    "write:sandboxes",
    "delete:sandboxes",
    "write:snapshots",
    "delete:snapshots",
    "read:volumes",
    "write:volumes",
    "delete:volumes",
];

/// Longest organization ID accepted in `daytona:org:<id>`.
const MAX_ORG_ID: usize = 128;

/// A parsed scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `daytona:workspaces:read`.
    WorkspacesRead,
    /// `daytona:workspaces`.
    Workspaces,
    /// `daytona`.
    Full,
    /// `daytona:org:<id>`: the workspaces permissions in organization `<id>`.
    Org(String),
}

impl Scope {
    /// Parse a scope; `None` is [`DEFAULT_SCOPE`]. Unknown scopes are `invalid-input`.
    pub fn parse(scope: Option<&str>) -> Result<Scope, Error> {
        let text = scope.unwrap_or(DEFAULT_SCOPE);
        match text {
            "daytona:workspaces:read" => Ok(Scope::WorkspacesRead),
            "daytona:workspaces" => Ok(Scope::Workspaces),
            "daytona" => Ok(Scope::Full),
            _ => match text.strip_prefix("daytona:org:") {
                Some(id) if is_org_id(id) => Ok(Scope::Org(id.to_string())),
                Some(_) => Err(Error::invalid_input(format!(
                    "`scope` names organization '{}', which is not an organization ID \
                     (1-{MAX_ORG_ID} letters, digits, '-', '_' or '.')",
                    crate::error::scrub(text.trim_start_matches("daytona:org:"), &[])
                ))
                .with_hint(
                    "use daytona:org:<organization ID>, e.g. the value of DAYTONA_ORGANIZATION_ID",
                )),
                None => Err(Error::invalid_input(format!(
                    "`scope` '{}' is not a known scope; valid scopes: {}",
                    crate::error::scrub(text, &[]),
                    SCOPES.join(", ")
                ))
                .with_hint(format!(
                    "leave `scope` out for the default, {DEFAULT_SCOPE}"
                ))),
            },
        }
    }

    /// The Daytona permissions this scope grants, exactly.
    pub fn permissions(&self) -> &'static [&'static str] {
        match self {
            Scope::WorkspacesRead => WORKSPACES_READ,
            Scope::Workspaces | Scope::Org(_) => WORKSPACES,
            Scope::Full => FULL,
        }
    }

    /// The organization the key must be created in, when the scope names one.
    pub fn organization(&self) -> Option<&str> {
        match self {
            Scope::Org(id) => Some(id),
            _ => None,
        }
    }

    /// Refuse an organization the configuration does not name (when it names one).
    pub fn check_organization(&self, configured: Option<&str>) -> Result<(), Error> {
        match (self.organization(), configured) {
            (Some(wanted), Some(configured)) if wanted != configured => Err(Error::invalid_input(
                format!(
                    "`scope` asks for organization '{wanted}', but this component is configured for \
                     organization '{configured}' only"
                ),
            )
            .with_hint(format!(
                "use daytona:org:{configured}, or a scope without an organization"
            ))),
            _ => Ok(()),
        }
    }

    /// The scope's canonical text.
    pub fn as_string(&self) -> String {
        match self {
            Scope::WorkspacesRead => "daytona:workspaces:read".into(),
            Scope::Workspaces => "daytona:workspaces".into(),
            Scope::Full => "daytona".into(),
            Scope::Org(id) => format!("daytona:org:{id}"),
        }
    }
}

fn is_org_id(id: &str) -> bool {
    (1..=MAX_ORG_ID).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::api_keys::PERMISSIONS;
    use crate::error::ErrorKind;

    fn perms(scope: &str) -> Vec<&'static str> {
        Scope::parse(Some(scope)).unwrap().permissions().to_vec()
    }

    #[test]
    fn each_scope_maps_to_exactly_its_permissions() {
        assert_eq!(perms("daytona:workspaces:read"), ["read:volumes"]);
        assert_eq!(
            perms("daytona:workspaces"),
            ["write:sandboxes", "delete:sandboxes"]
        );
        assert_eq!(
            perms("daytona"),
            [
                "write:sandboxes",
                "delete:sandboxes",
                "write:snapshots",
                "delete:snapshots",
                "read:volumes",
                "write:volumes",
                "delete:volumes"
            ]
        );
        assert_eq!(
            perms("daytona:org:org-1"),
            ["write:sandboxes", "delete:sandboxes"]
        );
    }

    #[test]
    fn no_scope_is_the_workspaces_default() {
        assert_eq!(Scope::parse(None).unwrap(), Scope::Workspaces);
    }

    #[test]
    fn every_mapped_permission_is_in_daytonas_enum() {
        for p in FULL.iter().chain(WORKSPACES).chain(WORKSPACES_READ) {
            assert!(PERMISSIONS.contains(p), "{p}");
        }
    }

    #[test]
    fn org_scope_carries_its_organization_and_round_trips() {
        let scope = Scope::parse(Some("daytona:org:3f2a-b_c.d")).unwrap();
        assert_eq!(scope.organization(), Some("3f2a-b_c.d"));
        assert_eq!(scope.as_string(), "daytona:org:3f2a-b_c.d");
        for s in ["daytona", "daytona:workspaces", "daytona:workspaces:read"] {
            assert_eq!(Scope::parse(Some(s)).unwrap().as_string(), s);
        }
    }

    #[test]
    fn unknown_scopes_and_bad_org_ids_are_invalid_input() {
        for bad in [
            "",
            "daytona:*",
            "Daytona",
            "daytona:workspaces:write",
            " daytona",
            "daytona:org:",
            "daytona:org:*",
            "daytona:org:a b",
            "daytona:org:a\nb",
        ] {
            let err = Scope::parse(Some(bad)).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad}");
        }
        let err = Scope::parse(Some("admin")).unwrap_err();
        assert!(
            err.message.contains("daytona:workspaces:read"),
            "{}",
            err.message
        );
    }

    #[test]
    fn an_org_other_than_the_configured_one_is_refused() {
        let scope = Scope::parse(Some("daytona:org:other")).unwrap();
        assert_eq!(
            scope.check_organization(Some("mine")).unwrap_err().kind,
            ErrorKind::InvalidInput
        );
        assert!(scope.check_organization(None).is_ok());
        assert!(
            Scope::parse(Some("daytona:org:mine"))
                .unwrap()
                .check_organization(Some("mine"))
                .is_ok()
        );
        assert!(Scope::Workspaces.check_organization(Some("mine")).is_ok());
    }
}
