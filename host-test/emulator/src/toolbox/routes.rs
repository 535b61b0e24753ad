//! The toolbox routes beyond `process/execute`, for the proxy router in `emulator/mod.rs`
//! (which adds authentication), and the preview routes.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};

use super::super::preview;
use super::super::state::Shared;
use super::{files, git, sessions};

/// Routes under `/toolbox/{id}/`.
pub(crate) fn toolbox() -> Router<Arc<Shared>> {
    let upload_limit = DefaultBodyLimit::max(files::MAX_UPLOAD_BYTES);
    Router::new()
        .route("/toolbox/{id}/user-home-dir", get(files::user_home_dir))
        .route("/toolbox/{id}/work-dir", get(files::work_dir))
        .route("/toolbox/{id}/version", get(files::version))
        .route(
            "/toolbox/{id}/files",
            get(files::list).delete(files::delete),
        )
        .route("/toolbox/{id}/files/info", get(files::info))
        .route("/toolbox/{id}/files/download", get(files::download))
        .route(
            "/toolbox/{id}/files/bulk-download",
            post(files::bulk_download),
        )
        .route(
            "/toolbox/{id}/files/upload",
            post(files::upload).layer(upload_limit),
        )
        .route(
            "/toolbox/{id}/files/bulk-upload",
            post(files::bulk_upload).layer(upload_limit),
        )
        .route("/toolbox/{id}/files/folder", post(files::create_folder))
        .route("/toolbox/{id}/files/move", post(files::move_file))
        .route(
            "/toolbox/{id}/files/permissions",
            post(files::set_permissions),
        )
        .route("/toolbox/{id}/files/find", get(files::find))
        .route("/toolbox/{id}/files/search", get(files::search))
        .route("/toolbox/{id}/files/replace", post(files::replace))
        .route("/toolbox/{id}/git/clone", post(git::clone))
        .route("/toolbox/{id}/git/status", get(git::status))
        .route("/toolbox/{id}/git/add", post(git::add))
        .route("/toolbox/{id}/git/commit", post(git::commit))
        .route("/toolbox/{id}/git/history", get(git::history))
        .route(
            "/toolbox/{id}/git/branches",
            get(git::list_branches)
                .post(git::create_branch)
                .delete(git::delete_branch),
        )
        .route("/toolbox/{id}/git/checkout", post(git::checkout))
        .route("/toolbox/{id}/git/push", post(git::push))
        .route("/toolbox/{id}/git/pull", post(git::pull))
        .route(
            "/toolbox/{id}/process/session",
            get(sessions::list).post(sessions::create),
        )
        .route(
            "/toolbox/{id}/process/session/{session_id}",
            get(sessions::get).delete(sessions::delete),
        )
        .route(
            "/toolbox/{id}/process/session/{session_id}/exec",
            post(sessions::exec),
        )
        .route(
            "/toolbox/{id}/process/session/{session_id}/command/{command_id}",
            get(sessions::get_command),
        )
        .route(
            "/toolbox/{id}/process/session/{session_id}/command/{command_id}/logs",
            get(sessions::logs),
        )
        .route("/toolbox/{id}/process/code-run", post(sessions::code_run))
}

/// Preview-URL routes of the API (under `/api`, authenticated).
pub(crate) fn preview_api() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/sandbox/{id}/ports/{port}/preview-url",
            get(preview::get_preview_url),
        )
        .route(
            "/sandbox/{id}/ports/{port}/signed-preview-url",
            get(preview::get_signed_preview_url),
        )
        .route(
            "/sandbox/{id}/ports/{port}/signed-preview-url/{token}/expire",
            post(preview::expire_signed_preview_url),
        )
}

/// The preview proxy (its own token checks, no API authentication).
pub(crate) fn preview_proxy() -> Router<Arc<Shared>> {
    Router::new()
        .route("/preview/{label}", any(preview::proxy))
        .route("/preview/{label}/", any(preview::proxy))
        .route("/preview/{label}/{*rest}", any(preview::proxy))
}
