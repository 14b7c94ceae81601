//! The audit trail's vocabulary: who did what to which entity, with each changed field's
//! value before and after. Secrets (password hashes, token hashes) never enter a change set.
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// What happened to the entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Delete,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "create" => Some(Self::Create),
            "update" => Some(Self::Update),
            "delete" => Some(Self::Delete),
            _ => None,
        }
    }
}

/// One field's value before and after; `None` means the field did not exist on that side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The changed fields of one entity, in a stable (alphabetical) order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChangeSet(pub BTreeMap<String, FieldChange>);

impl ChangeSet {
    /// Every field of a new entity, as `before: None`.
    pub fn created(after: &Value) -> Self {
        Self::diff(&Value::Null, after)
    }

    /// Every field of a removed entity, as `after: None`.
    pub fn deleted(before: &Value) -> Self {
        Self::diff(before, &Value::Null)
    }

    /// The fields whose values differ between two JSON objects (top level only: nested
    /// objects are compared whole, which is what a reader of the log wants to see).
    pub fn diff(before: &Value, after: &Value) -> Self {
        let empty = serde_json::Map::new();
        let b = before.as_object().unwrap_or(&empty);
        let a = after.as_object().unwrap_or(&empty);
        let mut out = BTreeMap::new();
        for (k, bv) in b {
            match a.get(k) {
                Some(av) if av == bv => {}
                av => {
                    out.insert(
                        k.clone(),
                        FieldChange {
                            before: Some(bv.clone()),
                            after: av.cloned(),
                        },
                    );
                }
            }
        }
        for (k, av) in a {
            if !b.contains_key(k) {
                out.insert(
                    k.clone(),
                    FieldChange {
                        before: None,
                        after: Some(av.clone()),
                    },
                );
            }
        }
        Self(out)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_lists_only_changed_added_and_removed_fields() {
        let before = json!({"name": "Ana", "role": "agent", "locale": "es"});
        let after = json!({"name": "Ana", "role": "manager", "team": "Norte"});
        let c = ChangeSet::diff(&before, &after);
        assert_eq!(
            c.fields().collect::<Vec<_>>(),
            vec!["locale", "role", "team"]
        );
        assert_eq!(c.0["role"].before, Some(json!("agent")));
        assert_eq!(c.0["role"].after, Some(json!("manager")));
        assert_eq!(c.0["locale"].after, None);
        assert_eq!(c.0["team"].before, None);
    }

    #[test]
    fn created_and_deleted_cover_every_field() {
        let v = json!({"a": 1, "b": 2});
        assert_eq!(ChangeSet::created(&v).0.len(), 2);
        assert!(ChangeSet::deleted(&v).0.values().all(|c| c.after.is_none()));
    }
}
