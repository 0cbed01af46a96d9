//! The export as files: a loaded [`JobDataset`] rendered in each format, written to a file or folder, and the
//! dates and names the formats carry.

use std::path::Path;

use crowdbox_core::coco::{CocoDataset, CocoInfo, CocoLicense};
use crowdbox_core::formats::{
    export_ground_truth_output_manifest, export_open_images, export_voc, export_yolo, to_coco,
    CocoExportOptions, GroundTruthExportOptions,
};

use super::UNKNOWN_LICENSE_ID;
use super::{
    load_dataset, load_job_dataset, DatasetOptions, ExportFormat, ExportSource, JobDataset,
};
use crate::db::to_u64;
use crate::db::Store;
use crate::formats_io::write::{write_atomically, write_files};

/// The job as COCO: image ids are task ids, one "Unknown" licence, categories under the job's name.
pub fn coco_for(job_dataset: &JobDataset, now_ms: i64) -> anyhow::Result<CocoDataset> {
    let (year, month, day) = civil_date(now_ms);
    let options = CocoExportOptions {
        info: CocoInfo {
            description: format!("crowdbox job {}", job_dataset.job.name),
            version: "1.0".to_owned(),
            year: u32::try_from(year).unwrap_or_default(),
            contributor: "crowdbox volunteers".to_owned(),
            url: String::new(),
            date_created: format!("{year:04}-{month:02}-{day:02}"),
        },
        supercategory: job_dataset.job.name.clone(),
        pretty: true,
        scores: job_dataset.scored,
    };
    let mut coco = to_coco(&job_dataset.dataset, &options)?;
    // Core numbers images 1..n in dataset order; use the task ids instead.
    for image in &mut coco.images {
        image.id = to_u64(job_dataset.image_ids[usize::try_from(image.id - 1)?]);
        image.license = Some(UNKNOWN_LICENSE_ID);
    }
    for annotation in &mut coco.annotations {
        annotation.image_id =
            to_u64(job_dataset.image_ids[usize::try_from(annotation.image_id - 1)?]);
    }
    coco.licenses = vec![CocoLicense {
        id: UNKNOWN_LICENSE_ID,
        name: "Unknown".to_owned(),
        url: String::new(),
    }];
    Ok(coco)
}

/// Every stored box of the job as one COCO dataset.
pub async fn export_coco(
    store: &Store,
    job_name: &str,
    now_ms: i64,
) -> anyhow::Result<CocoDataset> {
    coco_for(
        &load_job_dataset(store, job_name, None, DatasetOptions::default()).await?,
        now_ms,
    )
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportSummary {
    pub images: usize,
    pub boxes: usize,
    pub files: usize,
}

/// The export as bytes for the one-file formats (COCO, Ground Truth), or files for the folder formats.
pub enum Rendered {
    File(Vec<u8>),
    Folder(Vec<crowdbox_core::formats::ExportFile>),
}

/// Renders the job's dataset in `format`.
pub fn render(
    job_dataset: &JobDataset,
    format: ExportFormat,
    now_ms: i64,
) -> anyhow::Result<Rendered> {
    let dataset = &job_dataset.dataset;
    Ok(match format {
        ExportFormat::Coco => {
            let coco = coco_for(job_dataset, now_ms)?;
            let mut json =
                Vec::with_capacity(256 + 160 * coco.annotations.len() + 140 * coco.images.len());
            serde_json::to_writer_pretty(&mut json, &coco)?;
            json.push(b'\n');
            Rendered::File(json)
        }
        ExportFormat::Groundtruth => {
            let (year, month, day) = civil_date(now_ms);
            let seconds = now_ms.rem_euclid(86_400_000) / 1000;
            let options = GroundTruthExportOptions {
                attribute: ground_truth_attribute(&job_dataset.job.name),
                job_name: format!("labeling-job/{}", job_dataset.job.name),
                creation_date: format!(
                    "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000000",
                    seconds / 3600,
                    seconds / 60 % 60,
                    seconds % 60
                ),
                source_ref_prefix: String::new(),
                human_annotated: true,
            };
            Rendered::File(export_ground_truth_output_manifest(dataset, &options)?.into_bytes())
        }
        ExportFormat::Voc => Rendered::Folder(export_voc(dataset)?),
        ExportFormat::Yolo => Rendered::Folder(export_yolo(dataset)?),
        ExportFormat::Openimages => Rendered::File(export_open_images(dataset)?.into_bytes()),
    })
}

/// The label attribute name: the job's name, unless Ground Truth reserves it.
fn ground_truth_attribute(job_name: &str) -> String {
    if job_name == "source-ref" || job_name.ends_with("-metadata") {
        "boxes".to_owned()
    } else {
        job_name.to_owned()
    }
}

/// Exports job `job_name` to `output`: a file for COCO, Ground Truth and Open Images, a folder for VOC and YOLO.
pub async fn export_to(
    store: &Store,
    job_name: &str,
    format: ExportFormat,
    source: &ExportSource,
    output: &Path,
    now_ms: i64,
) -> anyhow::Result<ExportSummary> {
    let job_dataset = load_dataset(store, job_name, source).await?;
    write_export(&job_dataset, format, output, now_ms)
}

/// Writes an already loaded dataset to `output` (see [`export_to`]).
pub fn write_export(
    job_dataset: &JobDataset,
    format: ExportFormat,
    output: &Path,
    now_ms: i64,
) -> anyhow::Result<ExportSummary> {
    let files = match render(job_dataset, format, now_ms)? {
        Rendered::File(bytes) => {
            write_atomically(output, &bytes)?;
            1
        }
        Rendered::Folder(files) => {
            write_files(output, &files)?;
            files.len()
        }
    };
    Ok(ExportSummary {
        images: job_dataset.dataset.images.len(),
        boxes: job_dataset.dataset.box_count(),
        files,
    })
}

/// The UTC calendar date (year, month, day) of a unix time in milliseconds (Howard Hinnant's `civil_from_days`).
fn civil_date(unix_ms: i64) -> (i64, u32, u32) {
    let days = unix_ms.div_euclid(86_400_000) + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = u32::try_from(day_of_year - (153 * month_index + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    })
    .unwrap_or(1);
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn unix_milliseconds_become_utc_calendar_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(951_782_400_000), (2000, 2, 29));
        assert_eq!(civil_date(1_735_689_599_999), (2024, 12, 31));
        assert_eq!(civil_date(1_735_689_600_000), (2025, 1, 1));
        assert_eq!(civil_date(-1), (1969, 12, 31));
    }
}
