//! `crowdbox export --format coco`: a job's images and every stored box as one COCO dataset.
//!
//! Every image of the job is listed (also those without boxes), image ids are the task ids, annotation ids are
//! 1..n in (image id, storage) order, `bbox` is `[x, y, w, h]` in natural pixels, `area = w * h`, `iscrowd = 0`.
//! With `workers_per_image > 1` each worker's boxes are all listed; nothing is merged yet.

use anyhow::bail;
use crowdbox_core::coco::{CocoAnnotation, CocoDataset, CocoInfo, CocoLicense};
use sqlx::SqlitePool;

use crate::jobs::{self, JobImage};
use crate::to_u64;

/// The single licence entry every exported image points to: crowdbox does not track image licences yet.
pub const UNKNOWN_LICENSE_ID: u64 = 1;

pub async fn export_coco(
    pool: &SqlitePool,
    job_name: &str,
    now_ms: i64,
) -> anyhow::Result<CocoDataset> {
    let mut conn = pool.acquire().await?;
    let Some(job) = jobs::find_job(&mut conn, job_name).await? else {
        let known = jobs::job_names(pool).await?;
        if known.is_empty() {
            bail!("there is no job called {job_name:?}; the database has no jobs yet (create one with crowdbox import)");
        }
        bail!(
            "there is no job called {job_name:?}; known jobs: {}",
            known.join(", ")
        );
    };
    let categories = jobs::categories(&mut conn, &job).await?;
    let images = sqlx::query_as::<_, JobImage>(
        "SELECT id, file_name, width, height FROM images WHERE job_id = ? ORDER BY id",
    )
    .bind(job.id)
    .fetch_all(&mut *conn)
    .await?;
    let boxes: Vec<(i64, i64, f64, f64, f64, f64)> = sqlx::query_as(
        "SELECT a.image_id, a.category_id, a.x, a.y, a.w, a.h
         FROM annotations a JOIN images i ON i.id = a.image_id
         WHERE i.job_id = ? ORDER BY a.image_id, a.id",
    )
    .bind(job.id)
    .fetch_all(&mut *conn)
    .await?;

    let annotations = boxes
        .into_iter()
        .zip(1..)
        .map(|((image_id, category_id, x, y, w, h), id)| CocoAnnotation {
            id,
            image_id: to_u64(image_id),
            category_id: to_u64(category_id),
            bbox: [x, y, w, h],
            area: w * h,
            iscrowd: 0,
        })
        .collect();
    let (year, month, day) = civil_date(now_ms);
    Ok(CocoDataset {
        info: CocoInfo {
            description: format!("crowdbox job {}", job.name),
            version: "1.0".to_owned(),
            year: u32::try_from(year).unwrap_or_default(),
            contributor: "crowdbox volunteers".to_owned(),
            url: String::new(),
            date_created: format!("{year:04}-{month:02}-{day:02}"),
        },
        licenses: vec![CocoLicense {
            id: UNKNOWN_LICENSE_ID,
            name: "Unknown".to_owned(),
            url: String::new(),
        }],
        images: images
            .iter()
            .map(|image| crowdbox_core::coco::CocoImage {
                license: Some(UNKNOWN_LICENSE_ID),
                ..image.to_coco()
            })
            .collect(),
        annotations,
        categories,
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
