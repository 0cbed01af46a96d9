//! Model class names, and mapping model classes to the job's labels.
//!
//! Names come from a `classes.txt` (one name per line, line N is class N − 1, as YOLO's `obj.names`), else from
//! the ONNX metadata `names` (Ultralytics writes `{0: 'person', 1: 'bicycle', …}`), else classes are called by
//! their index ("0", "1", …). A model class maps to the job label of the same name (ignoring case); a class map
//! file maps the rest. Classes that map to no label are dropped (and counted by the run).

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{quoted_list, PrelabelError};

/// Reads a `classes.txt`: one class name per line; blank lines at the end are ignored.
pub fn read_classes_file(path: &Path) -> Result<Vec<String>, PrelabelError> {
    let text = std::fs::read_to_string(path).map_err(|source| PrelabelError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_classes(&text).map_err(|(line, reason)| PrelabelError::ClassesFile {
        path: path.to_owned(),
        line,
        reason,
    })
}

/// The names of a `classes.txt`, or the line (from 1) and what is wrong with it.
pub fn parse_classes(text: &str) -> Result<Vec<String>, (usize, String)> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let used = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |last| last + 1);
    let mut names: Vec<String> = Vec::with_capacity(used);
    for (index, line) in lines[..used].iter().enumerate() {
        if line.is_empty() {
            return Err((index + 1, "is empty; each line names one class".to_owned()));
        }
        if let Some(first) = names.iter().position(|n| n.eq_ignore_ascii_case(line)) {
            return Err((
                index + 1,
                format!("repeats class {line:?} of line {}", first + 1),
            ));
        }
        names.push((*line).to_owned());
    }
    if names.is_empty() {
        return Err((1, "no class names in the file".to_owned()));
    }
    Ok(names)
}

/// Class names from the ONNX metadata value `names`: a Python dict `{0: 'a', 1: "b"}` (as Ultralytics writes it),
/// a list `['a', 'b']`, or the JSON forms of either. `None` when it is none of these or leaves a class out.
pub fn parse_metadata_names(value: &str) -> Option<Vec<String>> {
    let mut chars = value.trim().chars().peekable();
    let (open, close) = match chars.next()? {
        '{' => ('{', '}'),
        '[' => ('[', ']'),
        _ => return None,
    };
    let mut by_index: BTreeMap<usize, String> = BTreeMap::new();
    let skip_spaces = |chars: &mut std::iter::Peekable<std::str::Chars>| {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
    };
    loop {
        skip_spaces(&mut chars);
        if chars.peek() == Some(&close) {
            chars.next();
            break;
        }
        let index = if open == '{' {
            let quoted = chars.peek().is_some_and(|c| *c == '"' || *c == '\'');
            let key = if quoted {
                quoted_string(&mut chars)?
            } else {
                let mut digits = String::new();
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    digits.push(chars.next()?);
                }
                digits
            };
            skip_spaces(&mut chars);
            if chars.next()? != ':' {
                return None;
            }
            skip_spaces(&mut chars);
            key.parse().ok()?
        } else {
            by_index.len()
        };
        let name = quoted_string(&mut chars)?;
        by_index.insert(index, name);
        skip_spaces(&mut chars);
        match chars.next()? {
            ',' => {}
            c if c == close => break,
            _ => return None,
        }
    }
    // Indices must be 0..n with none missing.
    let complete = by_index.keys().enumerate().all(|(i, k)| i == *k);
    (complete && !by_index.is_empty()).then(|| by_index.into_values().collect())
}

fn quoted_string(chars: &mut std::iter::Peekable<std::str::Chars>) -> Option<String> {
    let quote = chars.next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let mut out = String::new();
    loop {
        match chars.next()? {
            '\\' => out.push(chars.next()?),
            c if c == quote => return Some(out),
            c => out.push(c),
        }
    }
}

/// Reads a class map file (TOML): each key a model class (its name, or its index when the model has no names),
/// each value the job label it becomes, or `""` to drop that class.
///
/// ```toml
/// motorbike = "motorcycle"
/// "traffic light" = "signal"
/// person = ""
/// ```
pub fn read_class_map_file(path: &Path) -> Result<Vec<(String, String)>, PrelabelError> {
    let text = std::fs::read_to_string(path).map_err(|source| PrelabelError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_class_map(&text).map_err(|reason| PrelabelError::ClassMapFile {
        path: path.to_owned(),
        reason,
    })
}

pub fn parse_class_map(text: &str) -> Result<Vec<(String, String)>, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    table
        .into_iter()
        .map(|(key, value)| match value {
            toml::Value::String(label) => Ok((key, label)),
            other => Err(format!(
                "model class {key:?} maps to {other}, which is not a label name in quotes"
            )),
        })
        .collect()
}

/// Model class index → job label index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassMap {
    model_classes: Vec<String>,
    to_label: BTreeMap<usize, usize>,
}

impl ClassMap {
    /// `model_classes` may be empty when the model's classes are unknown (an NMS model without names); then
    /// `overrides` must name classes by index.
    pub fn new(
        model_classes: &[String],
        job_labels: &[String],
        overrides: &[(String, String)],
    ) -> Result<Self, PrelabelError> {
        let find_label = |name: &str| {
            job_labels.iter().position(|l| l == name).or_else(|| {
                job_labels
                    .iter()
                    .position(|l| l.trim().eq_ignore_ascii_case(name.trim()))
            })
        };
        let mut to_label: BTreeMap<usize, usize> = model_classes
            .iter()
            .enumerate()
            .filter_map(|(class, name)| find_label(name).map(|label| (class, label)))
            .collect();
        for (model_class, label) in overrides {
            let class = model_classes
                .iter()
                .position(|n| n == model_class)
                .or_else(|| {
                    model_classes
                        .iter()
                        .position(|n| n.eq_ignore_ascii_case(model_class.trim()))
                })
                .or_else(|| {
                    let index: usize = model_class.trim().parse().ok()?;
                    (model_classes.is_empty() || index < model_classes.len()).then_some(index)
                })
                .ok_or_else(|| PrelabelError::UnknownModelClass {
                    model_class: model_class.clone(),
                    model_classes: if model_classes.is_empty() {
                        "unknown: name them by index, 0, 1, …".to_owned()
                    } else {
                        quoted_list(model_classes)
                    },
                })?;
            if label.is_empty() {
                to_label.remove(&class);
                continue;
            }
            let label_index = find_label(label).ok_or_else(|| PrelabelError::UnknownJobLabel {
                model_class: model_class.clone(),
                label: label.clone(),
                job_labels: quoted_list(job_labels),
            })?;
            to_label.insert(class, label_index);
        }
        Ok(Self {
            model_classes: model_classes.to_vec(),
            to_label,
        })
    }

    /// The job label index a model class becomes, if any.
    pub fn label_of(&self, class: usize) -> Option<usize> {
        self.to_label.get(&class).copied()
    }

    /// Whether no model class maps to a label.
    pub fn is_empty(&self) -> bool {
        self.to_label.is_empty()
    }

    /// The model class's name, or its index when the model has no names.
    pub fn class_name(&self, class: usize) -> String {
        self.model_classes
            .get(class)
            .cloned()
            .unwrap_or_else(|| class.to_string())
    }

    /// Model classes that map to no label, by name (for telling the user before a run).
    pub fn unmapped_classes(&self) -> Vec<String> {
        (0..self.model_classes.len())
            .filter(|c| !self.to_label.contains_key(c))
            .map(|c| self.class_name(c))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_classes_file_gives_one_name_per_line_ignoring_trailing_blank_lines() {
        assert_eq!(
            parse_classes("person\n bicycle \ncar\n\n").unwrap(),
            names(&["person", "bicycle", "car"])
        );
    }

    #[test]
    fn a_classes_file_with_a_blank_or_repeated_line_is_an_error_naming_the_line() {
        assert_eq!(parse_classes("a\n\nb\n").unwrap_err().0, 2);
        let (line, reason) = parse_classes("a\nb\nA\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(reason.contains("line 1"), "{reason}");
        assert!(parse_classes("\n\n").is_err());
    }

    #[test]
    fn ultralytics_metadata_names_are_read_in_index_order() {
        let value = "{0: 'person', 1: \"traffic light\", 2: 'it\\'s'}";
        assert_eq!(
            parse_metadata_names(value).unwrap(),
            names(&["person", "traffic light", "it's"])
        );
        assert_eq!(
            parse_metadata_names("['a', 'b']").unwrap(),
            names(&["a", "b"])
        );
        assert_eq!(
            parse_metadata_names(r#"{"0": "a", "1": "b"}"#).unwrap(),
            names(&["a", "b"])
        );
    }

    #[test]
    fn metadata_names_with_a_gap_or_in_another_form_are_not_used() {
        assert_eq!(parse_metadata_names("{0: 'a', 2: 'b'}"), None);
        assert_eq!(parse_metadata_names("person,car"), None);
        assert_eq!(parse_metadata_names("{0: 'a'"), None);
    }

    #[test]
    fn model_classes_map_to_job_labels_of_the_same_name_ignoring_case() {
        let map = ClassMap::new(
            &names(&["person", "Car", "dog"]),
            &names(&["car", "person"]),
            &[],
        )
        .unwrap();
        assert_eq!(
            (map.label_of(0), map.label_of(1), map.label_of(2)),
            (Some(1), Some(0), None)
        );
        assert_eq!(map.unmapped_classes(), names(&["dog"]));
    }

    #[test]
    fn a_class_map_maps_the_rest_and_can_drop_a_class() {
        let overrides = parse_class_map("motorbike = \"motorcycle\"\nperson = \"\"\n").unwrap();
        let map = ClassMap::new(
            &names(&["person", "motorbike"]),
            &names(&["person", "motorcycle"]),
            &overrides,
        )
        .unwrap();
        assert_eq!((map.label_of(0), map.label_of(1)), (None, Some(1)));
    }

    #[test]
    fn a_model_without_names_is_mapped_by_index() {
        let overrides = parse_class_map("\"0\" = \"car\"\n\"7\" = \"truck\"").unwrap();
        let map = ClassMap::new(&[], &names(&["car", "truck"]), &overrides).unwrap();
        assert_eq!(
            (map.label_of(0), map.label_of(7), map.label_of(3)),
            (Some(0), Some(1), None)
        );
        assert_eq!(map.class_name(3), "3");
    }

    #[test]
    fn a_class_map_naming_a_label_the_job_lacks_is_an_error_naming_it() {
        let overrides = parse_class_map("dog = \"puppy\"").unwrap();
        let error = ClassMap::new(&names(&["dog"]), &names(&["cat", "car"]), &overrides)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("\"puppy\"") && error.contains("\"cat\", \"car\""),
            "{error}"
        );
    }

    #[test]
    fn a_class_map_naming_a_class_the_model_lacks_is_an_error_naming_it() {
        let overrides = parse_class_map("zebra = \"cat\"").unwrap();
        let error = ClassMap::new(&names(&["dog"]), &names(&["cat"]), &overrides)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("\"zebra\"") && error.contains("\"dog\""),
            "{error}"
        );
    }

    #[test]
    fn a_class_map_that_is_not_a_table_of_names_is_an_error() {
        assert!(parse_class_map("dog = 3").unwrap_err().contains("\"dog\""));
        assert!(parse_class_map("dog = ").is_err());
    }
}
