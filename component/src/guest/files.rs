//! The `files` interface: each function's arguments converted into the tool's
//! own arguments type and run through [`invoke`], as `call-tool` runs them.

use super::{Component, with_client};
use crate::bindings::exports::daytona::tools::files as wit_files;
use crate::bindings::exports::daytona::tools::types as wit;
use daytona_core::catalog::file_tools::{
    CreateFolder, DeleteFile, DownloadFile, FindInFiles, GetFileInfo, ListFiles, MoveFile,
    ReadFile, ReplaceInFiles, SearchFiles, WriteFile,
};
use daytona_core::catalog::invoke;
use daytona_core::models::files::FileInfo;

fn to_wit_info(i: FileInfo) -> wit_files::FileInfo {
    wit_files::FileInfo {
        name: i.name,
        is_dir: i.is_dir,
        size: i.size,
        mode: i.mode,
        permissions: i.permissions,
        owner: i.owner,
        group: i.group,
        modified_at: i.modified_at,
    }
}

impl From<wit_files::ReadFileRequest> for ReadFile {
    fn from(r: wit_files::ReadFileRequest) -> Self {
        ReadFile {
            sandbox: r.sandbox,
            path: r.path,
            start_line: r.start_line,
            end_line: r.end_line,
        }
    }
}

impl From<wit_files::WriteFileRequest> for WriteFile {
    fn from(r: wit_files::WriteFileRequest) -> Self {
        WriteFile {
            sandbox: r.sandbox,
            path: r.path,
            content: r.content,
            encoding: r.encoding,
            overwrite: r.overwrite,
        }
    }
}

impl wit_files::Guest for Component {
    fn list_files(sandbox: String, path: String) -> Result<wit_files::FileListing, wit::Error> {
        with_client(|c| invoke(c, ListFiles { sandbox, path })).map(|l| wit_files::FileListing {
            files: l.files.into_iter().map(to_wit_info).collect(),
            truncated: l.truncated,
            total: l.total,
        })
    }

    fn read_file(request: wit_files::ReadFileRequest) -> Result<wit_files::FileText, wit::Error> {
        with_client(|c| invoke(c, ReadFile::from(request))).map(|t| wit_files::FileText {
            content: t.content,
            start_line: t.start_line,
            end_line: t.end_line,
            truncated: t.truncated,
            size: t.size,
        })
    }

    fn write_file(
        request: wit_files::WriteFileRequest,
    ) -> Result<wit_files::WriteFileResponse, wit::Error> {
        with_client(|c| invoke(c, WriteFile::from(request))).map(|w| wit_files::WriteFileResponse {
            path: w.path,
            bytes: w.bytes,
        })
    }

    fn download_file(sandbox: String, path: String) -> Result<wit_files::FileDownload, wit::Error> {
        with_client(|c| invoke(c, DownloadFile { sandbox, path })).map(|d| {
            wit_files::FileDownload {
                content_base64: d.content_base64,
                truncated: d.truncated,
                size: d.size,
            }
        })
    }

    fn delete_file(
        sandbox: String,
        path: String,
        recursive: Option<bool>,
    ) -> Result<(), wit::Error> {
        let args = DeleteFile {
            sandbox,
            path,
            recursive,
        };
        with_client(|c| invoke(c, args)).map(|_| ())
    }

    fn move_file(sandbox: String, source: String, destination: String) -> Result<(), wit::Error> {
        let args = MoveFile {
            sandbox,
            source,
            destination,
        };
        with_client(|c| invoke(c, args)).map(|_| ())
    }

    fn create_folder(
        sandbox: String,
        path: String,
        mode: Option<String>,
    ) -> Result<(), wit::Error> {
        let args = CreateFolder {
            sandbox,
            path,
            mode,
        };
        with_client(|c| invoke(c, args)).map(|_| ())
    }

    fn get_file_info(sandbox: String, path: String) -> Result<wit_files::FileInfo, wit::Error> {
        with_client(|c| invoke(c, GetFileInfo { sandbox, path })).map(to_wit_info)
    }

    fn find_in_files(
        sandbox: String,
        path: String,
        pattern: String,
    ) -> Result<wit_files::FindResponse, wit::Error> {
        let args = FindInFiles {
            sandbox,
            path,
            pattern,
        };
        with_client(|c| invoke(c, args)).map(|f| wit_files::FindResponse {
            matches: f
                .matches
                .into_iter()
                .map(|m| wit_files::LineMatch {
                    file: m.file,
                    line: m.line,
                    content: m.content,
                })
                .collect(),
            truncated: f.truncated,
            total: f.total,
        })
    }

    fn search_files(
        sandbox: String,
        path: String,
        pattern: String,
    ) -> Result<wit_files::SearchResponse, wit::Error> {
        let args = SearchFiles {
            sandbox,
            path,
            pattern,
        };
        with_client(|c| invoke(c, args)).map(|s| wit_files::SearchResponse {
            files: s.files,
            truncated: s.truncated,
            total: s.total,
        })
    }

    fn replace_in_files(
        sandbox: String,
        files: Vec<String>,
        pattern: String,
        new_value: String,
    ) -> Result<Vec<wit_files::ReplaceResult>, wit::Error> {
        let args = ReplaceInFiles {
            sandbox,
            files,
            pattern,
            new_value,
        };
        with_client(|c| invoke(c, args)).map(|results| {
            results
                .into_iter()
                .map(|r| wit_files::ReplaceResult {
                    file: r.file,
                    success: r.success,
                    error: r.error,
                })
                .collect()
        })
    }
}
