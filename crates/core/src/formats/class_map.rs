//! Renaming labels on import, so that names from several sources meet: `drill` → `driller`.

use std::collections::BTreeMap;

use super::{Dataset, FormatError};

const FORMAT: &str = "class map";

/// Label renames applied to a whole dataset. Each name is renamed at most once: `a → b, b → c` turns `a` into
/// `b`, not `c`, so a map can never loop. Names not in the map stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassMap {
    renames: BTreeMap<String, String>,
}

impl ClassMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Renames `from` to `to`; a later rename of the same `from` replaces the earlier one.
    pub fn insert(&mut self, from: impl Into<String>, to: impl Into<String>) -> &mut Self {
        self.renames.insert(from.into(), to.into());
        self
    }

    pub fn is_empty(&self) -> bool {
        self.renames.is_empty()
    }

    /// Reads a JSON object of renames: `{"drill": "driller", "screw driver": "screwdriver"}`.
    pub fn from_json(text: &str) -> Result<Self, FormatError> {
        let renames: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|error| {
                FormatError::new(
                    FORMAT,
                    format!("expected a JSON object of `\"old\": \"new\"` names: {error}"),
                )
            })?;
        let mut map = Self::new();
        for (from, to) in renames {
            match to {
                serde_json::Value::String(to) if !to.trim().is_empty() => {
                    map.insert(from, to);
                }
                other => {
                    return Err(FormatError::in_field(
                        FORMAT,
                        "the JSON object",
                        from,
                        format!("the new name must be a non-empty string, found {other}"),
                    ))
                }
            }
        }
        Ok(map)
    }

    /// Reads renames written one per line as `old = new` (or `old=new`); blank lines and lines starting with `#`
    /// are skipped. Spaces around each name are trimmed, spaces inside are kept (`screw driver = screwdriver`).
    pub fn parse_assignments(text: &str) -> Result<Self, FormatError> {
        let mut map = Self::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let location = format!("line {}", index + 1);
            let Some((from, to)) = line.split_once('=') else {
                return Err(FormatError::new(
                    FORMAT,
                    format!("expected `old = new`, found `{line}`"),
                )
                .at(location));
            };
            let (from, to) = (from.trim(), to.trim());
            if from.is_empty() || to.is_empty() {
                return Err(FormatError::new(
                    FORMAT,
                    format!("both names must be non-empty in `{line}`"),
                )
                .at(location));
            }
            map.insert(from, to);
        }
        Ok(map)
    }

    /// The name `label` becomes.
    pub fn rename<'a>(&'a self, label: &'a str) -> &'a str {
        self.renames.get(label).map_or(label, String::as_str)
    }

    /// Renames every box and every listed label. Labels that become the same name are merged into one, at the
    /// position of the first of them.
    pub fn apply(&self, dataset: &mut Dataset) {
        if self.is_empty() {
            return;
        }
        for image in &mut dataset.images {
            for dataset_box in &mut image.boxes {
                if let Some(to) = self.renames.get(&dataset_box.label) {
                    dataset_box.label.clone_from(to);
                }
            }
        }
        let old_labels = std::mem::take(&mut dataset.labels);
        for label in &old_labels {
            dataset.add_label(self.rename(label));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{DatasetBox, DatasetImage};
    use crate::geometry::ImageRect;

    #[test]
    fn renamed_labels_that_meet_are_merged_at_the_first_position() {
        let mut dataset = Dataset::new();
        dataset.labels = vec!["drill".into(), "hammer".into(), "driller".into()];
        let mut image = DatasetImage::new("a.jpg", 10, 10);
        image
            .boxes
            .push(DatasetBox::new("drill", ImageRect::new(0.0, 0.0, 1.0, 1.0)));
        image.boxes.push(DatasetBox::new(
            "driller",
            ImageRect::new(0.0, 0.0, 1.0, 1.0),
        ));
        dataset.images.push(image);
        ClassMap::parse_assignments("# tools\ndrill = driller\n\n")
            .unwrap()
            .apply(&mut dataset);
        assert_eq!(dataset.labels, ["driller", "hammer"]);
        assert!(dataset.images[0].boxes.iter().all(|b| b.label == "driller"));
    }

    #[test]
    fn renames_are_applied_once_so_a_swap_cannot_loop() {
        let mut map = ClassMap::new();
        map.insert("a", "b").insert("b", "a");
        assert_eq!(map.rename("a"), "b");
        assert_eq!(map.rename("b"), "a");
        assert_eq!(map.rename("c"), "c");
    }

    #[test]
    fn a_json_class_map_must_map_names_to_names() {
        let map = ClassMap::from_json(r#"{"screw driver": "screwdriver"}"#).unwrap();
        assert_eq!(map.rename("screw driver"), "screwdriver");
        let error = ClassMap::from_json(r#"{"drill": 3}"#).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("drill"));
        assert!(ClassMap::from_json("[1, 2]").is_err());
    }

    #[test]
    fn an_assignment_without_an_equals_sign_names_its_line() {
        let error = ClassMap::parse_assignments("a = b\ndrill driller\n").unwrap_err();
        assert_eq!(error.location.as_deref(), Some("line 2"));
    }
}
