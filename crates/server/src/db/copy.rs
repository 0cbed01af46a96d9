//! `crowdbox migrate`: copies a whole database into an empty one, e.g. from SQLite to PostgreSQL, in one
//! transaction on the target and one snapshot of the source.
//!
//! Every row keeps its id (image ids are task ids, and the image store's files are named in the rows). The
//! counters the triggers keep are not copied but made again by the target's triggers as the rows arrive, and
//! then compared with the source's: a copy whose counts differ is rolled back.

use super::sql::{Column, Conn, DbError, Param};
use crate::params;

/// A table to copy, in an order that satisfies the foreign keys and the triggers (blocked workers before the
/// submissions they make uncounted): its columns, and what the source gives for each (`0` for a counter the
/// target's triggers make).
struct Table {
    name: &'static str,
    columns: &'static [&'static str],
    /// Counter columns, read as 0 and counted by the target.
    counters: &'static [&'static str],
}

const TABLES: &[Table] = &[
    Table {
        name: "jobs",
        columns: &[
            "id",
            "name",
            "instructions",
            "workers_per_image",
            "batch_size",
            "lease_seconds",
            "created_at",
            "mode",
            "allow_carry_forward",
            "examples",
            "requires_invite",
            "images_total",
            "images_done",
            "label_targets",
            "quality",
            "lease_order",
        ],
        counters: &["images_total", "images_done"],
    },
    Table {
        name: "labels",
        columns: &["job_id", "category_id", "name"],
        counters: &[],
    },
    Table {
        name: "blocked_workers",
        columns: &["job_id", "worker_id", "blocked_at", "score"],
        counters: &[],
    },
    Table {
        name: "images",
        columns: &[
            "id",
            "job_id",
            "file_name",
            "sha256",
            "store_path",
            "mime",
            "width",
            "height",
            "added_at",
            "source_url",
            "submission_count",
            "has_final",
            "done",
            "extra_workers",
            "is_gold",
            "agreed",
            "prelabelled",
        ],
        counters: &["submission_count", "has_final", "done"],
    },
    Table {
        name: "tile_pyramids",
        columns: &[
            "image_id",
            "tile_size",
            "levels",
            "width",
            "height",
            "format",
        ],
        counters: &[],
    },
    Table {
        name: "leases",
        columns: &["image_id", "worker_id", "leased_at", "expires_at"],
        counters: &[],
    },
    Table {
        name: "submissions",
        columns: &[
            "id",
            "submission_id",
            "image_id",
            "worker_id",
            "content_sha256",
            "duration_ms",
            "received_at",
            "imported",
            "outcome",
            "note",
            "changes",
            "verdicts",
        ],
        counters: &[],
    },
    Table {
        name: "annotations",
        columns: &[
            "id",
            "submission_id",
            "image_id",
            "category_id",
            "x",
            "y",
            "w",
            "h",
            "iscrowd",
        ],
        counters: &[],
    },
    Table {
        name: "pre_annotations",
        columns: &[
            "id",
            "image_id",
            "category_id",
            "x",
            "y",
            "w",
            "h",
            "iscrowd",
            "score",
        ],
        counters: &[],
    },
    Table {
        name: "gold_boxes",
        columns: &[
            "id",
            "image_id",
            "category_id",
            "x",
            "y",
            "w",
            "h",
            "iscrowd",
        ],
        counters: &[],
    },
    Table {
        name: "gold_results",
        columns: &[
            "image_id",
            "job_id",
            "worker_id",
            "submitted",
            "reference",
            "matched",
            "matched_iou_sum",
        ],
        counters: &[],
    },
    Table {
        name: "agreement",
        columns: &[
            "image_id",
            "job_id",
            "worker_id",
            "submitted",
            "reference",
            "matched",
            "matched_iou_sum",
        ],
        counters: &[],
    },
    Table {
        name: "invites",
        columns: &[
            "id",
            "job_id",
            "token_sha256",
            "worker_id",
            "created_at",
            "used_at",
        ],
        counters: &[],
    },
    Table {
        name: "reviews",
        columns: &["image_id", "state", "submission_id", "reviewed_at"],
        counters: &[],
    },
];

/// Rows read from the source before they are written to the target.
const BATCH: usize = 2_000;

/// One value of any column.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Column for Value {
    fn from_cell(cell: super::sql::Cell<'_>) -> Result<Self, String> {
        use super::sql::Cell;
        Ok(match cell {
            Cell::Null => Self::Null,
            Cell::Int(value) => Self::Int(value),
            Cell::Real(value) => Self::Real(value),
            Cell::Text(text) => Self::Text(text.into_owned()),
        })
    }
}

impl<'a> From<&'a Value> for Param<'a> {
    fn from(value: &'a Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Int(value) => Self::Int(*value),
            Value::Real(value) => Self::Real(*value),
            Value::Text(text) => Self::Text(text),
        }
    }
}

/// How many rows of each table were copied, in [`TABLES`] order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied(pub Vec<(&'static str, u64)>);

impl std::fmt::Display for Copied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(table, rows)| format!("{rows} {table}"))
            .collect();
        f.write_str(&parts.join(", "))
    }
}

/// Copies every row of `from` into `to`, which must be migrated to the same schema and hold no jobs.
pub fn copy_database(from: &mut Conn, to: &mut Conn) -> anyhow::Result<Copied> {
    let existing: i64 = to.value("SELECT COUNT(*) FROM jobs", &[])?;
    anyhow::ensure!(
        existing == 0,
        "the target database already has {existing} job(s); `crowdbox migrate` copies into an empty database only"
    );
    from.begin_read()?;
    to.begin_write()?;
    let copied = copy_tables(from, to).and_then(|copied| {
        check_counters(from, to)?;
        Ok(copied)
    });
    let _ = from.rollback();
    match copied {
        Ok(copied) => {
            to.commit()?;
            Ok(copied)
        }
        Err(error) => {
            let _ = to.rollback();
            Err(error)
        }
    }
}

fn copy_tables(from: &mut Conn, to: &mut Conn) -> anyhow::Result<Copied> {
    let mut copied = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let select: Vec<String> = table
            .columns
            .iter()
            .map(|column| {
                if table.counters.contains(column) {
                    "0".to_owned()
                } else {
                    (*column).to_owned()
                }
            })
            .collect();
        let order = if table.columns.contains(&"id") {
            "id"
        } else {
            "1, 2"
        };
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {order}",
            select.join(", "),
            table.name
        );
        let into = format!("{} ({})", table.name, table.columns.join(", "));
        let width = table.columns.len();
        let mut batch: Vec<Vec<Value>> = Vec::with_capacity(BATCH);
        let mut rows = 0_u64;
        let flush = |batch: &mut Vec<Vec<Value>>, to: &mut Conn| -> Result<(), DbError> {
            to.insert_rows(
                &into,
                batch
                    .iter()
                    .map(|row| row.iter().map(Param::from).collect::<Vec<_>>()),
            )?;
            batch.clear();
            Ok(())
        };
        from.for_each(&sql, &[], |row| {
            batch.push((0..width).map(|i| row.get(i)).collect::<Result<_, _>>()?);
            rows += 1;
            if batch.len() == BATCH {
                flush(&mut batch, to)?;
            }
            Ok(())
        })
        .map_err(|error| anyhow::anyhow!("copying {}: {error}", table.name))?;
        flush(&mut batch, to)
            .map_err(|error| anyhow::anyhow!("copying {}: {error}", table.name))?;
        if table.columns.contains(&"id") {
            to.ids_chosen(table.name)?;
        }
        copied.push((table.name, rows));
    }
    Ok(Copied(copied))
}

/// The counters the target's triggers made must be the source's. Gold images are left out: they are never done
/// and count in no progress, and blocking a worker recounts only the images that do.
fn check_counters(from: &mut Conn, to: &mut Conn) -> anyhow::Result<()> {
    const COUNTERS: &str = "SELECT id, images_total, images_done,
             (SELECT CAST(COALESCE(SUM(submission_count), 0) AS BIGINT) FROM images i
              WHERE i.job_id = jobs.id AND i.is_gold = 0),
             (SELECT CAST(COALESCE(SUM(has_final), 0) AS BIGINT) FROM images i WHERE i.job_id = jobs.id)
         FROM jobs ORDER BY id";
    let read = |conn: &mut Conn| -> Result<Vec<[i64; 5]>, DbError> {
        conn.rows(COUNTERS, params![], |row| {
            Ok([
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ])
        })
    };
    let (source, target) = (read(from)?, read(to)?);
    anyhow::ensure!(
        source == target,
        "the copy's counts differ from the source's (job, images, done, counted submissions, finals): source \
         {source:?}, copy {target:?}; nothing was written"
    );
    Ok(())
}
