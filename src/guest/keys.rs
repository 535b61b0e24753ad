//! The `api-keys` and `ephemeral-keys` interfaces.

use super::{Component, not_yet};
use crate::bindings::exports::daytona::tools::types as wit;
use crate::bindings::exports::daytona::tools::{api_keys, ephemeral_keys};

impl api_keys::Guest for Component {
    fn create_api_key(
        _name: String,
        _permissions: Vec<String>,
        _expires_at: Option<String>,
    ) -> Result<wit::ApiKey, wit::Error> {
        not_yet("create-api-key")
    }
    fn list_api_keys() -> Result<Vec<wit::ApiKey>, wit::Error> {
        not_yet("list-api-keys")
    }
    fn get_current_api_key() -> Result<wit::ApiKey, wit::Error> {
        not_yet("get-current-api-key")
    }
    fn get_api_key(_name: String) -> Result<wit::ApiKey, wit::Error> {
        not_yet("get-api-key")
    }
    fn delete_api_key(_name: String) -> Result<(), wit::Error> {
        not_yet("delete-api-key")
    }
    fn delete_api_key_for_user(_user_id: String, _name: String) -> Result<(), wit::Error> {
        not_yet("delete-api-key-for-user")
    }
}

impl ephemeral_keys::Guest for Component {
    fn mint_ephemeral_key(
        _scope: Option<String>,
        _ttl_seconds: Option<u32>,
        _holder: Option<String>,
    ) -> Result<ephemeral_keys::MintedKey, wit::Error> {
        not_yet("mint-ephemeral-key")
    }
    fn revoke_ephemeral_key(_name: String) -> Result<(), wit::Error> {
        not_yet("revoke-ephemeral-key")
    }
    fn list_ephemeral_keys() -> Result<Vec<ephemeral_keys::EphemeralKey>, wit::Error> {
        not_yet("list-ephemeral-keys")
    }
    fn revoke_expired_keys() -> Result<ephemeral_keys::SweepReport, wit::Error> {
        not_yet("revoke-expired-keys")
    }
}

