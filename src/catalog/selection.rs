//! Which tools a host offers: `DAYTONA_TOOLS`, a comma list of presets and
//! tool names, where a leading `-` removes. Unset means every tool.
//!
//! Presets: `all`; `read-only` (tools that change nothing); `sandboxes` (the
//! sandbox tools, no key management); `files` (the file tools); `git` (the
//! git tools); `sessions` (long-running processes in shell sessions, code
//! runs, and preview URLs of a sandbox's ports); `keys` (API-key and
//! ephemeral-key tools).
//! Example: `DAYTONA_TOOLS=sandboxes,-delete_sandbox,mint_ephemeral_key`.

use super::Tool;
use crate::env::Env;
use crate::error::Error;
use std::collections::BTreeSet;

/// The variable that selects tools.
pub const VARIABLE: &str = "DAYTONA_TOOLS";

/// The tools a host chose to offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    tools: BTreeSet<Tool>,
}

impl Default for Selection {
    fn default() -> Self {
        Self::all()
    }
}

impl Selection {
    /// Every tool.
    pub fn all() -> Self {
        // `extend`, not `collect`, which would compile a sort of tools into the component.
        let mut tools = BTreeSet::new();
        tools.extend(Tool::ALL.iter().copied());
        Selection { tools }
    }

    /// Read `DAYTONA_TOOLS` from the environment; unset or blank is every tool.
    pub fn from_env(env: &Env) -> Result<Self, Error> {
        env.get(VARIABLE)
            .map_or_else(|| Ok(Self::all()), Self::parse)
    }

    /// Parse a selection such as `read-only` or `sandboxes,-delete_sandbox`.
    pub fn parse(spec: &str) -> Result<Self, Error> {
        let mut tools = BTreeSet::new();
        let entries: Vec<&str> = spec
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        // Additions first, then removals, so order in the list does not matter.
        for remove in [false, true] {
            for entry in &entries {
                let (is_removal, item) = match entry.strip_prefix('-') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, *entry),
                };
                if is_removal != remove {
                    continue;
                }
                let matched = expand(item).ok_or_else(|| unknown(item))?;
                for tool in matched {
                    if remove {
                        tools.remove(&tool);
                    } else {
                        tools.insert(tool);
                    }
                }
            }
        }
        Ok(Selection { tools })
    }

    /// Whether `tool` is offered.
    pub fn allows(&self, tool: Tool) -> bool {
        self.tools.contains(&tool)
    }

    /// The offered tools, in catalog order.
    pub fn tools(&self) -> impl Iterator<Item = Tool> + '_ {
        self.tools.iter().copied()
    }

    /// Refuse a call to a tool outside the selection.
    pub fn check(&self, tool: Tool) -> Result<(), Error> {
        if self.allows(tool) {
            return Ok(());
        }
        Err(Error::invalid_input(format!(
            "the tool '{}' is not offered by this host ({VARIABLE} leaves it out)",
            tool.name()
        ))
        .with_hint("call list-tools to see the tools you can use"))
    }
}

/// The tools a preset or a single name stands for.
fn expand(item: &str) -> Option<Vec<Tool>> {
    let all = Tool::ALL.iter().copied();
    match item {
        "all" => Some(all.collect()),
        "read-only" => Some(all.filter(|t| t.spec().hints.read_only).collect()),
        "sandboxes" | "files" | "git" | "sessions" | "keys" => {
            Some(all.filter(|t| t.area() == item).collect())
        }
        name => Tool::from_name(name).map(|t| vec![t]),
    }
}

fn unknown(item: &str) -> Error {
    let names: Vec<&str> = Tool::ALL.iter().map(|t| t.name()).collect();
    Error::config(
        format!(
            "{VARIABLE} names '{}', which is neither a preset (all, read-only, sandboxes, files, git, sessions, keys) nor a tool",
            crate::error::scrub(item, &[])
        ),
        format!(
            "use presets or tool names, e.g. {VARIABLE}=read-only; tools: {}",
            names.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_or_empty_offers_every_tool() {
        let none: [(&str, &str); 0] = [];
        assert_eq!(
            Selection::from_env(&Env::from_pairs(none)).unwrap(),
            Selection::all()
        );
        assert_eq!(
            Selection::from_env(&Env::from_pairs([(VARIABLE, " ")])).unwrap(),
            Selection::all()
        );
    }

    #[test]
    fn read_only_preset_holds_only_read_only_tools() {
        let s = Selection::parse("read-only").unwrap();
        assert!(s.allows(Tool::ListSandboxes) && s.allows(Tool::GetSandbox));
        assert!(!s.allows(Tool::CreateSandbox) && !s.allows(Tool::ExecuteCommand));
        assert!(s.tools().all(|t| t.spec().hints.read_only));
        assert!(s.allows(Tool::ReadFile) && s.allows(Tool::FindInFiles));
        assert!(!s.allows(Tool::WriteFile) && !s.allows(Tool::DeleteFile));
    }

    #[test]
    fn the_files_preset_holds_the_file_tools() {
        let s = Selection::parse("files").unwrap();
        assert_eq!(s.tools().count(), 11);
        assert!(s.allows(Tool::WriteFile) && !s.allows(Tool::ExecuteCommand));
    }

    #[test]
    fn the_sessions_preset_holds_the_session_code_and_preview_tools() {
        let s = Selection::parse("sessions").unwrap();
        let names: Vec<&str> = s.tools().map(|t| t.name()).collect();
        assert_eq!(
            names,
            [
                "create_session",
                "run_session_command",
                "get_session_command_logs",
                "delete_session",
                "list_sessions",
                "run_code",
                "get_preview_url",
                "expire_preview_url"
            ]
        );
        let read = Selection::parse("read-only").unwrap();
        assert!(read.allows(Tool::ListSessions) && read.allows(Tool::GetSessionCommandLogs));
        assert!(!read.allows(Tool::RunCode) && !read.allows(Tool::CreateSession));
    }

    #[test]
    fn the_git_preset_holds_the_git_tools_and_read_only_the_git_reads() {
        let s = Selection::parse("git").unwrap();
        let names: Vec<&str> = s.tools().map(Tool::name).collect();
        assert_eq!(
            names,
            [
                "git_clone",
                "git_status",
                "git_add",
                "git_commit",
                "git_push",
                "git_pull",
                "git_branches",
                "git_create_branch",
                "git_checkout",
                "git_log"
            ]
        );
        let r = Selection::parse("read-only").unwrap();
        assert!(r.allows(Tool::GitStatus) && r.allows(Tool::GitBranches) && r.allows(Tool::GitLog));
        assert!(!r.allows(Tool::GitPush) && !r.allows(Tool::GitClone));
        let s = Selection::parse("read-only,git,-git_push").unwrap();
        assert!(s.allows(Tool::GitCommit) && !s.allows(Tool::GitPush));
    }

    #[test]
    fn the_sessions_preset_holds_the_preview_tools() {
        let s = Selection::parse("sessions").unwrap();
        assert!(s.allows(Tool::GetPreviewUrl) && s.allows(Tool::ExpirePreviewUrl));
        assert!(!s.allows(Tool::ExecuteCommand) && !s.allows(Tool::ReadFile));
        assert!(s.tools().all(|t| t.area() == "sessions"));
        // Minting a signed URL hands out access to a port: not read-only.
        assert!(
            !Selection::parse("read-only")
                .unwrap()
                .allows(Tool::GetPreviewUrl)
        );
    }

    #[test]
    fn the_sandboxes_preset_holds_archive_and_labels() {
        let s = Selection::parse("sandboxes").unwrap();
        assert!(s.allows(Tool::ArchiveSandbox) && s.allows(Tool::SetSandboxLabels));
        assert_eq!(s.tools().count(), 10);
    }

    #[test]
    fn presets_names_and_removals_combine() {
        let s = Selection::parse("sandboxes, -delete_sandbox").unwrap();
        assert!(s.allows(Tool::CreateSandbox));
        assert!(!s.allows(Tool::DeleteSandbox));
        let s = Selection::parse("-execute_command,all").unwrap();
        assert!(!s.allows(Tool::ExecuteCommand) && s.allows(Tool::ListSnapshots));
        let s = Selection::parse("get_sandbox").unwrap();
        assert_eq!(s.tools().count(), 1);
    }

    #[test]
    fn unknown_entries_are_a_config_error_naming_the_variable() {
        let err = Selection::parse("everything").unwrap_err();
        assert_eq!(err.kind, crate::error::ErrorKind::Config);
        assert!(err.message.contains(VARIABLE) && err.message.contains("everything"));
    }
}
