//! Reading a dataset source from disk into core's neutral [`Dataset`], plus where each image's pixels are.
//!
//! One function per `crowdbox import` source option. Nothing here touches the database. Errors name the file
//! and, through core's [`crowdbox_core::formats::FormatError`], the line or record.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use crowdbox_core::formats::{
    detect_label_attribute, import_coco, import_ground_truth_input_manifest,
    import_ground_truth_output_manifest, import_open_images, import_voc_document,
    import_yolo_labels, parse_open_images_class_descriptions, parse_yolo_class_names, Dataset,
    DatasetImage, FormatError, ImageSource, PixelSize, YoloLabelFile,
};

use crate::image_store::{probe_image, IMPORTED_EXTENSIONS};

/// Where an image's pixels are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageLocation {
    /// A local file, copied into the image store on import.
    File(PathBuf),
    /// An http(s) URL, kept as a reference; its size comes from the source.
    Url(String),
}

/// A source read from disk: `locations[i]` is where `dataset.images[i]` is.
#[derive(Clone, Debug, Default)]
pub struct LoadedSource {
    pub dataset: Dataset,
    pub locations: Vec<ImageLocation>,
    /// The file or folder it came from, for messages.
    pub origin: String,
}

impl LoadedSource {
    /// A dataset whose images are files named by their `file_name` in `dir`.
    fn with_files_in(dataset: Dataset, dir: &Path, origin: &Path) -> Self {
        let locations = dataset
            .images
            .iter()
            .map(|image| ImageLocation::File(dir.join(&image.file_name)))
            .collect();
        Self {
            dataset,
            locations,
            origin: origin.display().to_string(),
        }
    }
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn in_file(path: &Path) -> impl Fn(FormatError) -> anyhow::Error + '_ {
    move |error| anyhow::anyhow!("{}: {error}", path.display())
}

fn folder_of(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn has_image_extension(path: &Path) -> bool {
    path.extension().and_then(OsStr::to_str).is_some_and(|ext| {
        IMPORTED_EXTENSIONS
            .iter()
            .any(|known| ext.eq_ignore_ascii_case(known))
    })
}

/// The files in `dir` (not subfolders) that `keep` accepts, sorted by name.
fn files_in(dir: &Path, keep: impl Fn(&Path) -> bool) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in
        fs::read_dir(dir).with_context(|| format!("cannot read the folder {}", dir.display()))?
    {
        let path = entry
            .with_context(|| format!("cannot read the folder {}", dir.display()))?
            .path();
        if path.is_file() && keep(&path) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// `dir/sub` if it is a folder, else `dir`: datasets come both with and without their conventional subfolders.
fn subfolder_or_self(dir: &Path, sub: &str) -> PathBuf {
    let candidate = dir.join(sub);
    if candidate.is_dir() {
        candidate
    } else {
        dir.to_owned()
    }
}

/// The display size of a local image file.
pub fn image_size(path: &Path) -> anyhow::Result<PixelSize> {
    let bytes =
        fs::read(path).with_context(|| format!("cannot read the image {}", path.display()))?;
    let probed =
        probe_image(&bytes).map_err(|reason| anyhow::anyhow!("{} {reason}", path.display()))?;
    Ok(PixelSize::new(probed.width, probed.height))
}

/// A COCO file; images are looked up by `file_name` in `image_dir` (default: the COCO file's folder).
pub fn load_coco(file: &Path, image_dir: Option<&Path>) -> anyhow::Result<LoadedSource> {
    let dataset = import_coco(&read_text(file)?).map_err(in_file(file))?;
    let dir = image_dir.map_or_else(|| folder_of(file), Path::to_path_buf);
    Ok(LoadedSource::with_files_in(dataset, &dir, file))
}

/// A Ground Truth manifest: an output manifest (lines with a label attribute holding boxes) or an input manifest
/// (lines with only `source-ref`). Local `source-ref`s are relative to the manifest's folder. An http(s) image is
/// not downloaded: an input manifest line must give its size as `"width": W, "height": H`.
pub fn load_manifest(file: &Path) -> anyhow::Result<LoadedSource> {
    let text = read_text(file)?;
    let base = folder_of(file);
    let locate = |source_ref: &str| {
        let lower = source_ref.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            ImageLocation::Url(source_ref.to_owned())
        } else {
            let path = source_ref.strip_prefix("file://").unwrap_or(source_ref);
            ImageLocation::File(base.join(path))
        }
    };
    if detect_label_attribute(&text).is_ok() {
        let dataset = import_ground_truth_output_manifest(&text, None).map_err(in_file(file))?;
        let locations = dataset
            .images
            .iter()
            .map(|image| locate(&image.file_name))
            .collect();
        return Ok(LoadedSource {
            dataset,
            locations,
            origin: file.display().to_string(),
        });
    }
    let entries = import_ground_truth_input_manifest(&text).map_err(in_file(file))?;
    let lines: Vec<&str> = text.lines().collect();
    let mut loaded = LoadedSource {
        origin: file.display().to_string(),
        ..LoadedSource::default()
    };
    for entry in entries {
        let (name, location, size) = match entry.source {
            ImageSource::Url(url) => {
                let size = url_size(lines[entry.line - 1]).with_context(|| {
                    format!(
                        "{} line {}: {url} is a URL, and crowdbox does not download images; give its size on \
                         the same line as \"width\": W, \"height\": H",
                        file.display(),
                        entry.line
                    )
                })?;
                (url.clone(), ImageLocation::Url(url), size)
            }
            ImageSource::LocalPath(path) => {
                let full = base.join(&path);
                let size = image_size(&full)
                    .with_context(|| format!("{} line {}", file.display(), entry.line))?;
                (path, ImageLocation::File(full), size)
            }
        };
        loaded
            .dataset
            .images
            .push(DatasetImage::new(name, size.width, size.height));
        loaded.locations.push(location);
    }
    Ok(loaded)
}

/// `"width"` and `"height"` (positive integers) on a manifest line.
fn url_size(line: &str) -> Option<PixelSize> {
    let object: serde_json::Value = serde_json::from_str(line).ok()?;
    let dimension = |key: &str| {
        object
            .get(key)?
            .as_u64()
            .and_then(|value| u32::try_from(value).ok())
            .filter(|value| *value > 0)
    };
    Some(PixelSize::new(dimension("width")?, dimension("height")?))
}

/// Pascal VOC: the XML files in `dir/Annotations` (or `dir`), images by `<filename>` in `image_dir`, else
/// `dir/JPEGImages`, else `dir`.
pub fn load_voc(dir: &Path, image_dir: Option<&Path>) -> anyhow::Result<LoadedSource> {
    let xml_dir = subfolder_or_self(dir, "Annotations");
    let xml_files = files_in(&xml_dir, |path| {
        path.extension()
            .and_then(OsStr::to_str)
            .is_some_and(|ext| ext.eq_ignore_ascii_case("xml"))
    })?;
    if xml_files.is_empty() {
        bail!("found no .xml files in {}", xml_dir.display());
    }
    let images_dir =
        image_dir.map_or_else(|| subfolder_or_self(dir, "JPEGImages"), Path::to_path_buf);
    let mut loaded = LoadedSource {
        origin: dir.display().to_string(),
        ..LoadedSource::default()
    };
    for xml_file in xml_files {
        let name = xml_file.display().to_string();
        let image = import_voc_document(&read_text(&xml_file)?, &name)
            .map_err(|error| anyhow::anyhow!("{error}"))?;
        for dataset_box in &image.boxes {
            loaded.dataset.add_label(&dataset_box.label);
        }
        loaded
            .locations
            .push(ImageLocation::File(images_dir.join(&image.file_name)));
        loaded.dataset.images.push(image);
    }
    Ok(loaded)
}

/// YOLO: images in `dir/images` (or `dir`), label files `<stem>.txt` in `dir/labels` (or `dir`; a missing one
/// means no boxes), class names from `classes` (default `dir/classes.txt`, else `dir/obj.names`).
pub fn load_yolo(dir: &Path, classes: Option<&Path>) -> anyhow::Result<LoadedSource> {
    let classes_file = match classes {
        Some(path) => path.to_owned(),
        None => ["classes.txt", "obj.names"]
            .iter()
            .map(|name| dir.join(name))
            .find(|path| path.is_file())
            .with_context(|| {
                format!(
                    "found no classes.txt or obj.names in {}; give --classes FILE",
                    dir.display()
                )
            })?,
    };
    let class_names =
        parse_yolo_class_names(&read_text(&classes_file)?).map_err(in_file(&classes_file))?;
    let images = files_in(&subfolder_or_self(dir, "images"), has_image_extension)?;
    if images.is_empty() {
        bail!(
            "found no .jpg, .jpeg, .png or .webp files in {}",
            dir.display()
        );
    }
    let labels_dir = subfolder_or_self(dir, "labels");
    let mut loaded = LoadedSource {
        origin: dir.display().to_string(),
        ..LoadedSource::default()
    };
    loaded.dataset.labels.clone_from(&class_names);
    for image_path in images {
        let file_name = image_path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let stem = image_path.file_stem().unwrap_or_default().to_string_lossy();
        let label_path = labels_dir.join(format!("{stem}.txt"));
        let labels = if label_path.is_file() {
            read_text(&label_path)?
        } else {
            String::new()
        };
        let file = YoloLabelFile {
            image_file_name: &file_name,
            size: image_size(&image_path)?,
            labels: &labels,
        };
        let image = import_yolo_labels(&file, &class_names).map_err(in_file(&label_path))?;
        loaded.dataset.images.push(image);
        loaded.locations.push(ImageLocation::File(image_path));
    }
    Ok(loaded)
}

/// Open Images: a box CSV, images `<ImageID>.jpg` in `image_dir` (default: the CSV's folder), label MIDs named
/// by the optional class descriptions CSV.
pub fn load_open_images(
    csv: &Path,
    image_dir: Option<&Path>,
    class_descriptions: Option<&Path>,
) -> anyhow::Result<LoadedSource> {
    let dir = image_dir.map_or_else(|| folder_of(csv), Path::to_path_buf);
    let names = class_descriptions
        .map(|path| parse_open_images_class_descriptions(&read_text(path)?).map_err(in_file(path)))
        .transpose()?;
    let mut sizes = HashMap::new();
    let mut file_names = HashMap::new();
    for path in files_in(&dir, has_image_extension)? {
        let stem = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        sizes.insert(stem.clone(), image_size(&path)?);
        file_names.insert(
            stem,
            path.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
        );
    }
    let mut dataset =
        import_open_images(&read_text(csv)?, &sizes, names.as_ref()).map_err(in_file(csv))?;
    // Open Images names its files `<ImageID>.jpg`; the files found may be PNG or WebP under the same stem.
    for image in &mut dataset.images {
        if let Some(found) = file_names.get(crowdbox_core::formats::file_stem(&image.file_name)) {
            image.file_name.clone_from(found);
        }
    }
    Ok(LoadedSource::with_files_in(dataset, &dir, csv))
}

/// A folder of images without boxes (`--images`), as a source like the others.
pub fn load_image_folder(dir: &Path) -> anyhow::Result<LoadedSource> {
    let images = files_in(dir, has_image_extension)?;
    if images.is_empty() {
        bail!(
            "found no .jpg, .jpeg, .png or .webp files in {}",
            dir.display()
        );
    }
    let mut loaded = LoadedSource {
        origin: dir.display().to_string(),
        ..LoadedSource::default()
    };
    for path in images {
        let size = image_size(&path)?;
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        loaded
            .dataset
            .images
            .push(DatasetImage::new(name, size.width, size.height));
        loaded.locations.push(ImageLocation::File(path));
    }
    Ok(loaded)
}
