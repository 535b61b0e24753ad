//! The host's choices beyond its credentials, and what a tool runs with.
//!
//! [`Policy`]: which tools are offered (`DAYTONA_TOOLS`, [`Selection`]) and
//! what keys may be minted or created ([`MintCeiling`]). They sit here, not
//! in [`Config`], because both are read in terms of the catalog and of keys,
//! which build on the configuration rather than the other way round.
//! [`Context`]: a [`Client`] under a policy, what [`super::Contract::run`] gets.

use super::selection::Selection;
use crate::config::Config;
use crate::env::Env;
use crate::error::Error;
use crate::http::{Client, Transport};
use crate::keys::ceiling::MintCeiling;
use std::ops::Deref;

/// What the host lets an agent do with the tools.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// `DAYTONA_TOOLS`: which tools are offered; a call to any other is refused.
    pub tools: Selection,
    /// `DAYTONA_MINT_SCOPES`, `DAYTONA_MINT_MAX_TTL` and `DAYTONA_KEY_ADMIN`:
    /// what may be minted, and what `create_api_key` may create.
    pub ceiling: MintCeiling,
}

impl Policy {
    /// Read the policy from the environment: the selection, then the ceiling
    /// (the first malformed one is the error). Read it before the
    /// [`Config`], whose errors come after these.
    pub fn from_env(env: &Env) -> Result<Policy, Error> {
        Ok(Policy {
            tools: Selection::from_env(env)?,
            ceiling: MintCeiling::from_env(env)?,
        })
    }
}

/// A client for one call under the host's policy. It derefs to the
/// [`Client`], so a tool's code sends requests as any API function does.
pub struct Context<'a, T: Transport> {
    client: Client<'a, T>,
    /// The policy the call runs under.
    pub policy: &'a Policy,
}

impl<'a, T: Transport> Context<'a, T> {
    /// A context for one call starting now ([`Client::new`]).
    pub fn new(config: &'a Config, transport: &'a T, policy: &'a Policy) -> Self {
        Context {
            client: Client::new(config, transport),
            policy,
        }
    }
}

impl<'a, T: Transport> Deref for Context<'a, T> {
    type Target = Client<'a, T>;
    fn deref(&self) -> &Client<'a, T> {
        &self.client
    }
}
