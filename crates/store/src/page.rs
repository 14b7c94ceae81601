//! Cursor pagination. Ids are UUIDv7, so "after this id" is a stable, index-friendly cursor
//! that does not skip or repeat rows when new ones arrive, unlike OFFSET.
use base64::Engine as _;
use uuid::Uuid;

/// An opaque position in a listing: the last id the client saw and, in a listing sorted by
/// something else than the id, that row's sort value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor(pub Uuid, pub Option<After>);

/// The sort value of the row a sorted page ended on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum After {
    /// Its value, as text (a number or a time in a form that reads back exactly).
    Value(String),
    /// It had none: rows without a value come last.
    Missing,
}

impl Cursor {
    pub fn id(id: Uuid) -> Self {
        Self(id, None)
    }

    pub fn encode(self) -> String {
        let mut bytes = self.0.as_bytes().to_vec();
        match &self.1 {
            None => {}
            Some(After::Missing) => bytes.push(0),
            Some(After::Value(v)) => {
                bytes.push(1);
                bytes.extend_from_slice(v.as_bytes());
            }
        }
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    pub fn decode(s: &str) -> Option<Self> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .ok()?;
        let id = Uuid::from_slice(bytes.get(..16)?).ok()?;
        let after = match bytes.get(16..) {
            None | Some([]) => None,
            Some([0]) => Some(After::Missing),
            Some([1, rest @ ..]) => Some(After::Value(String::from_utf8(rest.to_vec()).ok()?)),
            Some(_) => return None,
        };
        Some(Self(id, after))
    }
}

/// One page of a listing and where the next begins.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only says there is more.
    pub fn from_overfetch(mut items: Vec<T>, limit: u64, id_of: impl Fn(&T) -> Uuid) -> Self {
        let more = items.len() as u64 > limit;
        items.truncate(limit as usize);
        let next = if more {
            items.last().map(|t| Cursor::id(id_of(t)))
        } else {
            None
        };
        Self { items, next }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        for after in [
            None,
            Some(After::Missing),
            Some(After::Value("núñez".into())),
        ] {
            let c = Cursor(Uuid::now_v7(), after);
            assert_eq!(Cursor::decode(&c.clone().encode()), Some(c));
        }
        assert_eq!(Cursor::decode("not a cursor!"), None);
        assert_eq!(Cursor::decode("AAAA"), None);
    }

    #[test]
    fn overfetch_reveals_the_next_page() {
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let p = Page::from_overfetch(ids.clone(), 2, |u| *u);
        assert_eq!(p.items.len(), 2);
        assert_eq!(p.next, Some(Cursor::id(ids[1])));
        let p = Page::from_overfetch(ids[..2].to_vec(), 2, |u| *u);
        assert_eq!(p.next, None);
    }
}
