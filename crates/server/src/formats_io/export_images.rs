//! The image files of a folder export: VOC wants them in `JPEGImages/`, YOLO in `images/` next to `labels/`
//! (plus a `data.yaml` that training tools read). Each stored image is hard-linked from the image store when the
//! output is on the same file system (no copy, no extra space; the store never changes a file in place, so
//! the link stays right), else copied. Images that stay at an http(s) URL are not downloaded: they are counted,
//! and their annotation files still name them.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{ensure, Context};

use crate::db::{self, Store};
use crate::export::ExportFormat;
use crate::jobs::require_job;

/// What [`write_export_images`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportedImages {
    pub linked: usize,
    pub copied: usize,
    /// Images at an http(s) URL, not in the store: not written.
    pub remote: usize,
}

/// Writes the job's image files into `output` in the layout of `format` (nothing for the one-file formats),
/// and YOLO's `data.yaml`.
pub async fn write_export_images(
    store: &Store,
    store_dir: &Path,
    job_name: &str,
    format: ExportFormat,
    output: &Path,
) -> anyhow::Result<ExportedImages> {
    let folder = match format {
        ExportFormat::Voc => "JPEGImages",
        ExportFormat::Yolo => "images",
        ExportFormat::Coco | ExportFormat::Groundtruth | ExportFormat::Openimages => {
            return Ok(ExportedImages::default())
        }
    };
    let job = require_job(store, job_name).await?;
    let images = db::images::job_files(store, job.id).await?;
    let labels = {
        let mut conn = store.connect().await?;
        db::jobs::labels(&mut conn, &job)?
    };
    let (store_dir, output) = (store_dir.to_owned(), output.to_owned());
    tokio::task::spawn_blocking(move || {
        let done = link_or_copy_all(&store_dir, &output.join(folder), &images)?;
        if format == ExportFormat::Yolo {
            write_yolo_data_file(&output, &labels)?;
        }
        Ok(done)
    })
    .await
    .context("the image export stopped")?
}

fn link_or_copy_all(
    store_dir: &Path,
    folder: &Path,
    images: &[(String, String, Option<String>)],
) -> anyhow::Result<ExportedImages> {
    fs::create_dir_all(folder)
        .with_context(|| format!("cannot create the folder {}", folder.display()))?;
    let mut done = ExportedImages::default();
    for (file_name, store_path, source_url) in images {
        if source_url.is_some() || store_path.is_empty() {
            done.remote += 1;
            continue;
        }
        let source = store_dir.join(store_path);
        let target = folder.join(target_name(file_name, store_path)?);
        if link_or_copy(&source, &target)? {
            done.linked += 1;
        } else {
            done.copied += 1;
        }
    }
    Ok(done)
}

/// The image's file name without folders (the annotation files are named after its stem), with the stored
/// file's extension when the name has none.
fn target_name(file_name: &str, store_path: &str) -> anyhow::Result<String> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or_default();
    ensure!(
        !base.is_empty() && base != "." && base != "..",
        "image {file_name:?} has no file name to export it under"
    );
    if base.contains('.') {
        return Ok(base.to_owned());
    }
    let extension = Path::new(store_path)
        .extension()
        .and_then(|extension| extension.to_str())
        .unwrap_or("jpg");
    Ok(format!("{base}.{extension}"))
}

/// Puts `source` at `target` (replacing an earlier export's file) through a temporary name and a rename, so a
/// reader never sees half a file. Returns whether it is a hard link (else a copy).
fn link_or_copy(source: &Path, target: &Path) -> anyhow::Result<bool> {
    let mut temporary = target.as_os_str().to_owned();
    temporary.push(format!(".partial-{}", std::process::id()));
    let temporary = PathBuf::from(temporary);
    let _ = fs::remove_file(&temporary);
    let linked = match fs::hard_link(source, &temporary) {
        Ok(()) => true,
        // Another file system (EXDEV) or one without hard links: copy.
        Err(_) => {
            fs::copy(source, &temporary).with_context(|| {
                format!(
                    "cannot copy the image {} to {}",
                    source.display(),
                    temporary.display()
                )
            })?;
            false
        }
    };
    fs::rename(&temporary, target)
        .with_context(|| format!("cannot write the image {}", target.display()))?;
    Ok(linked)
}

/// `data.yaml` as Ultralytics YOLO reads it: the dataset root as an absolute path (a relative one is taken
/// relative to the tool's own datasets folder), the images for training and validation, and the class names
/// in class-id order (the same as `classes.txt`).
fn write_yolo_data_file(output: &Path, labels: &[String]) -> anyhow::Result<()> {
    let root = output
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", output.display()))?;
    let root = root
        .to_str()
        .with_context(|| format!("the folder {} is not valid UTF-8", root.display()))?;
    // JSON strings are valid YAML double-quoted scalars, so names with any characters stay intact.
    let quoted = |text: &str| serde_json::to_string(text).unwrap_or_default();
    let names: Vec<String> = labels.iter().map(|label| quoted(label)).collect();
    let yaml = format!(
        "# written by crowdbox export\npath: {}\ntrain: images\nval: images\nnc: {}\nnames: [{}]\n",
        quoted(root),
        labels.len(),
        names.join(", ")
    );
    crate::formats_io::write::write_atomically(&output.join("data.yaml"), yaml.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_is_exported_under_its_base_name_with_an_extension() {
        assert_eq!(
            target_name("a/b/cat.png", "ab/ab12.png").unwrap(),
            "cat.png"
        );
        assert_eq!(target_name("cat", "ab/ab12.jpg").unwrap(), "cat.jpg");
        assert!(target_name("a/..", "ab/ab12.jpg").is_err());
        assert!(target_name("", "ab/ab12.jpg").is_err());
    }
}
