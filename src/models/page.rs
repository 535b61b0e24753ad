//! Pagination shapes: cursor pages for sandboxes (with the older plain array
//! accepted), numbered pages for snapshots.

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// `GET /sandbox`: `{items, nextCursor}` since May 2026, a plain array before.
///
/// Read by looking at the first token rather than as an untagged enum, so an
/// item that does not fit is reported where it is (`items[3].state`), not as
/// "matches no variant".
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

impl<'de, T: Deserialize<'de>> Deserialize<'de> for CursorPage<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PageVisitor(PhantomData))
    }
}

struct PageVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for PageVisitor<T> {
    type Value = CursorPage<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a page {items, nextCursor} or a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(CursorPage::All)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut items, mut next_cursor) = (None, None);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "items" => items = Some(map.next_value()?),
                "nextCursor" => next_cursor = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let items = items.ok_or_else(|| de::Error::missing_field("items"))?;
        Ok(CursorPage::Cursor { items, next_cursor })
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
        let extra: CursorPage<u32> =
            serde_json::from_str(r#"{"total":1,"items":[6],"x":{"y":[]}}"#).unwrap();
        assert_eq!(extra.into_parts(), (vec![6], None));
        assert!(serde_json::from_str::<CursorPage<u32>>(r#"{"nextCursor":"c"}"#).is_err());
        assert!(serde_json::from_str::<CursorPage<u32>>("5").is_err());
    }
}
