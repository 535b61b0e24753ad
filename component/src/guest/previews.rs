//! The `previews` interface: each function's arguments converted into the
//! tool's own arguments type and run through [`invoke`], as `call-tool` runs them.

use super::{Component, with_client};
use crate::bindings::exports::daytona::tools::previews as wit_previews;
use crate::bindings::exports::daytona::tools::types as wit;
use daytona_core::catalog::invoke;
use daytona_core::catalog::preview_tools::{ExpirePreviewUrl, GetPreviewUrl};

impl wit_previews::Guest for Component {
    fn get_preview_url(
        sandbox: String,
        port: u16,
        signed: Option<bool>,
        expires_in_seconds: Option<u32>,
    ) -> Result<wit_previews::PreviewUrl, wit::Error> {
        let args = GetPreviewUrl {
            sandbox,
            port: Some(u32::from(port)),
            signed,
            expires_in_seconds,
        };
        with_client(|c| invoke(c, args)).map(|p| wit_previews::PreviewUrl {
            sandbox_id: p.sandbox_id,
            port: p.port,
            url: p.url.expose().to_string(),
            token: p.token.expose().to_string(),
            signed: p.signed,
            expires_at: p.expires_at,
            header: p.header,
            note: p.note,
        })
    }

    fn expire_preview_url(sandbox: String, port: u16, token: String) -> Result<(), wit::Error> {
        let args = ExpirePreviewUrl {
            sandbox,
            port: Some(u32::from(port)),
            token,
        };
        with_client(|c| invoke(c, args)).map(|_| ())
    }
}
