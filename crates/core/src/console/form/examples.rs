//! The job form's example images: a new job's URLs typed one per line, an existing job's examples added (by
//! address or as a stored file) and removed one by one, what the form calls each, and what a patch sends.

use super::{error, FormError, JobForm};
use crate::owner::{ExampleFile, ExampleSrc, JobExample};
use crate::wire::ExampleKind;

impl JobForm {
    /// Adds an example image by its http(s) address; the error names the kind's field.
    pub fn add_example_url(&mut self, kind: ExampleKind, text: &str) -> Result<(), FormError> {
        let field = examples_field(kind);
        let text = text.trim();
        if text.is_empty() {
            return Err(error(field, "type the image's http(s) address first"));
        }
        match ExampleSrc::parse(text) {
            Ok(ExampleSrc::Url(url)) => {
                self.push_example(kind, url.to_owned(), url.to_owned());
                Ok(())
            }
            _ => Err(error(
                field,
                format!("{text:?} is not an http(s) address of an image"),
            )),
        }
    }

    /// Adds an image file the server stored (`POST /api/jobs/{job}/example-files`), shown from `preview_url`.
    pub fn add_example_file(&mut self, kind: ExampleKind, file: &ExampleFile, preview_url: String) {
        self.push_example(kind, file.src.clone(), preview_url);
    }

    /// An example that is there already (same kind, same image) is not added twice.
    fn push_example(&mut self, kind: ExampleKind, src: String, url: String) {
        if !self.examples.iter().any(|e| e.kind == kind && e.src == src) {
            self.examples.push(JobExample { kind, src, url });
        }
    }

    /// Removes the example at `index` (in [`JobForm::examples`]); an index past the end changes nothing.
    pub fn remove_example(&mut self, index: usize) {
        if index < self.examples.len() {
            self.examples.remove(index);
        }
    }
}

/// The form field that holds examples of `kind` (and the patch field the server names).
pub fn examples_field(kind: ExampleKind) -> &'static str {
    match kind {
        ExampleKind::Good => "good_examples",
        ExampleKind::Bad => "bad_examples",
    }
}

/// What the form calls the example at `index`: `Good example 2` is the second good one.
pub fn example_title(examples: &[JobExample], index: usize) -> String {
    let Some(example) = examples.get(index) else {
        return String::new();
    };
    let place = examples[..index]
        .iter()
        .filter(|e| e.kind == example.kind)
        .count()
        + 1;
    let kind = match example.kind {
        ExampleKind::Good => "Good",
        ExampleKind::Bad => "Bad",
    };
    format!("{kind} example {place}")
}

/// The `src` of every example of `kind`, in order.
fn srcs(examples: &[JobExample], kind: ExampleKind) -> Vec<String> {
    examples
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.src.clone())
        .collect()
}

/// The form's examples of `kind` when they are not the job's (in content or order), else `None`.
pub(super) fn changed_examples(
    form: &[JobExample],
    job: &[JobExample],
    kind: ExampleKind,
) -> Option<Vec<String>> {
    let wanted = srcs(form, kind);
    (wanted != srcs(job, kind)).then_some(wanted)
}

/// Example image URLs, one per line, each http(s).
pub(super) fn urls(field: &'static str, text: &str) -> Result<Vec<String>, FormError> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|url| {
            if url.starts_with("https://") || url.starts_with("http://") {
                Ok(url.to_owned())
            } else {
                Err(error(
                    field,
                    format!("{url:?} is not an http(s) address of an image"),
                ))
            }
        })
        .collect()
}
