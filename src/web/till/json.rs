//! Reading a till's JSON body so that a wrong one is answered with the field it got wrong:
//! `{"error": {"code": "validation", "fields": {"lines[0].qty": "..."}}}`, never a bare 400; and
//! the hash that recognises the retry of an idempotent write.

use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::web::AppError;

/// Largest body a till may send (an invoice with a few hundred lines fits many times over).
pub const MAX_BODY: usize = 256 * 1024;

/// What a till is told when a text holds the NUL character.
pub const NUL_MESSAGE: &str = "Text may not contain the NUL character (\\u0000).";

/// `bytes` as a `T`, or a 422 naming the field that could not be read.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let value = read::<T>(bytes)?;
    // PostgreSQL text cannot hold NUL: a body carrying one would fail deep inside a write as a
    // 500, so it is refused here, by field. In JSON, NUL can only arrive escaped.
    if bytes.windows(6).any(|w| w == b"\\u0000")
        && let Ok(raw) = serde_json::from_slice::<Value>(bytes)
        && let Some(field) = nul_field(&raw, "")
    {
        return Err(AppError::field(&field, NUL_MESSAGE));
    }
    Ok(value)
}

/// Where in `value` a text (or a key) holds NUL, named as `parse` names fields (`lines[0].code`;
/// `body` for the body itself).
fn nul_field(value: &Value, at: &str) -> Option<String> {
    let here = || {
        if at.is_empty() {
            "body".to_owned()
        } else {
            at.to_owned()
        }
    };
    match value {
        Value::String(text) => text.contains('\0').then(here),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_field(item, &format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(key, inner)| {
            if key.contains('\0') {
                return Some(here());
            }
            let path = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            nul_field(inner, &path)
        }),
        _ => None,
    }
}

/// SHA-256 of a request body with its keys in one order: what makes an idempotent write's retry
/// recognisable even when the till serialised it again.
pub fn request_hash(bytes: &[u8]) -> Vec<u8> {
    let canonical = serde_json::from_slice::<Value>(bytes)
        .map(|v| v.to_string().into_bytes())
        .unwrap_or_else(|_| bytes.to_vec());
    Sha256::digest(canonical).to_vec()
}

/// `bytes` as a `T`, or the error naming what could not be read.
fn read<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return AppError::BadRequest(format!("The body is not valid JSON: {inner}"));
        }
        // "missing field `x`" happens at the enclosing object: name the field itself.
        let message = inner.to_string();
        let field = match (message.strip_prefix("missing field `"), path.as_str()) {
            (Some(rest), ".") => rest.split('`').next().unwrap_or("body").to_owned(),
            (Some(rest), parent) => format!("{parent}.{}", rest.split('`').next().unwrap_or("")),
            (None, ".") => "body".to_owned(),
            (None, path) => path.to_owned(),
        };
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        AppError::field(&field, message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[expect(dead_code, reason = "only reading is tested")]
    struct Line {
        qty: rust_decimal::Decimal,
        code: String,
    }

    #[derive(Debug, Deserialize)]
    #[expect(dead_code, reason = "only reading is tested")]
    struct Body {
        number: String,
        lines: Vec<Line>,
    }

    fn field_of(body: &str) -> (String, String) {
        match parse::<Body>(body.as_bytes()) {
            Err(AppError::Validation(fields)) => {
                let (k, v) = fields.iter().next().unwrap();
                (k.to_owned(), v.to_owned())
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_wrong_field_is_named() {
        assert_eq!(field_of(r#"{"lines": []}"#).0, "number");
        assert_eq!(
            field_of(r#"{"number": "1", "lines": [{"qty": "1"}]}"#).0,
            "lines[0].code"
        );
        let (field, message) = field_of(r#"{"number": 7, "lines": []}"#);
        assert_eq!(field, "number");
        assert!(message.starts_with("invalid type"), "{message}");
        assert_eq!(
            field_of(r#"{"number": "1", "lines": [{"qty": "x", "code": "A"}]}"#).0,
            "lines[0].qty"
        );
        assert!(matches!(
            parse::<Body>(b"{\"number\": "),
            Err(AppError::BadRequest(_))
        ));
    }

    #[test]
    fn a_nul_character_is_refused_by_field() {
        assert_eq!(
            field_of(r#"{"number": "S\u00001", "lines": []}"#),
            ("number".to_owned(), NUL_MESSAGE.to_owned())
        );
        assert_eq!(
            field_of(r#"{"number": "1", "lines": [{"qty": "1", "code": "A\u0000"}]}"#).0,
            "lines[0].code"
        );
        // An escaped backslash followed by "u0000" is text, not NUL.
        assert!(parse::<Body>(br#"{"number": "\\u0000", "lines": []}"#).is_ok());
    }
}
