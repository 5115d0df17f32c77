//! JSON text to and from our serde types. In the wasm the browser's `JSON.parse` and
//! `JSON.stringify` handle the text and serde-wasm-bindgen maps the values, so serde_json is
//! not linked (issue 15); native builds (the unit tests) use serde_json for the same text.

use serde::{de::DeserializeOwned, Serialize};

pub use imp::{from_str, object_keys, parse, to_string, Tree};

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::{DeserializeOwned, Serialize};
    use eventual_model::JsonTree;
    use js_sys::{Array, Object, JSON};
    use wasm_bindgen::{JsCast, JsValue};

    /// `value` as JSON text.
    pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
        let v = value
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| e.to_string())?;
        JSON::stringify(&v).map(String::from).map_err(js_error)
    }

    /// JSON text as a `T`; the error says what is wrong.
    pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        let v = JSON::parse(text).map_err(js_error)?;
        serde_wasm_bindgen::from_value(v).map_err(|e| e.to_string())
    }

    /// JSON text as a document to look into; `None` when it is not JSON.
    pub fn parse(text: &str) -> Option<Tree> {
        JSON::parse(text).ok().map(Tree)
    }

    /// The member names of the object `text` is, in order; empty for anything else.
    pub fn object_keys(text: &str) -> Vec<String> {
        parse(text)
            .filter(JsonTree::is_object)
            .map(|t| {
                let object: &Object = t.0.unchecked_ref();
                Object::keys(object)
                    .iter()
                    .filter_map(|k| k.as_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn js_error(e: JsValue) -> String {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| "not JSON".into())
    }

    /// A value `JSON.parse` made (plain objects, arrays, strings, numbers, booleans, null).
    #[derive(Clone, Debug)]
    pub struct Tree(JsValue);

    impl JsonTree for Tree {
        fn is_object(&self) -> bool {
            self.0.is_object() && !Array::is_array(&self.0)
        }
        fn get(&self, key: &str) -> Option<Self> {
            if !self.is_object() {
                return None;
            }
            let object: &Object = self.0.unchecked_ref();
            let key = JsValue::from_str(key);
            if !Object::has_own(object, &key) {
                return None;
            }
            js_sys::Reflect::get(&self.0, &key).ok().map(Tree)
        }
        fn as_str(&self) -> Option<String> {
            self.0.as_string()
        }
        fn as_u64(&self) -> Option<u64> {
            let n = self.0.as_f64()?;
            (js_sys::Number::is_safe_integer(&self.0) && n >= 0.0).then_some(n as u64)
        }
        fn items(&self) -> Option<Vec<Self>> {
            let array = self.0.dyn_ref::<Array>()?;
            Some(array.iter().map(Tree).collect())
        }
        fn values(&self) -> Option<Vec<Self>> {
            if !self.is_object() {
                return None;
            }
            let object: &Object = self.0.unchecked_ref();
            let values = Object::values(object);
            Some(values.iter().map(Tree).collect())
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::{DeserializeOwned, Serialize};

    /// `value` as JSON text.
    pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
        serde_json::to_string(value).map_err(|e| e.to_string())
    }

    /// JSON text as a `T`; the error says what is wrong.
    pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// JSON text as a document to look into; `None` when it is not JSON.
    pub fn parse(text: &str) -> Option<Tree> {
        serde_json::from_str(text).ok()
    }

    /// The member names of the object `text` is; empty for anything else.
    pub fn object_keys(text: &str) -> Vec<String> {
        match parse(text) {
            Some(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    /// A parsed JSON document.
    pub type Tree = serde_json::Value;
}
