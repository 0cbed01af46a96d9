//! The `crowdbox` command line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{ensure, Context};
use clap::{ArgGroup, Args, Parser, Subcommand};

use crate::clock::system_now_ms;
use crate::export::{self, ConsolidationMethod, ExportFormat, Rendered};
use crate::formats_io::ingest::{import_dataset, DatasetImport, ImportAs};
use crate::formats_io::job_file::{self, JobFile, JobMode};
use crate::formats_io::{read_class_map, sources};
use crate::import::{import_images, ImportRequest};
use crate::{image_store_dir, jobs, open_database, serve, stats};

/// crowdbox: open bounding-box annotation. Create a job, import images and datasets into it, let volunteers box
/// them in the browser, export the boxes as COCO, Ground Truth, Pascal VOC or YOLO.
#[derive(Debug, Parser)]
#[command(name = "crowdbox", version)]
pub struct Cli {
    /// The SQLite database file; created (with its folder) if missing. Imported images are kept in an
    /// `images/` folder next to it.
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        env = "CROWDBOX_DATABASE",
        default_value = "data/crowdbox.sqlite3"
    )]
    pub database: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API and the worker app. Prints `crowdbox listening on http://ADDRESS` once bound.
    Serve(ServeArgs),
    /// Create, list and describe jobs.
    #[command(subcommand)]
    Job(JobCommand),
    /// Add images, or a dataset's images and boxes, to a job: all or nothing. Running it again adds only new
    /// images.
    Import(Box<ImportArgs>),
    /// Write a job's images and boxes as a dataset.
    Export(ExportArgs),
    /// A job's progress, boxes per label, label imbalance, workers and median time per task.
    Stats(StatsArgs),
    /// The same as `crowdbox job list`.
    Jobs,
    /// Make a job invite-only and hand out invites, or open it again.
    Invite(crate::invites::InviteArgs),
}

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
pub struct JobCreateArgs {
    /// A job file, .toml or .json (keys as the flags, with underscores); excludes the other flags.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["name", "labels", "instructions", "instructions_file",
        "workers_per_image", "batch_size", "lease_seconds", "mode", "allow_carry_forward", "good_example",
        "bad_example"])]
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
    #[arg(long, value_enum, default_value_t = JobMode::Draw)]
    pub mode: JobMode,
    /// Let the app start a task with the boxes drawn on the previous image.
    #[arg(long)]
    pub allow_carry_forward: bool,
    /// A path or URL of an example of good boxes, shown with the instructions (repeatable).
    #[arg(long, value_name = "PATH|URL")]
    pub good_example: Vec<String>,
    /// A path or URL of an example of what not to do (repeatable).
    #[arg(long, value_name = "PATH|URL")]
    pub bad_example: Vec<String>,
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
    /// Where to write it: a file for coco and groundtruth (`-` or none: standard output), a folder for voc and
    /// yolo (required).
    #[arg(long, value_name = "PATH")]
    pub output: Option<PathBuf>,
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

/// Parses the command line, runs the command, and reports an error on standard error.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let database = cli.database;
    match cli.command {
        Command::Serve(args) => {
            serve::serve(&database, &args.bind, args.static_dir, &args.options).await
        }
        Command::Invite(args) => crate::invites::run(&database, args).await,
        Command::Job(JobCommand::Create(args)) => create_job(&database, *args).await,
        Command::Job(JobCommand::List) | Command::Jobs => {
            let pool = open_database(&database).await?;
            print!("{}", jobs::JobTable(jobs::list_jobs(&pool).await?));
            Ok(())
        }
        Command::Job(JobCommand::Show { name, json }) => {
            let pool = open_database(&database).await?;
            let job = export::require_job(&pool, &name).await?;
            let details = jobs::describe_job(&pool, job).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&details)?);
            } else {
                println!("{details}");
            }
            Ok(())
        }
        Command::Import(args) => import(&database, *args).await,
        Command::Export(args) => export(&database, args).await,
        Command::Stats(args) => {
            let pool = open_database(&database).await?;
            let stats = stats::job_stats(&pool, &args.job).await?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&stats)?);
            } else {
                println!("{stats}");
            }
            Ok(())
        }
    }
}

async fn create_job(database: &Path, args: JobCreateArgs) -> anyhow::Result<()> {
    let (file, base) = match &args.file {
        Some(path) => (
            JobFile::read(path)?,
            path.parent().unwrap_or(Path::new("")).to_owned(),
        ),
        None => (
            JobFile {
                name: args.name.unwrap_or_default(),
                labels: args.labels.unwrap_or_default(),
                instructions: args.instructions,
                instructions_file: args.instructions_file,
                workers_per_image: args.workers_per_image,
                batch_size: args.batch_size,
                lease_seconds: args.lease_seconds,
                mode: args.mode,
                allow_carry_forward: args.allow_carry_forward,
                good_examples: args.good_example,
                bad_examples: args.bad_example,
            },
            PathBuf::new(),
        ),
    };
    let spec = file.into_spec(&base)?;
    let pool = open_database(database).await?;
    let mut tx = crate::begin_write(&pool).await?;
    let job = jobs::create_job(&mut tx, &spec, system_now_ms()).await?;
    tx.commit().await?;
    println!(
        "job {}: created with labels {} ({} workers per image, mode {})",
        job.name,
        spec.labels.join(", "),
        job.workers_per_image,
        job.mode
    );
    Ok(())
}

async fn import(database: &Path, args: ImportArgs) -> anyhow::Result<()> {
    let pool = open_database(database).await?;
    let store = image_store_dir(database);
    if let Some(images_dir) = args.images {
        let instructions = match &args.instructions_file {
            Some(path) => Some(std::fs::read_to_string(path).with_context(|| {
                format!("cannot read the instructions file {}", path.display())
            })?),
            None => args.instructions,
        };
        let request = ImportRequest {
            job: args.job,
            images_dir,
            labels: args.labels,
            instructions,
            workers_per_image: args.workers_per_image,
            batch_size: args.batch_size,
            lease_seconds: args.lease_seconds,
        };
        println!(
            "{}",
            import_images(&pool, &store, &request, system_now_ms()).await?
        );
        return Ok(());
    }
    let image_dir = args.image_dir.as_deref();
    let source = if let Some(path) = &args.manifest {
        sources::load_manifest(path)?
    } else if let Some(path) = &args.coco {
        sources::load_coco(path, image_dir)?
    } else if let Some(path) = &args.voc {
        sources::load_voc(path, image_dir)?
    } else if let Some(path) = &args.yolo {
        sources::load_yolo(path, args.classes.as_deref())?
    } else if let Some(path) = &args.openimages {
        sources::load_open_images(path, image_dir, args.class_descriptions.as_deref())?
    } else {
        anyhow::bail!(
            "give one source: --images, --manifest, --coco, --voc, --yolo or --openimages"
        );
    };
    let class_map = args.class_map.as_deref().map(read_class_map).transpose()?;
    let request = DatasetImport {
        job: &args.job,
        source,
        import_as: args.import_as,
        class_map: class_map.as_ref(),
        labels: args.labels,
    };
    let report = import_dataset(&pool, &store, request, system_now_ms()).await?;
    println!("{report}");
    Ok(())
}

async fn export(database: &Path, args: ExportArgs) -> anyhow::Result<()> {
    let pool = open_database(database).await?;
    let method = args.consolidated.then_some(args.method);
    let output = args.output.filter(|path| path.as_os_str() != "-");
    let folder_format = matches!(args.format, ExportFormat::Voc | ExportFormat::Yolo);
    let Some(output) = output else {
        ensure!(
            !folder_format,
            "--format {:?} writes a folder: give --output DIR",
            args.format
        );
        let job_dataset = export::load_job_dataset(&pool, &args.job, method).await?;
        if let Rendered::File(bytes) = export::render(&job_dataset, args.format, system_now_ms())? {
            std::io::stdout()
                .lock()
                .write_all(&bytes)
                .context("cannot write to standard output")?;
        }
        return Ok(());
    };
    let summary = export::export_to(
        &pool,
        &args.job,
        args.format,
        method,
        &output,
        system_now_ms(),
    )
    .await?;
    eprintln!(
        "job {}: exported {} images and {} boxes to {}",
        args.job,
        summary.images,
        summary.boxes,
        output.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_database_flag_works_after_any_subcommand() {
        let cli = Cli::try_parse_from(["crowdbox", "jobs", "--database", "x.sqlite3"]).unwrap();
        assert_eq!(cli.database, PathBuf::from("x.sqlite3"));
    }

    #[test]
    fn import_needs_exactly_one_source() {
        assert!(Cli::try_parse_from(["crowdbox", "import", "--job", "j"]).is_err());
        assert!(Cli::try_parse_from([
            "crowdbox", "import", "--job", "j", "--coco", "a.json", "--voc", "d"
        ])
        .is_err());
        let cli = Cli::try_parse_from([
            "crowdbox", "import", "--job", "j", "--coco", "a.json", "--as", "final",
        ])
        .unwrap();
        let Command::Import(args) = cli.command else {
            panic!("not an import")
        };
        assert_eq!(args.import_as, Some(ImportAs::Final));
    }

    #[test]
    fn a_job_file_excludes_the_flags_and_the_method_needs_consolidated() {
        assert!(Cli::try_parse_from([
            "crowdbox", "job", "create", "--file", "j.toml", "--name", "x"
        ])
        .is_err());
        assert!(
            Cli::try_parse_from(["crowdbox", "export", "--job", "j", "--method", "cvat"]).is_err()
        );
    }
}
