//! The least-privilege step: a short-lived read-only key minted for an agent,
//! refused a create, revoked, then refused a read.

use anyhow::Result;
use serde_json::json;

use super::story::{Refused, Shows, Story, field};
use crate::CallConfig;
use crate::emulator::Emulator;

/// Mint a read-only key, use it, revoke it; the key's value (a secret).
pub(super) async fn mint_refuse_revoke(
    s: &mut Story<'_>,
    emu: &Emulator,
    cfg: &CallConfig,
) -> Result<String> {
    let admin = cfg
        .clone()
        .env("DAYTONA_JWT_TOKEN", emu.jwt())
        .env("DAYTONA_ORGANIZATION_ID", emu.organization_id());
    let mint = json!({ "scope": "daytona:workspaces:read", "ttl": "10m", "holder": "demo-agent" });
    let minted = s
        .steps(
            &admin,
            vec![(
                "mint a read-only key",
                "mint_ephemeral_key",
                mint,
                Shows(|v| {
                    format!(
                        "daytona:workspaces:read = {}, 10 min, value not shown",
                        v["permissions"]
                    )
                }),
            )],
        )
        .await?
        .remove(0);
    let value = field(&minted, "value").to_string();
    let agent = CallConfig::default()
        .env("DAYTONA_API_URL", emu.api_url())
        .env("DAYTONA_API_KEY", value.clone())
        .allow(emu.addr().to_string());
    s.steps(
        &agent,
        vec![
            (
                "the agent reads with it",
                "list_sandboxes",
                json!({}),
                Shows(|v| {
                    format!(
                        "{} sandbox(es)",
                        v["sandboxes"].as_array().map_or(0, Vec::len)
                    )
                }),
            ),
            (
                "the agent tries a create",
                "create_sandbox",
                json!({ "name": "agent-box" }),
                Refused("forbidden"),
            ),
        ],
    )
    .await?;
    let revoke = json!({ "name": field(&minted, "name") });
    s.steps(
        &admin,
        vec![(
            "revoke the key",
            "revoke_ephemeral_key",
            revoke,
            Shows(|_| "key revoked".into()),
        )],
    )
    .await?;
    s.steps(
        &agent,
        vec![(
            "the revoked key reads",
            "list_sandboxes",
            json!({}),
            Refused("unauthorized"),
        )],
    )
    .await?;
    Ok(value)
}
