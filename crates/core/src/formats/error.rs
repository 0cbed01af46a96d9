//! The one error type of every importer and exporter.

use std::fmt;

/// What went wrong while reading or writing a dataset, and where.
///
/// `location` names the record (`line 3`, `annotations[12]`, `row 7`, `object 2 of 000001.xml`) and `field` the
/// field inside it (`bbox`, `source-ref`, `XMin`), so a person can go straight to the offending spot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// The format being read or written, e.g. `COCO`, `Ground Truth output manifest`.
    pub format: &'static str,
    /// The record the error is in, when one record is to blame.
    pub location: Option<String>,
    /// The field inside the record, when one field is to blame.
    pub field: Option<String>,
    /// A sentence saying what is wrong.
    pub message: String,
}

impl FormatError {
    pub fn new(format: &'static str, message: impl Into<String>) -> Self {
        Self {
            format,
            location: None,
            field: None,
            message: message.into(),
        }
    }

    /// Names the record the error is in.
    pub fn at(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }

    /// Names the field the error is in.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// An error in `field` of the record at `location`.
    pub fn in_field(
        format: &'static str,
        location: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(format, message).at(location).field(field)
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.format)?;
        if let Some(location) = &self.location {
            write!(f, " {location}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for FormatError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_format_the_record_and_the_field() {
        let error = FormatError::in_field("YOLO", "line 3", "cx", "expected a number, found `abc`");
        assert_eq!(
            error.to_string(),
            "YOLO line 3, field `cx`: expected a number, found `abc`"
        );
        assert_eq!(
            FormatError::new("COCO", "empty input").to_string(),
            "COCO: empty input"
        );
    }
}
