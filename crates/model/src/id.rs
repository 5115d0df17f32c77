use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// A server-assigned id. The contract lets a backend send a string or a number; both become
/// the same string so keys, URLs and comparisons never depend on which one a backend chose.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, example = "42")
)]
pub struct EventId(String);

impl EventId {
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for EventId {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl<'de> Deserialize<'de> for EventId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            S(String),
            U(u64),
            I(i64),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::S(s) => Self(s),
            Raw::U(n) => Self(n.to_string()),
            Raw::I(n) => Self(n.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_string_and_number() {
        let a: EventId = serde_json::from_str("\"42\"").unwrap();
        let b: EventId = serde_json::from_str("42").unwrap();
        assert_eq!(a, b);
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"42\"");
        assert!(serde_json::from_str::<EventId>("true").is_err());
    }
}
