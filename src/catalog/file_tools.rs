//! The file tools: files in a started sandbox through its toolbox. Paths are
//! absolute, or relative to the sandbox user's home.

use super::Context;
use super::contract::{Contract, arguments};
use super::{About, Hints, Ty, schemas};
use crate::api::files::{self, Download, Found, Listing, Searched, Text, Written};
use crate::error::Error;
use crate::http::Transport;
use crate::models::files::{FileInfo, ReplaceResult};
use serde_json::Value;

const STRING: Ty = Ty::String { min_len: 1 };

const SANDBOX: &str = "The sandbox's ID or name (see list_sandboxes); it must be started.";

const PATH: &str = "The path: absolute, or relative to the sandbox user's home (e.g. \"project/main.py\"); at most 4096 bytes.";

const LINE: Ty = Ty::Integer {
    min: 1,
    max: u32::MAX as i64,
};

/// `content`'s encodings.
pub const ENCODINGS: &[&str] = &["utf8", "base64"];

arguments! {
    /// `list_files`.
    pub struct ListFiles {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING =>
            "The directory to list: absolute, or relative to the user's home (\".\" for the home itself).";
    }
}

impl Contract for ListFiles {
    const ABOUT: About = About {
        name: "list_files",
        title: "List files",
        description: "List the entries of a directory in a started Daytona sandbox: name, isDir, size, mode, owner and modification time. \
Read-only. Entries beyond the output limit are left out (`truncated`, `total`). \
Use get_file_info for one path, search_files to find files by name under a directory, read_file to read one.",
        hints: Hints::READ,
        output: Some(schemas::file_listing),
    };
    type Output = Listing;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Listing, Error> {
        files::list(client, &self.sandbox, &self.path)
    }
}

arguments! {
    /// `read_file`.
    pub struct ReadFile {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING => PATH;
        start_line: Option<u32> = "startLine", LINE => "The first line to return, from 1 (default 1).";
        end_line: Option<u32> = "endLine", LINE => "The last line to return (default: to the end, within the output limit).";
    }
}

impl Contract for ReadFile {
    const ABOUT: About = About {
        name: "read_file",
        title: "Read a text file",
        description: "Read a UTF-8 text file in a started Daytona sandbox, optionally only lines startLine..endLine. \
Read-only. The answer stops at the output limit (`truncated`; continue with startLine = endLine + 1). \
Binary files (NUL bytes or invalid UTF-8) are refused: use download_file for them. Use find_in_files to locate lines first in large files.",
        hints: Hints::READ,
        output: Some(schemas::file_text),
    };
    type Output = Text;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Text, Error> {
        files::read(
            client,
            &self.sandbox,
            &self.path,
            self.start_line,
            self.end_line,
        )
    }
}

arguments! {
    /// `write_file`.
    pub struct WriteFile {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING =>
            "The file to write: absolute, or relative to the user's home; missing parent directories are created.";
        content: String = "content", Ty::String { min_len: 0 } =>
            "The file's whole content, at most 8 MiB (8388608 bytes) once decoded.";
        encoding: Option<String> = "encoding", Ty::Choice { values: ENCODINGS } =>
            "How `content` is given: \"utf8\" text (default) or \"base64\" for binary bytes.";
        overwrite: Option<bool> = "overwrite", Ty::Boolean =>
            "Replace the file if it exists (default true); false refuses with a conflict error instead.";
    }
}

impl Contract for WriteFile {
    const ABOUT: About = About {
        name: "write_file",
        title: "Write a file",
        description: "Create or replace a file in a started Daytona sandbox with the given content (text, or base64 for binary), at most 8 MiB. \
By default an existing file is overwritten and its old content lost; pass overwrite: false to refuse instead (one extra request). \
For small edits of existing text, replace_in_files avoids resending the file; read_file or get_file_info checks the result.",
        hints: Hints::OVERWRITE,
        output: Some(schemas::file_written),
    };
    type Output = Written;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Written, Error> {
        files::check_path("path", &self.path)?;
        let bytes = files::decode_content(&self.content, self.encoding.as_deref())?;
        files::write(
            client,
            &self.sandbox,
            &self.path,
            &bytes,
            self.overwrite.unwrap_or(true),
        )
    }
}

arguments! {
    /// `download_file`.
    pub struct DownloadFile {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING => PATH;
    }
}

impl Contract for DownloadFile {
    const ABOUT: About = About {
        name: "download_file",
        title: "Download a file",
        description: "Get a file's bytes from a started Daytona sandbox, base64-encoded: for binary files (images, archives) that read_file refuses. \
Read-only. At most about three quarters of the output limit in bytes is returned (`truncated`, `size`); for text, read_file is cheaper and can page by lines.",
        hints: Hints::READ,
        output: Some(schemas::file_download),
    };
    type Output = Download;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Download, Error> {
        files::download(client, &self.sandbox, &self.path)
    }
}

arguments! {
    /// `delete_file`.
    pub struct DeleteFile {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING => PATH;
        recursive: Option<bool> = "recursive", Ty::Boolean =>
            "Delete a directory and everything under it (default false: a directory is refused).";
    }
}

impl Contract for DeleteFile {
    const ABOUT: About = About {
        name: "delete_file",
        title: "Delete a file",
        description: "Delete a file, or with recursive: true a directory and all it holds, in a started Daytona sandbox. \
Permanent: there is no undo. Deleting a path that is already gone is a not-found error. Check the path first with list_files or get_file_info.",
        hints: Hints::DELETE,
        output: Some(schemas::file_path),
    };
    type Output = String;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<String, Error> {
        files::delete(
            client,
            &self.sandbox,
            &self.path,
            self.recursive.unwrap_or(false),
        )?;
        Ok(self.path)
    }
    fn output_json(path: String) -> Result<Value, Error> {
        Ok(super::object([("path", path.into())]))
    }
}

arguments! {
    /// `move_file`.
    pub struct MoveFile {
        sandbox: String = "sandbox", STRING => SANDBOX;
        source: String = "source", STRING => "The file or directory to move: absolute, or relative to the user's home.";
        destination: String = "destination", STRING =>
            "Its new path (a rename when in the same directory); an existing file there is replaced.";
    }
}

impl Contract for MoveFile {
    const ABOUT: About = About {
        name: "move_file",
        title: "Move a file",
        description: "Move or rename a file or directory in a started Daytona sandbox. \
A file already at the destination is replaced and lost. Repeating the call fails, as the source is gone. Use list_files to check the result.",
        hints: Hints::REWRITE,
        output: Some(schemas::file_moved),
    };
    type Output = (String, String);
    fn run<T: Transport>(self, client: &Context<T>) -> Result<(String, String), Error> {
        files::rename(client, &self.sandbox, &self.source, &self.destination)?;
        Ok((self.source, self.destination))
    }
    fn output_json((source, destination): (String, String)) -> Result<Value, Error> {
        Ok(super::object([
            ("source", source.into()),
            ("destination", destination.into()),
        ]))
    }
}

arguments! {
    /// `create_folder`.
    pub struct CreateFolder {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING =>
            "The directory to create (missing parents too): absolute, or relative to the user's home.";
        mode: Option<String> = "mode", STRING => "Its permissions in octal, e.g. \"755\" (the default).";
    }
}

impl Contract for CreateFolder {
    const ABOUT: About = About {
        name: "create_folder",
        title: "Create a folder",
        description: "Create a directory, and any missing parents, in a started Daytona sandbox. \
An existing directory is left as it is (only its mode is set), so repeating the call is harmless. write_file creates parents by itself; this is for empty directories.",
        hints: Hints::SET_STATE,
        output: Some(schemas::file_path),
    };
    type Output = String;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<String, Error> {
        files::create_folder(client, &self.sandbox, &self.path, self.mode.as_deref())?;
        Ok(self.path)
    }
    fn output_json(path: String) -> Result<Value, Error> {
        Ok(super::object([("path", path.into())]))
    }
}

arguments! {
    /// `get_file_info`.
    pub struct GetFileInfo {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING => PATH;
    }
}

impl Contract for GetFileInfo {
    const ABOUT: About = About {
        name: "get_file_info",
        title: "Get file info",
        description: "Get one file's or directory's details in a started Daytona sandbox: isDir, size in bytes, mode, permissions, owner, group, modification time. \
Read-only and cheap: use it to check that a path exists, or a file's size before read_file or download_file.",
        hints: Hints::READ,
        output: Some(schemas::file_info),
    };
    type Output = FileInfo;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<FileInfo, Error> {
        files::info(client, &self.sandbox, &self.path)
    }
}

arguments! {
    /// `find_in_files`.
    pub struct FindInFiles {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING =>
            "The file, or directory searched recursively: absolute, or relative to the user's home.";
        pattern: String = "pattern", STRING => "The text to look for in each line, e.g. \"TODO\".";
    }
}

impl Contract for FindInFiles {
    const ABOUT: About = About {
        name: "find_in_files",
        title: "Find text in files",
        description: "Search the contents of the files under a path in a started Daytona sandbox for a text, like grep: each matching line with its file and line number. \
Read-only. Binary files are skipped; matches beyond the output limit are left out (`truncated`, `total`). \
Then read_file with startLine/endLine around a match, or replace_in_files to change it.",
        hints: Hints::READ,
        output: Some(schemas::file_matches),
    };
    type Output = Found;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Found, Error> {
        files::find(client, &self.sandbox, &self.path, &self.pattern)
    }
}

arguments! {
    /// `search_files`.
    pub struct SearchFiles {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING =>
            "The directory searched recursively: absolute, or relative to the user's home.";
        pattern: String = "pattern", STRING => "A glob matched against each name, e.g. \"*.py\" or \"test_?.txt\".";
    }
}

impl Contract for SearchFiles {
    const ABOUT: About = About {
        name: "search_files",
        title: "Search files by name",
        description: "Find files and directories whose names match a glob under a directory of a started Daytona sandbox, like find -name: their paths. \
Read-only. Paths beyond the output limit are left out (`truncated`, `total`). To search inside files, use find_in_files.",
        hints: Hints::READ,
        output: Some(schemas::file_names),
    };
    type Output = Searched;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Searched, Error> {
        files::search(client, &self.sandbox, &self.path, &self.pattern)
    }
}

arguments! {
    /// `replace_in_files`.
    pub struct ReplaceInFiles {
        sandbox: String = "sandbox", STRING => SANDBOX;
        files: Vec<String> = "files" required, Ty::StringList { values: None } =>
            "The files to change (1 to 1000 paths): absolute, or relative to the user's home.";
        pattern: String = "pattern", STRING => "The exact text to replace (not a regular expression); every occurrence is replaced.";
        new_value: String = "newValue", Ty::String { min_len: 0 } => "What replaces it (may be empty, to delete the text).";
    }
}

impl Contract for ReplaceInFiles {
    const ABOUT: About = About {
        name: "replace_in_files",
        title: "Replace text in files",
        description: "Replace every occurrence of a literal text with another in the given files of a started Daytona sandbox, in place. \
The old text is lost, and repeating the call replaces again wherever newValue contains the pattern. Each file gets its own result: check `success` and `error`. \
Use find_in_files first to see what will change, and read_file after to check.",
        hints: Hints::REWRITE,
        output: Some(schemas::file_replacements),
    };
    type Output = Vec<ReplaceResult>;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Vec<ReplaceResult>, Error> {
        files::replace(
            client,
            &self.sandbox,
            &self.files,
            &self.pattern,
            &self.new_value,
        )
    }
    fn output_json(results: Vec<ReplaceResult>) -> Result<Value, Error> {
        Ok(super::object([("results", super::to_value(results)?)]))
    }
}
