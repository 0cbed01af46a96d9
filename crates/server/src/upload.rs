//! `POST /api/jobs/{job}/images`: an upload, once its parts are on disk, imported as `crowdbox import` would.
//!
//! The HTTP side ([`crate::api`]) streams each part into an [`UploadDir`]; here the parts become a source (an
//! image folder, or a dataset in one of the import formats with the uploaded images beside it) and go through
//! the same all-or-nothing [`import_dataset`] as the command line. The folder is deleted afterwards.

use std::fs;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context};
use crowdbox_core::owner::UploadReport;

use crate::db::Store;
use crate::formats_io::ingest::{import_dataset, DatasetImport, ImportAs};
use crate::formats_io::sources::{self, LoadedSource};

/// The dataset formats an upload may carry, as the `format` part names them.
pub const UPLOAD_FORMATS: [&str; 5] = ["coco", "groundtruth", "voc", "yolo", "openimages"];

/// A temporary folder holding one upload's parts: `images/` for image parts, `dataset/` for the dataset file.
pub struct UploadDir {
    dir: tempfile::TempDir,
}

impl UploadDir {
    /// A new folder inside `parent` (the database's folder, so files stay on the image store's disk).
    pub fn new(parent: &Path) -> anyhow::Result<Self> {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder {}", parent.display()))?;
        let dir = tempfile::Builder::new()
            .prefix(".upload-")
            .tempdir_in(parent)
            .with_context(|| format!("cannot make an upload folder in {}", parent.display()))?;
        fs::create_dir(dir.path().join("images"))?;
        fs::create_dir(dir.path().join("dataset"))?;
        Ok(Self { dir })
    }

    pub fn images(&self) -> PathBuf {
        self.dir.path().join("images")
    }

    pub fn dataset(&self) -> PathBuf {
        self.dir.path().join("dataset")
    }
}

/// A part's file name as a plain name inside the upload folder: its last path component, which must be a
/// normal name (no `..`, no empty name).
pub fn safe_file_name(part: &str, given: &str) -> anyhow::Result<String> {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut components = Path::new(last).components();
    match (components.next(), components.next()) {
        (Some(Component::Normal(name)), None) => Ok(name.to_string_lossy().into_owned()),
        _ => bail!("the {part} part's file name {given:?} is not a file name"),
    }
}

/// What the upload's text parts asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UploadRequest {
    /// The dataset part's file name inside [`UploadDir::dataset`], if there was one.
    pub dataset: Option<String>,
    /// `format`: one of [`UPLOAD_FORMATS`].
    pub format: Option<String>,
    /// `as`: pre or final, for a dataset with boxes.
    pub import_as: Option<String>,
    /// An Open Images class descriptions file inside [`UploadDir::dataset`].
    pub class_descriptions: Option<String>,
    /// How many image parts there were.
    pub image_parts: usize,
}

/// A problem with the upload, naming the part (the API answers 422 with it as the field).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UploadError {
    pub part: &'static str,
    pub message: String,
}

fn refuse(part: &'static str, message: impl Into<String>) -> UploadError {
    UploadError {
        part,
        message: message.into(),
    }
}

/// Imports the upload into job `job` (which exists); all or nothing. `max_bytes` bounds what a zip may unpack to.
pub async fn import_upload(
    store: &Store,
    image_store: &Path,
    job: &str,
    dir: &UploadDir,
    request: &UploadRequest,
    max_bytes: u64,
    now_ms: i64,
) -> Result<UploadReport, UploadError> {
    let import_as = match request.import_as.as_deref() {
        None => None,
        Some("pre") => Some(ImportAs::Pre),
        Some("final") => Some(ImportAs::Final),
        Some("gold") => Some(ImportAs::Gold),
        Some(other) => {
            return Err(refuse(
                "as",
                format!("as must be pre, final or gold, not {other:?}"),
            ))
        }
    };
    let source = match (&request.dataset, request.format.as_deref()) {
        (None, None) => {
            if request.image_parts == 0 {
                return Err(refuse(
                    "images",
                    "the upload has no image parts and no dataset part",
                ));
            }
            if import_as.is_some() {
                return Err(refuse("as", "as goes with a dataset part"));
            }
            sources::load_image_folder(&dir.images())
                .map_err(|error| refuse("images", format!("{error:#}")))?
        }
        (None, Some(_)) => return Err(refuse("dataset", "a format part needs a dataset part")),
        (Some(_), None) => {
            return Err(refuse(
                "format",
                format!(
                    "a dataset part needs a format part: one of {}",
                    UPLOAD_FORMATS.join(", ")
                ),
            ))
        }
        (Some(file), Some(format)) => {
            load_dataset(dir, file, format, request, max_bytes).map_err(|error| match error {
                LoadError::Format(message) => refuse("format", message),
                LoadError::Dataset(error) => refuse("dataset", format!("{error:#}")),
            })?
        }
    };
    let report = import_dataset(
        store,
        image_store,
        DatasetImport {
            job,
            source,
            import_as,
            class_map: None,
            labels: None,
        },
        now_ms,
    )
    .await
    .map_err(|error| {
        let part = if request.dataset.is_some() {
            "dataset"
        } else {
            "images"
        };
        refuse(part, format!("{error:#}"))
    })?;
    Ok(UploadReport {
        added: report.images_added as u64,
        already_present: report.images_present as u64,
        boxes_stored: report.boxes_stored as u64,
        left_out: (report.boxes_dropped + report.images_skipped) as u64,
    })
}

enum LoadError {
    Format(String),
    Dataset(anyhow::Error),
}

impl From<anyhow::Error> for LoadError {
    fn from(error: anyhow::Error) -> Self {
        Self::Dataset(error)
    }
}

fn load_dataset(
    dir: &UploadDir,
    file: &str,
    format: &str,
    request: &UploadRequest,
    max_bytes: u64,
) -> Result<LoadedSource, LoadError> {
    let path = dir.dataset().join(file);
    let images = dir.images();
    let image_dir = (request.image_parts > 0).then_some(images.as_path());
    Ok(match format {
        "coco" => sources::load_coco(&path, image_dir)?,
        "groundtruth" => sources::load_manifest(&path)?,
        "openimages" => {
            let descriptions = request
                .class_descriptions
                .as_ref()
                .map(|name| dir.dataset().join(name));
            sources::load_open_images(&path, image_dir, descriptions.as_deref())?
        }
        "voc" | "yolo" => {
            let unpacked = dir.dataset().join("unpacked");
            unzip(&path, &unpacked, max_bytes)?;
            let root = single_folder(&unpacked)?;
            if format == "voc" {
                sources::load_voc(&root, image_dir)?
            } else {
                sources::load_yolo(&root, None)?
            }
        }
        other => {
            return Err(LoadError::Format(format!(
                "format must be one of {}, not {other:?}",
                UPLOAD_FORMATS.join(", ")
            )))
        }
    })
}

/// Unpacks the zip at `zip` into `dest`, refusing entries that would land outside it and archives that unpack
/// to more than `max_bytes`.
fn unzip(zip: &Path, dest: &Path, max_bytes: u64) -> anyhow::Result<()> {
    let file = fs::File::open(zip).with_context(|| format!("cannot open {}", zip.display()))?;
    let mut archive =
        zip::ZipArchive::new(file).context("the dataset part is not a zip archive")?;
    let mut written = 0u64;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index)?;
        let Some(relative) = entry.enclosed_name() else {
            bail!(
                "the zip entry {:?} points outside the archive",
                entry.name()
            );
        };
        let target = dest.join(relative);
        if entry.is_dir() {
            fs::create_dir_all(&target)?;
            continue;
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut out = fs::File::create(&target)
            .with_context(|| format!("cannot write {}", target.display()))?;
        let mut buffer = [0u8; 64 * 1024];
        loop {
            let read = entry.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            written += read as u64;
            if written > max_bytes {
                bail!("the zip unpacks to more than the upload limit of {max_bytes} bytes");
            }
            out.write_all(&buffer[..read])?;
        }
    }
    Ok(())
}

/// The dataset's folder in an unpacked zip: the zip's root, or its only folder when everything is inside one
/// (as `zip -r voc.zip voc/` makes it).
fn single_folder(unpacked: &Path) -> anyhow::Result<PathBuf> {
    fs::create_dir_all(unpacked)?;
    let entries: Vec<PathBuf> = fs::read_dir(unpacked)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()?;
    match entries.as_slice() {
        [only] if only.is_dir() => Ok(only.clone()),
        _ => Ok(unpacked.to_path_buf()),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_file_name;

    #[test]
    fn a_part_file_name_keeps_only_its_last_plain_component() {
        assert_eq!(safe_file_name("image", "a.jpg").unwrap(), "a.jpg");
        assert_eq!(safe_file_name("image", "dir/sub/b.png").unwrap(), "b.png");
        assert_eq!(
            safe_file_name("image", "C:\\photos\\c.jpg").unwrap(),
            "c.jpg"
        );
        for bad in ["", "..", "dir/..", "."] {
            assert!(safe_file_name("image", bad).is_err(), "{bad:?}");
        }
    }
}
