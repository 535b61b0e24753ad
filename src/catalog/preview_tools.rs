//! The preview tools: URLs that reach an HTTP server listening on a port of a
//! sandbox, and ending a signed one early.

use super::Context;
use super::contract::{Contract, arguments};
use super::{About, Hints, Ty, schemas};
use crate::api::preview::{self, Expired, Preview};
use crate::error::Error;
use crate::http::Transport;

const STRING: Ty = Ty::String { min_len: 1 };

const SANDBOX: &str = "The sandbox's ID or name (see list_sandboxes).";

const PORT: Ty = Ty::Integer {
    min: 1,
    max: preview::MAX_PORT as i64,
};

arguments! {
    /// `get_preview_url`.
    pub struct GetPreviewUrl {
        sandbox: String = "sandbox", STRING => SANDBOX;
        port: Option<u32> = "port" required, PORT =>
            "The port the sandbox's HTTP server listens on, 1 to 65535, e.g. 3000.";
        signed: Option<bool> = "signed", Ty::Boolean =>
            "true (default): a URL with its own short-lived token, usable as is. false: the plain URL plus the sandbox's \
preview token, to send as header X-Daytona-Preview-Token: a long-lived credential for every port of the sandbox.";
        expires_in_seconds: Option<u32> = "expiresInSeconds",
            Ty::Integer { min: 1, max: preview::MAX_EXPIRY_SECS as i64 } =>
            "Seconds the signed URL works, 1 to 86400 (default 300); only with signed URLs.";
    }
}

impl Contract for GetPreviewUrl {
    const ABOUT: About = About {
        name: "get_preview_url",
        title: "Get a preview URL",
        description: "Get a URL that reaches an HTTP server listening on a port of a Daytona sandbox (a web app or API started there). \
By default a signed URL: its token is in the URL, so anyone holding it can reach that port until `expiresAt` \
(default 5 minutes: enough to open it from a chat, soon useless if it leaks; up to 86400 s with expiresInSeconds). \
Each call creates a new token; expire_preview_url ends one early. A browser that opened it keeps access for up to an hour through Daytona's proxy cookie. \
signed: false instead returns the sandbox's preview token, to send as header X-Daytona-Preview-Token: a long-lived credential for every port \
of a private sandbox that does not expire, so prefer signed URLs. The sandbox must be started for the URL to answer.",
        hints: Hints::CREATE,
        output: Some(schemas::preview_url),
    };
    type Output = Preview;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Preview, Error> {
        preview::get(
            client,
            &self.sandbox,
            self.port.unwrap_or_default(),
            self.signed,
            self.expires_in_seconds,
        )
    }
}

arguments! {
    /// `expire_preview_url`.
    pub struct ExpirePreviewUrl {
        sandbox: String = "sandbox", STRING => SANDBOX;
        port: Option<u32> = "port" required, PORT => "The port the signed URL was made for.";
        token: String = "token", STRING => "The `token` get_preview_url returned with the signed URL (not the URL).";
    }
}

impl Contract for ExpirePreviewUrl {
    const ABOUT: About = About {
        name: "expire_preview_url",
        title: "Expire a signed preview URL",
        description: "Make a signed preview URL from get_preview_url stop working at once, before its expiry: new requests through it are refused. \
Give the sandbox, the port and the `token` it was returned with. Daytona reports success whether or not the token existed or was for that port, \
so pass the port the URL was made for; expiring again changes nothing. A browser that already opened the URL may keep access through Daytona's \
proxy cookie for up to an hour. The sandbox's own preview token (signed: false) cannot be expired this way.",
        hints: Hints::DELETE,
        output: Some(schemas::preview_expired),
    };
    type Output = Expired;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Expired, Error> {
        preview::expire(
            client,
            &self.sandbox,
            self.port.unwrap_or_default(),
            &self.token,
        )
    }
}
