//! Reading host messages: the JSON text becomes a small tree ([`Json`], one hand-written visitor), and the
//! fields are taken from it by name with errors that give the field's full path (`tasks[0].initial_value[1].left`).
//! Smaller in wasm than serde-derived structs read through `serde_path_to_error` (8.8 KB gzip measured, see
//! BENCHMARKS.md "The embed protocol: serde or a JSON tree"), with errors as precise.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::EmbedError;

/// A parsed JSON value. Numbers are `f64` (like JavaScript's, where the messages come from).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut fields = Vec::new();
        while let Some(entry) = map.next_entry::<String, Json>()? {
            fields.push(entry);
        }
        Ok(Json::Object(fields))
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

/// An object being read, with its path for errors.
pub(crate) struct Obj<'a> {
    path: String,
    fields: &'a [(String, Json)],
}

impl<'a> Obj<'a> {
    pub(crate) fn new(value: &'a Json, path: &str) -> Result<Self, EmbedError> {
        match value {
            Json::Object(fields) => Ok(Self {
                path: path.to_owned(),
                fields,
            }),
            other => Err(error(
                path,
                format!("must be an object, not {}", other.kind()),
            )),
        }
    }

    pub(crate) fn path_of(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    /// Refuses any field not in `allowed` (a misspelt `initialValue` is an error, not silently ignored).
    pub(crate) fn only(&self, what: &str, allowed: &[&str]) -> Result<(), EmbedError> {
        match self
            .fields
            .iter()
            .find(|(k, _)| !allowed.contains(&k.as_str()))
        {
            Some((name, _)) => Err(EmbedError::at(
                self.path_of(name),
                format!(
                    "{what} has no field `{name}` (it has: {}).",
                    allowed.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }

    /// Whether the field is given (and not `null`).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The object field (which must be given).
    pub(crate) fn object(&self, name: &str) -> Result<Obj<'a>, EmbedError> {
        match self.get(name) {
            Some(value) => Obj::new(value, &self.path_of(name)),
            None => Err(EmbedError::at(
                self.path_of(name),
                format!("`{name}` is missing."),
            )),
        }
    }

    /// The field, unless it is missing or `null`.
    fn get(&self, name: &str) -> Option<&'a Json> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
            .filter(|v| **v != Json::Null)
    }

    pub(crate) fn string(&self, name: &str) -> Result<Option<String>, EmbedError> {
        match self.get(name) {
            None => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.wrong(name, "a string", other)),
        }
    }

    /// The string fields `names`, each `None` when not given.
    pub(crate) fn optional_strings<const N: usize>(
        &self,
        names: [&str; N],
    ) -> Result<[Option<String>; N], EmbedError> {
        let mut values = [const { None }; N];
        for (value, name) in values.iter_mut().zip(names) {
            *value = self.string(name)?;
        }
        Ok(values)
    }

    pub(crate) fn required_string(&self, name: &str) -> Result<String, EmbedError> {
        self.string(name)?
            .ok_or_else(|| EmbedError::at(self.path_of(name), format!("`{name}` is missing.")))
    }

    pub(crate) fn number(&self, name: &str) -> Result<Option<f64>, EmbedError> {
        match self.get(name) {
            None => Ok(None),
            Some(Json::Number(n)) => Ok(Some(*n)),
            Some(other) => Err(self.wrong(name, "a number", other)),
        }
    }

    pub(crate) fn required_number(&self, name: &str) -> Result<f64, EmbedError> {
        self.number(name)?
            .ok_or_else(|| EmbedError::at(self.path_of(name), format!("`{name}` is missing.")))
    }

    /// A whole number from 0 to `max`; 0 when not given.
    pub(crate) fn whole(&self, name: &str, max: f64) -> Result<f64, EmbedError> {
        let n = self.number(name)?.unwrap_or(0.0);
        if n.fract() != 0.0 || !(0.0..=max).contains(&n) {
            return Err(EmbedError::at(
                self.path_of(name),
                format!("`{name}` must be a whole number from 0 to {max}, not {n}."),
            ));
        }
        Ok(n)
    }

    /// The array's items (none when not given).
    pub(crate) fn array(&self, name: &str) -> Result<&'a [Json], EmbedError> {
        match self.get(name) {
            None => Ok(&[]),
            Some(Json::Array(items)) => Ok(items),
            Some(other) => Err(self.wrong(name, "an array", other)),
        }
    }

    pub(crate) fn strings(&self, name: &str) -> Result<Vec<String>, EmbedError> {
        self.array(name)?
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Json::String(s) => Ok(s.clone()),
                other => Err(error(
                    &format!("{}[{i}]", self.path_of(name)),
                    format!("must be a string, not {}", other.kind()),
                )),
            })
            .collect()
    }

    /// An object of strings (empty when not given).
    pub(crate) fn string_map(&self, name: &str) -> Result<Vec<(String, String)>, EmbedError> {
        let Some(value) = self.get(name) else {
            return Ok(Vec::new());
        };
        let object = Obj::new(value, &self.path_of(name))?;
        object
            .fields
            .iter()
            .map(|(k, _)| Ok((k.clone(), object.required_string(k)?)))
            .collect()
    }

    fn wrong(&self, name: &str, expected: &str, found: &Json) -> EmbedError {
        EmbedError::at(
            self.path_of(name),
            format!("`{name}` must be {expected}, not {}.", found.kind()),
        )
    }
}

fn error(path: &str, what: String) -> EmbedError {
    if path.is_empty() {
        EmbedError::new(format!("The message {what}."))
    } else {
        EmbedError::at(path, format!("`{path}` {what}."))
    }
}

/// The JSON text as a tree, or an error saying it is not JSON.
pub(crate) fn parse(text: &str) -> Result<Json, EmbedError> {
    serde_json::from_str(text)
        .map_err(|e| EmbedError::new(format!("The message is not JSON ({e}).")))
}
