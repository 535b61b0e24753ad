//! The `api-keys` and `ephemeral-keys` interfaces: each function's arguments
//! as the tool's own arguments type, run through [`invoke`] as `call-tool`
//! runs them, and the results converted to the WIT types.

use super::{Component, to_wit_error, with_client};
use crate::bindings::exports::daytona::tools::types as wit;
use crate::bindings::exports::daytona::tools::{api_keys, ephemeral_keys};
use daytona_core::catalog::ephemeral_tools::{
    ListEphemeralKeys, MintEphemeralKey, RevokeEphemeralKey, RevokeExpiredKeys,
};
use daytona_core::catalog::invoke;
use daytona_core::catalog::key_tools::{
    CreateApiKey, DeleteApiKey, DeleteApiKeyForUser, GetApiKey, GetCurrentApiKey, ListApiKeys,
};
use daytona_core::keys::{EphemeralKey, MintedKey};
use daytona_core::models::ApiKey;

fn to_wit_api_key(k: ApiKey) -> wit::ApiKey {
    wit::ApiKey {
        name: k.name,
        // Full only in a create answer; `api::api_keys` masks every other.
        value: k.value.expose().to_string(),
        permissions: k.permissions,
        created_at: k.created_at,
        expires_at: k.expires_at,
        last_used_at: k.last_used_at,
        user_id: k.user_id,
    }
}

impl api_keys::Guest for Component {
    fn create_api_key(
        name: String,
        permissions: Vec<String>,
        expires_at: Option<String>,
    ) -> Result<wit::ApiKey, wit::Error> {
        let args = CreateApiKey {
            name,
            permissions,
            expires_at,
        };
        with_client(|c| invoke(c, args)).map(to_wit_api_key)
    }

    fn list_api_keys() -> Result<Vec<wit::ApiKey>, wit::Error> {
        with_client(|c| invoke(c, ListApiKeys {}))
            .map(|keys| keys.into_iter().map(to_wit_api_key).collect())
    }

    fn get_current_api_key() -> Result<wit::ApiKey, wit::Error> {
        with_client(|c| invoke(c, GetCurrentApiKey {})).map(to_wit_api_key)
    }

    fn get_api_key(name: String) -> Result<wit::ApiKey, wit::Error> {
        with_client(|c| invoke(c, GetApiKey { name })).map(to_wit_api_key)
    }

    fn delete_api_key(name: String) -> Result<(), wit::Error> {
        with_client(|c| invoke(c, DeleteApiKey { name })).map(|_| ())
    }

    fn delete_api_key_for_user(user_id: String, name: String) -> Result<(), wit::Error> {
        with_client(|c| invoke(c, DeleteApiKeyForUser { user_id, name })).map(|_| ())
    }
}

fn to_wit_minted(k: MintedKey) -> ephemeral_keys::MintedKey {
    ephemeral_keys::MintedKey {
        name: k.name,
        // The one place a minted value leaves its `Secret` on this interface.
        value: k.value.expose().to_string(),
        scope: k.scope,
        permissions: k.permissions,
        expires_at: k.expires_at,
        holder: k.holder,
    }
}

fn to_wit_ephemeral(k: EphemeralKey) -> ephemeral_keys::EphemeralKey {
    ephemeral_keys::EphemeralKey {
        name: k.name,
        holder: k.holder,
        permissions: k.permissions,
        expires_at: k.expires_at,
        expired: k.expired,
    }
}

impl ephemeral_keys::Guest for Component {
    fn mint_ephemeral_key(
        scope: Option<String>,
        ttl_seconds: Option<u32>,
        holder: Option<String>,
    ) -> Result<ephemeral_keys::MintedKey, wit::Error> {
        let args = MintEphemeralKey {
            scope,
            ttl: ttl_seconds.map(u64::from),
            holder,
        };
        with_client(|c| invoke(c, args)).map(to_wit_minted)
    }

    fn revoke_ephemeral_key(name: String) -> Result<(), wit::Error> {
        with_client(|c| invoke(c, RevokeEphemeralKey { name })).map(|_| ())
    }

    fn list_ephemeral_keys() -> Result<Vec<ephemeral_keys::EphemeralKey>, wit::Error> {
        with_client(|c| invoke(c, ListEphemeralKeys {}))
            .map(|list| list.into_iter().map(to_wit_ephemeral).collect())
    }

    fn revoke_expired_keys() -> Result<ephemeral_keys::SweepReport, wit::Error> {
        with_client(|c| invoke(c, RevokeExpiredKeys {})).map(|report| ephemeral_keys::SweepReport {
            revoked: report.revoked,
            failed: report
                .failed
                .into_iter()
                .map(|f| ephemeral_keys::SweepFailure {
                    name: f.name,
                    error: to_wit_error(f.error),
                })
                .collect(),
        })
    }
}
