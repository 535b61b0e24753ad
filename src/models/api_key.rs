//! The API-key resource: `ApiKeyResponse` (the create answer, with the full
//! value) and `ApiKeyList` (list, get and current, with a masked value) read
//! into one type, and the `CreateApiKey` request body.

use crate::secret::Secret;
use crate::wire::{Cx, Wire, opt, or_null, required, wire};
use serde::Serialize;

/// An API key as Daytona answers it, and as the key tools return it (Daytona's
/// camelCase names). The value stays a [`Secret`] in memory; serialising is the
/// one place it is shown, which is why only a create answer may be serialised
/// with a full value (list, get and current carry Daytona's masked one).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// The name (unique per user).
    pub name: String,
    /// The value: in full only in a create answer, masked otherwise.
    #[serde(serialize_with = "crate::secret::reveal")]
    pub value: Secret,
    /// Permissions granted.
    pub permissions: Vec<String>,
    /// Created, RFC 3339.
    pub created_at: String,
    /// Expires, RFC 3339; none for a key that never expires.
    pub expires_at: Option<String>,
    /// Last used, RFC 3339, when reported.
    pub last_used_at: Option<String>,
    /// The owning user, when reported.
    pub user_id: Option<String>,
    /// The organization, when reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
}

// Only the name is required; the value may be absent or null (then empty).
wire!(ApiKey {
    name: "name" => required,
    value: "value" => or_null,
    permissions: "permissions" => or_null,
    created_at: "createdAt" => or_null,
    expires_at: "expiresAt" => opt,
    last_used_at: "lastUsedAt" => opt,
    user_id: "userId" => opt,
    organization_id: "organizationId" => opt,
});

/// `POST /api-keys` body.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateApiKey {
    /// The name.
    pub name: String,
    /// Permissions, from Daytona's enum.
    pub permissions: Vec<String>,
    /// Expiry, RFC 3339; omitted for a key that never expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// `GET /api-keys`: a plain array today; an `{items}` page is accepted too.
/// Read like [`super::CursorPage`], so a key that does not fit is reported where it is.
#[derive(Debug)]
pub enum ApiKeyListAnswer {
    /// The documented shape.
    All(Vec<ApiKey>),
    /// A paged shape, should Daytona move to one.
    Page {
        /// The keys.
        items: Vec<ApiKey>,
    },
}

impl Default for ApiKeyListAnswer {
    fn default() -> Self {
        ApiKeyListAnswer::All(Vec::new())
    }
}

impl Wire for ApiKeyListAnswer {
    fn read(value: serde_json::Value, cx: &mut Cx) -> Self {
        match super::CursorPage::read(value, cx) {
            super::CursorPage::All(keys) => ApiKeyListAnswer::All(keys),
            super::CursorPage::Cursor { items, .. } => ApiKeyListAnswer::Page { items },
        }
    }
}

impl ApiKeyListAnswer {
    /// The keys.
    pub fn into_keys(self) -> Vec<ApiKey> {
        match self {
            ApiKeyListAnswer::All(keys) | ApiKeyListAnswer::Page { items: keys } => keys,
        }
    }
}

/// Mask a value that should already be masked but does not look it (no `*`):
/// keep at most 3 characters at each end of a long value, nothing of a short one.
pub fn mask(value: &str) -> String {
    if value.is_empty() || value.contains('*') {
        return value.to_string();
    }
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 16 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 3..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 6))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::from_str;

    #[test]
    fn list_entries_parse_with_nulls_and_unknown_fields() {
        let json = r#"{"name":"ci","value":"dtn_****abc","createdAt":"2026-01-01T00:00:00.000Z",
            "permissions":["write:sandboxes"],"lastUsedAt":null,"expiresAt":null,"userId":"u1","kind":"new"}"#;
        let key: ApiKey = from_str(json).unwrap();
        assert_eq!(key.name, "ci");
        assert_eq!(key.value.expose(), "dtn_****abc");
        assert_eq!(key.user_id.as_deref(), Some("u1"));
        assert_eq!(key.expires_at, None);
        let bare: ApiKey = from_str(r#"{"name":"x","permissions":null,"createdAt":null}"#).unwrap();
        assert!(bare.permissions.is_empty() && bare.value.expose().is_empty());
        let nameless = from_str::<ApiKey>(r#"{"value":"v"}"#).unwrap_err();
        assert!(nameless.message.contains("`name`: missing"), "{nameless}");
    }

    #[test]
    fn debug_never_shows_the_value_but_serialising_does() {
        let json = r#"{"name":"n","value":"dtn_fullsecretvalue","createdAt":"t","permissions":[],"expiresAt":null}"#;
        let key: ApiKey = from_str(json).unwrap();
        assert!(!format!("{key:?}").contains("fullsecretvalue"));
        let out = serde_json::to_value(&key).unwrap();
        assert_eq!(out["value"], "dtn_fullsecretvalue");
        assert!(out.get("organizationId").is_none());
        assert!(out["lastUsedAt"].is_null());
    }

    #[test]
    fn create_body_omits_a_missing_expiry() {
        let body = CreateApiKey {
            name: "n".into(),
            permissions: vec![],
            expires_at: None,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"name":"n","permissions":[]}"#
        );
    }

    #[test]
    fn list_answer_accepts_array_and_items_page() {
        let a: ApiKeyListAnswer = from_str(r#"[{"name":"a"}]"#).unwrap();
        let b: ApiKeyListAnswer = from_str(r#"{"items":[{"name":"b"}]}"#).unwrap();
        assert_eq!(a.into_keys()[0].name, "a");
        assert_eq!(b.into_keys()[0].name, "b");
    }

    #[test]
    fn unmasked_values_are_masked_and_masked_ones_kept() {
        assert_eq!(
            mask("bb_********************def"),
            "bb_********************def"
        );
        let full = format!("dtn_{}", "a".repeat(64));
        let masked = mask(&full);
        assert!(
            masked.starts_with("dtn")
                && masked.ends_with("aaa")
                && !masked.contains(&"a".repeat(4))
        );
        assert_eq!(mask("short"), "*****");
        assert_eq!(mask(""), "");
    }
}
