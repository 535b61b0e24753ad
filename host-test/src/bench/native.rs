//! The native contender: plain Rust making the requests the component makes
//! for each bench operation (same methods, paths, queries, headers and
//! bodies; a test compares the emulator's logs), over a kept-alive hyper-util
//! client, with the answers parsed into JSON values.

use anyhow::{Context, Result, bail};
use daytona_tools::http::encode_component;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

use super::{FILE, Op, SANDBOX};

/// The component's page size when listing (Daytona's largest).
const PAGE: u32 = 200;
/// The component's default command timeout, seconds.
const EXECUTE_TIMEOUT: u32 = daytona_tools::api::execute::DEFAULT_TIMEOUT_SECS;

/// A Daytona client for the four bench operations.
pub struct Native {
    client: Client<HttpConnector, Full<Bytes>>,
    api: String,
    key: String,
}

impl Native {
    /// A client of the API at `api_url` (`http://host:port/api`) with this key.
    pub fn new(api_url: &str, api_key: &str) -> Native {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Native {
            client: Client::builder(TokioExecutor::new()).build(connector),
            api: api_url.trim_end_matches('/').to_string(),
            key: api_key.to_string(),
        }
    }

    async fn send(&self, method: &str, url: &str, body: Option<&Value>) -> Result<Bytes> {
        let mut req = hyper::Request::builder()
            .method(method)
            .uri(url)
            .header("authorization", format!("Bearer {}", self.key))
            .header("x-daytona-source", "daytona-tools");
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        let req = req
            .header("accept", "application/json")
            .body(Full::new(match body {
                Some(b) => Bytes::from(serde_json::to_vec(b)?),
                None => Bytes::new(),
            }))?;
        let resp = self.client.request(req).await?;
        let status = resp.status();
        let bytes = resp.into_body().collect().await?.to_bytes();
        if !status.is_success() {
            bail!("{method} {url}: HTTP {status}");
        }
        Ok(bytes)
    }

    async fn json(&self, method: &str, url: &str, body: Option<&Value>) -> Result<Value> {
        Ok(serde_json::from_slice(
            &self.send(method, url, body).await?,
        )?)
    }

    /// One bench operation, as the component is asked it ([`Op::arguments`]).
    pub async fn run(&self, op: Op) -> Result<()> {
        match op {
            Op::Get => drop(self.get_sandbox(SANDBOX).await?),
            Op::List => drop(self.list_sandboxes().await?),
            Op::Execute => drop(self.execute(SANDBOX, "echo hi").await?),
            Op::Read => drop(self.read_file(SANDBOX, FILE.0).await?),
        }
        Ok(())
    }

    /// `GET /sandbox/{sandbox}`.
    pub async fn get_sandbox(&self, sandbox: &str) -> Result<Value> {
        let url = format!("{}/sandbox/{}", self.api, encode_component(sandbox));
        self.json("GET", &url, None).await
    }

    /// Every sandbox, following `nextCursor` from page to page.
    pub async fn list_sandboxes(&self) -> Result<Vec<Value>> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut url = format!("{}/sandbox?limit={PAGE}", self.api);
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={}", encode_component(c)));
            }
            let mut page = self.json("GET", &url, None).await?;
            let items = page["items"].take();
            let items = items.as_array().context("a page without items")?;
            all.extend(items.iter().cloned());
            match page["nextCursor"].as_str() {
                Some(next) if !items.is_empty() => cursor = Some(next.to_string()),
                _ => return Ok(all),
            }
        }
    }

    /// The toolbox base of a started sandbox: `{toolboxProxyUrl}/{id}`.
    async fn toolbox(&self, sandbox: &str) -> Result<String> {
        let s = self.get_sandbox(sandbox).await?;
        if s["state"] != "started" {
            bail!("sandbox {sandbox} is {}", s["state"]);
        }
        let proxy = s["toolboxProxyUrl"]
            .as_str()
            .context("no toolboxProxyUrl")?;
        let id = s["id"].as_str().context("no id")?;
        Ok(format!(
            "{}/{}",
            proxy.trim_end_matches('/'),
            encode_component(id)
        ))
    }

    /// Run `command` in the sandbox: its exit code and output.
    pub async fn execute(&self, sandbox: &str, command: &str) -> Result<Value> {
        let base = self.toolbox(sandbox).await?;
        let body = json!({ "command": command, "timeout": EXECUTE_TIMEOUT });
        self.json("POST", &format!("{base}/process/execute"), Some(&body))
            .await
    }

    /// A text file's content.
    pub async fn read_file(&self, sandbox: &str, path: &str) -> Result<String> {
        let base = self.toolbox(sandbox).await?;
        let url = format!("{base}/files/download?path={}", encode_component(path));
        let bytes = self.send("GET", &url, None).await?;
        Ok(String::from_utf8(bytes.to_vec())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::RecordedRequest;
    use crate::harness::Harness;

    /// What identifies a request on the wire: method, target, headers (sorted), body.
    type Shape = (String, String, Vec<(String, String)>, Vec<u8>);

    fn shapes(log: Vec<RecordedRequest>) -> Vec<Shape> {
        log.into_iter()
            .map(|r| {
                let mut headers = r.headers;
                headers.sort();
                (r.method, r.path, headers, r.body)
            })
            .collect()
    }

    /// The native contender sends exactly the component's requests for every
    /// operation (else the bench would compare different work).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn native_requests_are_the_components() {
        let emu = super::super::seeded_emulator().await.unwrap();
        let config = super::super::emulator_config(&emu);
        let native = Native::new(&emu.api_url(), &emu.api_key());
        for op in Op::ALL {
            emu.clear_requests();
            let mut instance = Harness::shared().instance(&config).await.unwrap();
            super::super::component_call(&mut instance, op, &op.arguments().to_string())
                .await
                .unwrap();
            let component = shapes(emu.requests());
            emu.clear_requests();
            native.run(op).await.unwrap();
            let native = shapes(emu.requests());
            assert!(!component.is_empty(), "{op:?}");
            assert_eq!(native, component, "{op:?}");
        }
    }
}
