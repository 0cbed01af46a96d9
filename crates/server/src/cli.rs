//! The `crowdbox` command line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::clock::system_now_ms;
use crate::import::{import_images, ImportRequest};
use crate::{export, image_store_dir, jobs, open_database, serve};

/// crowdbox: open bounding-box annotation. Import images into a job, let volunteers box them in the browser,
/// export the boxes as COCO.
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
    /// Add a folder's images to a job, creating the job (with --labels) if it does not exist. Running it again
    /// adds only new images.
    Import(ImportArgs),
    /// Write a job's images and boxes as a dataset file.
    Export(ExportArgs),
    /// List the jobs with their image counts and progress.
    Jobs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the printed line tells which).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Folder of the built worker app (trunk's output); `/` serves its index.html.
    #[arg(long, value_name = "DIR", default_value = "dist")]
    pub static_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The job's name, as used in the app's URL (`/?job=NAME`).
    #[arg(long, value_name = "NAME")]
    pub job: String,
    /// Folder with the images: every .jpg, .jpeg, .png and .webp file in it (not in subfolders), any case,
    /// in file name order.
    #[arg(long, value_name = "DIR")]
    pub images: PathBuf,
    /// Comma-separated labels, e.g. `cat,dog`; they become COCO categories 1..n in this order. Required when
    /// the job is created; for an existing job they must be the same.
    #[arg(long, value_name = "A,B,C", value_delimiter = ',')]
    pub labels: Option<Vec<String>>,
    /// Instructions shown to volunteers (Markdown or plain text); replaces the job's current ones.
    #[arg(long, value_name = "TEXT", conflicts_with = "instructions_file")]
    pub instructions: Option<String>,
    /// Read the instructions from this file instead.
    #[arg(long, value_name = "FILE")]
    pub instructions_file: Option<PathBuf>,
    /// How many different volunteers box each image before it is done [new jobs: 1].
    #[arg(long, value_name = "N")]
    pub workers_per_image: Option<u32>,
    /// How many tasks one volunteer gets at a time [new jobs: 5].
    #[arg(long, value_name = "N")]
    pub batch_size: Option<u32>,
    /// How long a volunteer keeps leased tasks before they go back to the pool [new jobs: 1800].
    #[arg(long, value_name = "SECONDS")]
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
    /// Where to write it; `-` or no --output writes to standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// COCO object detection JSON: every image of the job, every stored box, categories 1..n.
    Coco,
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
        Command::Serve(args) => serve::serve(&database, &args.bind, args.static_dir).await,
        Command::Import(args) => {
            let instructions = match &args.instructions_file {
                Some(path) => Some(std::fs::read_to_string(path).with_context(|| {
                    format!("cannot read the instructions file {}", path.display())
                })?),
                None => args.instructions,
            };
            let request = ImportRequest {
                job: args.job,
                images_dir: args.images,
                labels: args.labels,
                instructions,
                workers_per_image: args.workers_per_image,
                batch_size: args.batch_size,
                lease_seconds: args.lease_seconds,
            };
            let pool = open_database(&database).await?;
            let report = import_images(
                &pool,
                &image_store_dir(&database),
                &request,
                system_now_ms(),
            )
            .await?;
            println!("{report}");
            Ok(())
        }
        Command::Export(args) => {
            let pool = open_database(&database).await?;
            let ExportFormat::Coco = args.format;
            let dataset = export::export_coco(&pool, &args.job, system_now_ms()).await?;
            let mut json = serde_json::to_vec_pretty(&dataset)?;
            json.push(b'\n');
            match args.output.filter(|path| path.as_os_str() != "-") {
                None => std::io::stdout()
                    .lock()
                    .write_all(&json)
                    .context("cannot write to standard output")?,
                Some(path) => {
                    std::fs::write(&path, &json)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!(
                        "job {}: exported {} images and {} boxes to {}",
                        args.job,
                        dataset.images.len(),
                        dataset.annotations.len(),
                        path.display()
                    );
                }
            }
            Ok(())
        }
        Command::Jobs => {
            let pool = open_database(&database).await?;
            let summaries = jobs::list_jobs(&pool).await?;
            if summaries.is_empty() {
                println!("no jobs yet; create one with `crowdbox import --job NAME --images DIR --labels A,B`");
                return Ok(());
            }
            let width = summaries
                .iter()
                .map(|summary| summary.job.name.len())
                .max()
                .unwrap_or(0)
                .max(3);
            println!(
                "{:<width$}  {:>6}  {:>6}  {:>11}  {:>17}",
                "job", "images", "done", "submissions", "workers_per_image"
            );
            for summary in summaries {
                println!(
                    "{:<width$}  {:>6}  {:>6}  {:>11}  {:>17}",
                    summary.job.name,
                    summary.progress.images_total,
                    summary.progress.images_done,
                    summary.submissions,
                    summary.job.workers_per_image
                );
            }
            Ok(())
        }
    }
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
    fn labels_are_split_at_commas() {
        let cli = Cli::try_parse_from([
            "crowdbox", "import", "--job", "j", "--images", "d", "--labels", "a,b,c",
        ])
        .unwrap();
        let Command::Import(args) = cli.command else {
            panic!("not an import")
        };
        assert_eq!(args.labels.unwrap(), ["a", "b", "c"]);
    }

    #[test]
    fn instructions_and_an_instructions_file_exclude_each_other() {
        let parsed = Cli::try_parse_from([
            "crowdbox",
            "import",
            "--job",
            "j",
            "--images",
            "d",
            "--instructions",
            "x",
            "--instructions-file",
            "f",
        ]);
        assert!(parsed.is_err());
    }
}
