//! SageMaker Ground Truth input manifests: one JSON object per line naming an image with `source-ref`.
//!
//! ```text
//! {"source-ref": "images/000001.jpg"}
//! {"source-ref": "https://example.org/photos/000002.jpg", "batch": 3}
//! ```
//! Blank lines are skipped; other attributes on a line are ignored. `s3://` references cannot be read without
//! cloud credentials, so they are refused with a message saying so.

use super::FormatError;

const FORMAT: &str = "Ground Truth input manifest";

/// Where an image's pixels are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageSource {
    /// An `http://` or `https://` URL, kept as written.
    Url(String),
    /// A file path, relative to the manifest's directory unless absolute (`file://` URLs become their path).
    LocalPath(String),
}

/// One image named by an input manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputManifestEntry {
    /// The 1-based line it came from, for messages about the image later on (unreadable, not an image…).
    pub line: usize,
    pub source: ImageSource,
}

/// Reads an input manifest. The error names the line and what is wrong on it.
pub fn import_ground_truth_input_manifest(
    text: &str,
) -> Result<Vec<InputManifestEntry>, FormatError> {
    let mut entries = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let location = || format!("line {line_number}");
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line)
            .map_err(|error| {
                FormatError::new(FORMAT, format!("expected a JSON object: {error}")).at(location())
            })?;
        let source_ref = match object.get("source-ref") {
            Some(serde_json::Value::String(source_ref)) => source_ref.trim(),
            Some(other) => {
                let message = format!("expected a string, found {other}");
                return Err(FormatError::in_field(
                    FORMAT,
                    location(),
                    "source-ref",
                    message,
                ));
            }
            None if object.contains_key("source") => {
                let message =
                    "this line holds text (`source`), not an image reference (`source-ref`)";
                return Err(FormatError::in_field(
                    FORMAT,
                    location(),
                    "source-ref",
                    message,
                ));
            }
            None => {
                return Err(FormatError::in_field(
                    FORMAT,
                    location(),
                    "source-ref",
                    "missing",
                ))
            }
        };
        let source = classify_source(source_ref)
            .map_err(|message| FormatError::in_field(FORMAT, location(), "source-ref", message))?;
        entries.push(InputManifestEntry {
            line: line_number,
            source,
        });
    }
    Ok(entries)
}

/// Tells URLs from local paths; refuses what crowdbox cannot fetch.
fn classify_source(source_ref: &str) -> Result<ImageSource, String> {
    if source_ref.is_empty() {
        return Err("the image reference is empty".into());
    }
    let lower = source_ref.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let host = source_ref.split_once("://").map_or("", |(_, rest)| rest);
        if host.is_empty() || host.starts_with('/') {
            return Err(format!("the URL `{source_ref}` has no host"));
        }
        return Ok(ImageSource::Url(source_ref.to_owned()));
    }
    if lower.starts_with("file://") {
        let path = source_ref["file://".len()..].trim_start_matches("localhost");
        if !path.starts_with('/') {
            return Err(format!(
                "a file URL needs an absolute path (`file:///…`), found `{source_ref}`"
            ));
        }
        return Ok(ImageSource::LocalPath(path.to_owned()));
    }
    if lower.starts_with("s3://") {
        return Err(format!(
            "`{source_ref}` is in Amazon S3, which crowdbox cannot read; download the images and use local paths \
             or https URLs"
        ));
    }
    // A scheme is letters, digits, `+`, `-`, `.` before `://`; a Windows drive (`C:\`) is not one.
    if let Some((scheme, _)) = source_ref.split_once("://") {
        if !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            return Err(format!(
                "the `{scheme}://` scheme is not supported: use a local path or an http(s) URL"
            ));
        }
    }
    Ok(ImageSource::LocalPath(source_ref.to_owned()))
}
