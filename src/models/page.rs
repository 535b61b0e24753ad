//! Pagination shapes: cursor pages for sandboxes (with the older plain array
//! accepted), numbered pages for snapshots.

use serde::Deserialize;

/// `GET /sandbox`: `{items, nextCursor}` since May 2026, a plain array before.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum CursorPage<T> {
    /// The cursor shape.
    Cursor {
        /// This page.
        items: Vec<T>,
        /// The next page's cursor; none on the last page.
        #[serde(rename = "nextCursor", default)]
        next_cursor: Option<String>,
    },
    /// The legacy shape: everything at once.
    All(Vec<T>),
}

impl<T> CursorPage<T> {
    /// The items and the next cursor (none for the legacy shape).
    pub fn into_parts(self) -> (Vec<T>, Option<String>) {
        match self {
            CursorPage::Cursor { items, next_cursor } => {
                (items, next_cursor.filter(|c| !c.is_empty()))
            }
            CursorPage::All(items) => (items, None),
        }
    }
}

/// `GET /snapshots`: `{items, total, page, totalPages}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NumberedPage<T> {
    /// This page.
    pub items: Vec<T>,
    /// Items in all pages.
    #[serde(default)]
    pub total: u64,
    /// This page's number (from 1).
    #[serde(default)]
    pub page: u64,
    /// How many pages there are.
    #[serde(default)]
    pub total_pages: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_accepts_cursor_and_legacy_array_shapes() {
        let c: CursorPage<u32> =
            serde_json::from_str(r#"{"items":[1,2],"nextCursor":"x"}"#).unwrap();
        assert_eq!(c.into_parts(), (vec![1, 2], Some("x".into())));
        let last: CursorPage<u32> =
            serde_json::from_str(r#"{"items":[3],"nextCursor":null}"#).unwrap();
        assert_eq!(last.into_parts(), (vec![3], None));
        let legacy: CursorPage<u32> = serde_json::from_str("[4,5]").unwrap();
        assert_eq!(legacy.into_parts(), (vec![4, 5], None));
    }
}
