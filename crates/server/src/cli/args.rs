//! The arguments of the `crowdbox` subcommands.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Subcommand};

use crate::export::{ConsolidationMethod, ExportFormat};
use crate::formats_io::ingest::ImportAs;
use crowdbox_core::wire::TaskMode;

use crate::formats_io::job_file::{self, LeaseOrder};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the printed line tells which).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Folder of the built worker app (trunk's output); `/` serves its index.html.
    #[arg(long, value_name = "DIR", default_value = "dist")]
    pub static_dir: PathBuf,
    #[command(flatten)]
    pub options: crate::serve::ServeOptions,
}

#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// Create a job from flags or from a job file.
    Create(Box<JobCreateArgs>),
    /// List the jobs with their image counts and progress.
    List,
    /// Change a job's settings (labels stay). Nothing changes if any value is invalid.
    Update(JobUpdateArgs),
    /// Describe a job: settings, labels, examples, progress and instructions.
    Show {
        /// The job's name.
        name: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct JobUpdateArgs {
    /// The job to change.
    #[arg(long, value_name = "NAME")]
    pub job: String,
    /// New instructions shown to volunteers.
    #[arg(long, value_name = "TEXT", conflicts_with = "instructions_file")]
    pub instructions: Option<String>,
    /// Read the new instructions from this file.
    #[arg(long, value_name = "FILE")]
    pub instructions_file: Option<PathBuf>,
    /// How many different volunteers box each image before it is done; images' done flags and the job's
    /// progress are recomputed.
    #[arg(long, value_name = "N")]
    pub workers_per_image: Option<u32>,
    /// How many tasks one volunteer gets at a time.
    #[arg(long, value_name = "N")]
    pub batch_size: Option<u32>,
    /// The task time limit for leases handed out from now on.
    #[arg(long, value_name = "SECONDS")]
    pub lease_seconds: Option<u32>,
    /// What volunteers do.
    #[arg(long, value_name = "draw|adjust|verify")]
    pub mode: Option<TaskMode>,
    /// Whether the app may start a task with the boxes of the previous image.
    #[arg(long, value_name = "true|false", action = clap::ArgAction::Set)]
    pub allow_carry_forward: Option<bool>,
    /// The share of each volunteer's tasks that are gold images, in [0, 0.5].
    #[arg(long, value_name = "RATE")]
    pub gold_rate: Option<f64>,
    /// Block volunteers whose score falls below SCORE (after --min-gold-tasks gold tasks).
    #[arg(long, value_name = "SCORE", conflicts_with = "no_blocking")]
    pub block_below: Option<f64>,
    /// Stop blocking volunteers (those blocked stay blocked).
    #[arg(long)]
    pub no_blocking: bool,
    /// Gold tasks a volunteer must have done before --block-below applies.
    #[arg(long, value_name = "N")]
    pub min_gold_tasks: Option<u64>,
    /// Adaptive redundancy: an image is done once N volunteers agree (up to --workers-per-image).
    #[arg(long, value_name = "N", conflicts_with = "fixed_workers")]
    pub min_workers_per_image: Option<u32>,
    /// Stop adaptive redundancy: every image takes --workers-per-image volunteers.
    #[arg(long)]
    pub fixed_workers: bool,
    /// Boxes of one object agree at this IoU or more.
    #[arg(long, value_name = "IOU")]
    pub agreement_iou: Option<f64>,
    /// Lease images that need one more volunteer to finish before fresh ones.
    #[arg(long, value_name = "true|false", action = clap::ArgAction::Set)]
    pub finish_first: Option<bool>,
    /// The order images are leased in: by id, or least certain pre-labels (`crowdbox prelabel`) first.
    #[arg(long, value_name = "id|uncertain-first")]
    pub order: Option<LeaseOrder>,
    /// A path or URL of an example of good boxes (repeatable): these replace the job's good examples.
    #[arg(long, value_name = "PATH|URL")]
    pub good_example: Vec<String>,
    /// A path or URL of an example of what not to do (repeatable): these replace the job's bad examples.
    #[arg(long, value_name = "PATH|URL")]
    pub bad_example: Vec<String>,
    /// Remove the job's example images; with --good-example or --bad-example, only those given remain.
    #[arg(long)]
    pub clear_examples: bool,
}

#[derive(Debug, Args)]
pub struct JobCreateArgs {
    /// A job file, .toml or .json (keys as the flags, with underscores); excludes the other flags.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["name", "labels", "instructions", "instructions_file",
        "workers_per_image", "batch_size", "lease_seconds", "mode", "allow_carry_forward", "good_example",
        "bad_example", "gold_rate", "block_below", "min_gold_tasks", "min_workers_per_image", "agreement_iou",
        "finish_first", "order"])]
    pub file: Option<PathBuf>,
    /// The job's name, as used in the app's URL (`/?job=NAME`).
    #[arg(long, value_name = "NAME", required_unless_present = "file")]
    pub name: Option<String>,
    /// Comma-separated labels, e.g. `cat,dog`; they become COCO categories 1..n in this order.
    #[arg(
        long,
        value_name = "A,B,C",
        value_delimiter = ',',
        required_unless_present = "file"
    )]
    pub labels: Option<Vec<String>>,
    /// Instructions shown to volunteers (Markdown or plain text).
    #[arg(long, value_name = "TEXT", conflicts_with = "instructions_file")]
    pub instructions: Option<String>,
    /// Read the instructions from this file instead.
    #[arg(long, value_name = "FILE")]
    pub instructions_file: Option<PathBuf>,
    /// How many different volunteers box each image before it is done.
    #[arg(long, value_name = "N", default_value_t = job_file::default_workers_per_image())]
    pub workers_per_image: u32,
    /// How many tasks one volunteer gets at a time.
    #[arg(long, value_name = "N", default_value_t = job_file::default_batch_size())]
    pub batch_size: u32,
    /// How long a volunteer keeps leased tasks before they go back to the pool (the task time limit).
    #[arg(long, value_name = "SECONDS", default_value_t = job_file::default_lease_seconds())]
    pub lease_seconds: u32,
    /// What volunteers do.
    #[arg(long, value_name = "draw|adjust|verify", default_value_t = TaskMode::Draw)]
    pub mode: TaskMode,
    /// Let the app start a task with the boxes drawn on the previous image.
    #[arg(long)]
    pub allow_carry_forward: bool,
    /// A path or URL of an example of good boxes, shown with the instructions (repeatable).
    #[arg(long, value_name = "PATH|URL")]
    pub good_example: Vec<String>,
    /// A path or URL of an example of what not to do (repeatable).
    #[arg(long, value_name = "PATH|URL")]
    pub bad_example: Vec<String>,
    /// The share of each volunteer's tasks that are gold images (`import --as gold`), in [0, 0.5].
    #[arg(long, value_name = "RATE", default_value_t = job_file::default_gold_rate())]
    pub gold_rate: f64,
    /// Block volunteers whose score falls below SCORE, in [0, 1] (off unless given).
    #[arg(long, value_name = "SCORE")]
    pub block_below: Option<f64>,
    /// Gold tasks a volunteer must have done before --block-below applies.
    #[arg(long, value_name = "N", default_value_t = job_file::default_min_gold_tasks())]
    pub min_gold_tasks: u64,
    /// Adaptive redundancy: an image is done once N volunteers agree, or at --workers-per-image.
    #[arg(long, value_name = "N")]
    pub min_workers_per_image: Option<u32>,
    /// Boxes of one object agree at this IoU or more (adaptive redundancy).
    #[arg(long, value_name = "IOU", default_value_t = job_file::default_agreement_iou())]
    pub agreement_iou: f64,
    /// Lease images that need one more volunteer to finish before fresh ones.
    #[arg(long)]
    pub finish_first: bool,
    /// The order images are leased in: by id, or least certain pre-labels (`crowdbox prelabel`) first.
    #[arg(long, value_name = "id|uncertain-first", default_value_t = LeaseOrder::Id)]
    pub order: LeaseOrder,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("source").required(true)
    .args(["images", "manifest", "coco", "voc", "yolo", "openimages"])))]
pub struct ImportArgs {
    /// The job's name. A missing job is created with --labels (for --images, --labels is required; for a
    /// dataset, the dataset's labels are used when --labels is absent).
    #[arg(long, value_name = "NAME")]
    pub job: String,
    /// A folder of images: every .jpg, .jpeg, .png and .webp file in it (not in subfolders), in name order.
    #[arg(long, value_name = "DIR")]
    pub images: Option<PathBuf>,
    /// A Ground Truth manifest (JSON lines). Input manifest: `source-ref` paths relative to the manifest, or
    /// http(s) URLs with `"width"` and `"height"` on the line (URLs are not downloaded: the app loads them).
    /// Output manifest: its boxes too.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// A COCO object detection JSON file; images by `file_name` in --image-dir.
    #[arg(long, value_name = "FILE")]
    pub coco: Option<PathBuf>,
    /// A Pascal VOC folder: XML in DIR/Annotations (or DIR), images in --image-dir, DIR/JPEGImages or DIR.
    #[arg(long, value_name = "DIR")]
    pub voc: Option<PathBuf>,
    /// A YOLO folder: images in DIR/images (or DIR), `<stem>.txt` in DIR/labels (or DIR), classes from --classes.
    #[arg(long, value_name = "DIR")]
    pub yolo: Option<PathBuf>,
    /// An Open Images box CSV; images `<ImageID>.jpg` in --image-dir.
    #[arg(long, value_name = "CSV")]
    pub openimages: Option<PathBuf>,
    /// Where the images of --coco, --voc or --openimages are [default: next to the annotation file].
    #[arg(long, value_name = "DIR")]
    pub image_dir: Option<PathBuf>,
    /// YOLO class names, one per line [default: DIR/classes.txt, else DIR/obj.names].
    #[arg(long, value_name = "FILE", requires = "yolo")]
    pub classes: Option<PathBuf>,
    /// Open Images class descriptions (`MID,name` rows); without it labels are the MIDs.
    #[arg(long, value_name = "CSV", requires = "openimages")]
    pub class_descriptions: Option<PathBuf>,
    /// Renames labels before they meet the job's: `old=new` lines (`drill=driller`) or a JSON object.
    #[arg(long, value_name = "FILE", conflicts_with = "images")]
    pub class_map: Option<PathBuf>,
    /// What the source's boxes become: pre-annotations workers start from, or final annotations.
    #[arg(
        long = "as",
        value_name = "KIND",
        value_enum,
        conflicts_with = "images"
    )]
    pub import_as: Option<ImportAs>,
    /// Comma-separated labels, e.g. `cat,dog`, for a job this import creates; for an existing job and --images
    /// they must be its labels.
    #[arg(long, value_name = "A,B,C", value_delimiter = ',')]
    pub labels: Option<Vec<String>>,
    /// With --images: instructions shown to volunteers; replaces the job's current ones.
    #[arg(
        long,
        value_name = "TEXT",
        conflicts_with = "instructions_file",
        requires = "images"
    )]
    pub instructions: Option<String>,
    /// With --images: read the instructions from this file instead.
    #[arg(long, value_name = "FILE", requires = "images")]
    pub instructions_file: Option<PathBuf>,
    /// With --images: how many different volunteers box each image [new jobs: 1].
    #[arg(long, value_name = "N", requires = "images")]
    pub workers_per_image: Option<u32>,
    /// With --images: how many tasks one volunteer gets at a time [new jobs: 5].
    #[arg(long, value_name = "N", requires = "images")]
    pub batch_size: Option<u32>,
    /// With --images: how long a volunteer keeps leased tasks [new jobs: 1800].
    #[arg(long, value_name = "SECONDS", requires = "images")]
    pub lease_seconds: Option<u32>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The job to export.
    #[arg(long, value_name = "NAME")]
    pub job: String,
    /// The dataset format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Coco)]
    pub format: ExportFormat,
    /// Merge the workers' boxes per image into one set, with confidences.
    #[arg(long)]
    pub consolidated: bool,
    /// How --consolidated merges.
    #[arg(long, value_enum, requires = "consolidated", default_value_t = ConsolidationMethod::Groundtruth)]
    pub method: ConsolidationMethod,
    /// Only this worker's boxes (what they drew; no consolidation, no review).
    #[arg(long, value_name = "WORKER_ID", conflicts_with = "consolidated")]
    pub worker: Option<String>,
    /// Where to write it: a file for coco and groundtruth (`-` or none: standard output), a folder for voc and
    /// yolo (required).
    #[arg(long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// voc and yolo: write only the annotation files, not the images (`JPEGImages/`, `images/`).
    #[arg(long)]
    pub no_images: bool,
    /// The pre-annotations volunteers start from instead of their boxes: imported ones, and a model's
    /// (`crowdbox prelabel`) with their scores.
    #[arg(long, conflicts_with_all = ["consolidated", "worker", "include_gold"])]
    pub pre_annotations: bool,
    /// Also export the gold images, with their known boxes.
    #[arg(long)]
    pub include_gold: bool,
    /// With --consolidated: every volunteer's boxes weigh the same (by default each weighs their score).
    #[arg(long, requires = "consolidated")]
    pub unweighted: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The job.
    #[arg(long, value_name = "NAME")]
    pub job: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}
