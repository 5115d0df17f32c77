//! The `Idempotency-Key` value: a structured-field string (`"abc"`) or a bare token (`abc`).

use std::fmt;

/// Longest accepted key, in characters.
pub const MAX_KEY_LEN: usize = 255;

/// A well-formed key: 1..=[`MAX_KEY_LEN`] visible ASCII characters (`!` to `~`), unquoted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Parse a header value. `"a\"b"` (RFC 8941 string, `\"` and `\\` escapes) and the bare
    /// `a"b` name the same key; the error says what is wrong, for a 400 `detail`.
    pub fn parse(raw: &[u8]) -> Result<IdempotencyKey, String> {
        let value = trim_ows(raw);
        let key = match value {
            [b'"', inner @ ..] => unquote(inner)?,
            bare => bare.to_vec(),
        };
        if key.is_empty() {
            return Err("it is empty".into());
        }
        if let Some(b) = key.iter().find(|b| !b.is_ascii_graphic()) {
            return Err(match b {
                b' ' => "it contains a space".into(),
                b if b.is_ascii_control() => format!("it contains the control character 0x{b:02X}"),
                _ => "it contains a character outside visible ASCII".into(),
            });
        }
        if key.len() > MAX_KEY_LEN {
            return Err(format!(
                "it is {} characters long (at most {MAX_KEY_LEN})",
                key.len()
            ));
        }
        // Checked above: every byte is visible ASCII.
        Ok(IdempotencyKey(String::from_utf8(key).expect("ASCII")))
    }

    /// The key as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn trim_ows(mut v: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

/// The content of a structured-field string whose opening quote is already consumed; nothing
/// may follow the closing quote (no parameters).
fn unquote(mut v: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(v.len());
    loop {
        match v {
            [] => return Err("the quoted string has no closing quote".into()),
            [b'"'] => return Ok(out),
            [b'"', ..] => return Err("nothing may follow the closing quote".into()),
            [b'\\', c @ (b'"' | b'\\'), rest @ ..] => {
                out.push(*c);
                v = rest;
            }
            [b'\\', ..] => return Err("only \\\" and \\\\ may be escaped".into()),
            [c, rest @ ..] => {
                out.push(*c);
                v = rest;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Result<String, String> {
        IdempotencyKey::parse(s.as_bytes()).map(|k| k.to_string())
    }

    #[test]
    fn quoted_and_bare_forms_name_the_same_key() {
        assert_eq!(key("\"8e03978e-40d5\""), Ok("8e03978e-40d5".into()));
        assert_eq!(key("8e03978e-40d5"), Ok("8e03978e-40d5".into()));
        assert_eq!(key("  \"k\"\t"), Ok("k".into()));
        assert_eq!(key(r#""a\"b\\c""#), Ok(r#"a"b\c"#.into()));
        assert_eq!(key(r#"a"b"#), Ok(r#"a"b"#.into()));
        assert_eq!(key(&"x".repeat(MAX_KEY_LEN)).map(|k| k.len()), Ok(255));
        let quoted = format!("\"{}\"", "x".repeat(MAX_KEY_LEN));
        assert!(key(&quoted).is_ok(), "the quotes do not count");
    }

    #[test]
    fn malformed_keys_say_why() {
        for (raw, why) in [
            ("", "empty"),
            ("\"\"", "empty"),
            ("   ", "empty"),
            ("\"abc", "closing quote"),
            ("\"abc\";a=1", "follow"),
            ("\"a\\nb\"", "escaped"),
            ("a b", "space"),
            ("\"a b\"", "space"),
            ("a\tb", "control character 0x09"),
            ("\"a\u{7f}\"", "control character 0x7F"),
            ("caf\u{e9}", "outside visible ASCII"),
        ] {
            let err = key(raw).unwrap_err();
            assert!(err.contains(why), "{raw:?}: {err}");
        }
        let err = key(&"x".repeat(MAX_KEY_LEN + 1)).unwrap_err();
        assert!(err.contains("256 characters"), "{err}");
    }
}
