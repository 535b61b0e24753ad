//! Pagination shapes: cursor pages for sandboxes (with the older plain array
//! accepted), numbered pages for snapshots.

use crate::wire::{Cx, Fields, Wire, opt, or_default, required};
use serde_json::Value;

/// `GET /sandbox`: `{items, nextCursor}` since May 2026, a plain array before.
///
/// Told apart by the answer's shape rather than tried one after the other, so
/// an item that does not fit is reported where it is (`items[3].state`).
#[derive(Debug)]
pub enum CursorPage<T> {
    /// The cursor shape.
    Cursor {
        /// This page.
        items: Vec<T>,
        /// The next page's cursor; none on the last page.
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

impl<T> Default for CursorPage<T> {
    fn default() -> Self {
        CursorPage::All(Vec::new())
    }
}

impl<T: Wire> Wire for CursorPage<T> {
    fn read(value: Value, cx: &mut Cx) -> Self {
        if value.is_array() {
            return CursorPage::All(Vec::read(value, cx));
        }
        if !value.is_object() {
            cx.misfit("expected a page {items, nextCursor} or a list");
            return CursorPage::default();
        }
        let mut fields = Fields::of(value, cx);
        CursorPage::Cursor {
            items: fields.get("items", required),
            next_cursor: fields.get("nextCursor", opt),
        }
    }
}

/// `GET /snapshots`: `{items, total, page, totalPages}`.
#[derive(Debug)]
pub struct NumberedPage<T> {
    /// This page.
    pub items: Vec<T>,
    /// Items in all pages.
    pub total: u64,
    /// This page's number (from 1).
    pub page: u64,
    /// How many pages there are.
    pub total_pages: u64,
}

impl<T> Default for NumberedPage<T> {
    fn default() -> Self {
        NumberedPage {
            items: Vec::new(),
            total: 0,
            page: 0,
            total_pages: 0,
        }
    }
}

impl<T: Wire> Wire for NumberedPage<T> {
    fn read(value: Value, cx: &mut Cx) -> Self {
        let mut fields = Fields::of(value, cx);
        NumberedPage {
            items: fields.get("items", required),
            total: fields.get("total", or_default),
            page: fields.get("page", or_default),
            total_pages: fields.get("totalPages", or_default),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::from_str;

    #[test]
    fn list_accepts_cursor_and_legacy_array_shapes() {
        let c: CursorPage<String> = from_str(r#"{"items":["1","2"],"nextCursor":"x"}"#).unwrap();
        assert_eq!(
            c.into_parts(),
            (vec!["1".into(), "2".into()], Some("x".into()))
        );
        let last: CursorPage<String> = from_str(r#"{"items":["3"],"nextCursor":null}"#).unwrap();
        assert_eq!(last.into_parts(), (vec!["3".into()], None));
        let legacy: CursorPage<String> = from_str(r#"["4","5"]"#).unwrap();
        assert_eq!(legacy.into_parts(), (vec!["4".into(), "5".into()], None));
        let extra: CursorPage<String> =
            from_str(r#"{"total":1,"items":["6"],"x":{"y":[]}}"#).unwrap();
        assert_eq!(extra.into_parts(), (vec!["6".into()], None));
        let empty: CursorPage<String> = from_str(r#"{"items":[],"nextCursor":""}"#).unwrap();
        assert_eq!(empty.into_parts(), (vec![], None));
        assert!(from_str::<CursorPage<String>>(r#"{"nextCursor":"c"}"#).is_err());
        assert!(from_str::<CursorPage<String>>(r#"{"items":[],"nextCursor":5}"#).is_err());
        assert!(from_str::<CursorPage<String>>("5").is_err());
    }

    #[test]
    fn numbered_pages_need_items_and_default_the_counts() {
        let p: NumberedPage<String> = from_str(r#"{"items":["a"],"totalPages":3}"#).unwrap();
        assert_eq!(
            (p.items.len(), p.total, p.page, p.total_pages),
            (1, 0, 0, 3)
        );
        assert!(from_str::<NumberedPage<String>>(r#"{"total":1}"#).is_err());
        assert!(from_str::<NumberedPage<String>>(r#"{"items":[],"page":null}"#).is_err());
    }
}
