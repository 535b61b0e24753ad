//! [`EmulatorOptions`]: how the emulated server behaves (a leaf the state holds).

use std::time::Duration;

/// How the emulated server behaves. `Default` is today's Daytona with instant transitions.
#[derive(Clone, Debug)]
pub struct EmulatorOptions {
    /// How long each transitional state (`creating`, `starting`, `stopping`, `archiving`,
    /// `restoring`, `destroying`) lasts on the emulator clock. Zero: actions answer with the
    /// settled state directly (a create returns `started`), and a deleted sandbox is gone
    /// (404) at once.
    pub transition_delay: Duration,
    /// Server-side maximum page size for `GET /sandbox` and `GET /snapshots`, so paging over
    /// several pages can be tested with a few items. `None`: only the API's own 1..=200.
    pub page_size_cap: Option<usize>,
    /// Sandboxes carry `toolboxProxyUrl` and the proxy route is served. `false` emulates a
    /// server from before the toolbox proxy: the field is absent, the proxy route and
    /// `GET /sandbox/{id}/toolbox-proxy-url` answer 404; only the legacy route executes.
    pub toolbox_proxy: bool,
    /// Sandboxes carry `toolboxProxyUrl` but the proxy answers 404 (to test a client's
    /// fallback to the legacy route).
    pub toolbox_proxy_404: bool,
    /// Accept API keys on the key-management routes, as servers before April 2026 did.
    pub allow_api_key_management: bool,
    /// Answer execute with `{code, result}` instead of `{exitCode, result}`, as older
    /// daemons did.
    pub legacy_exec_code_field: bool,
    /// The `toolboxProxyUrl` sandboxes carry instead of this emulator's own (a tampered
    /// or misconfigured answer pointing elsewhere).
    pub toolbox_url_override: Option<String>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            transition_delay: Duration::ZERO,
            page_size_cap: None,
            toolbox_proxy: true,
            toolbox_proxy_404: false,
            allow_api_key_management: false,
            legacy_exec_code_field: false,
            toolbox_url_override: None,
        }
    }
}
