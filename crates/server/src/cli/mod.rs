//! The `crowdbox` command line: the definition (here and in `args`) and what each command does (`commands`).

mod args;
mod commands;
mod prelabel;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use self::args::{
    ExportArgs, ImportArgs, JobCommand, JobCreateArgs, JobUpdateArgs, ServeArgs, StatsArgs,
};
use self::commands::{create_job, export, import, update_job};
use crate::db::Location;
use crate::{jobs, open_database, serve, stats, Storage};

/// crowdbox: open bounding-box annotation. Create a job, import images and datasets into it, let volunteers box
/// them in the browser, export the boxes as COCO, Ground Truth, Pascal VOC or YOLO.
#[derive(Debug, Parser)]
#[command(name = "crowdbox", version)]
pub struct Cli {
    /// The database: a SQLite file (created with its folder if missing), or a PostgreSQL URL
    /// `postgres://user@host/db` for several `crowdbox serve` processes on one database.
    #[arg(
        long,
        global = true,
        value_name = "PATH|URL",
        env = "CROWDBOX_DATABASE",
        default_value = "data/crowdbox.sqlite3"
    )]
    pub database: String,

    /// The folder imported images are kept in: by default the `images` folder next to a SQLite file; required
    /// with PostgreSQL (every process on the database must use the same folder, e.g. on a network file system).
    #[arg(long, global = true, value_name = "DIR", env = "CROWDBOX_IMAGE_STORE")]
    pub image_store: Option<PathBuf>,

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
    /// Run an ONNX object detector over a job's images and store its boxes as pre-annotations with scores.
    Prelabel(Box<prelabel::PrelabelArgs>),
    /// Make a job invite-only and hand out invites, or open it again.
    Invite(crate::invites::InviteArgs),
    /// Copy a whole database into an empty one, e.g. from SQLite to PostgreSQL (the image store stays where
    /// it is: give the new database's processes `--image-store` pointing at it).
    Migrate(MigrateArgs),
}

#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// The database to copy: a SQLite file or a PostgreSQL URL.
    #[arg(long, value_name = "PATH|URL")]
    pub from: String,
    /// The database to copy into: it is created (SQLite) or migrated if needed, and must hold no jobs.
    #[arg(long, value_name = "PATH|URL")]
    pub to: String,
}

async fn migrate(args: &MigrateArgs) -> anyhow::Result<()> {
    let (from, to) = (Location::parse(&args.from), Location::parse(&args.to));
    anyhow::ensure!(from != to, "--from and --to name the same database");
    if let Location::Sqlite(path) = &from {
        anyhow::ensure!(
            path.is_file(),
            "there is no database file {}",
            path.display()
        );
    }
    let source = open_database(&from).await?;
    let target = open_database(&to).await?;
    let copied = crate::db::copy::copy_database(
        &mut *source.connect().await?,
        &mut *target.connect().await?,
    )?;
    println!("copied {copied} from {from} to {to}");
    Ok(())
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
    let storage = Storage::new(&cli.database, cli.image_store)?;
    let database = &storage.database;
    match cli.command {
        Command::Serve(args) => {
            serve::serve(&storage, &args.bind, args.static_dir, &args.options).await
        }
        Command::Invite(args) => crate::invites::run(database, args).await,
        Command::Migrate(args) => migrate(&args).await,
        Command::Prelabel(args) => prelabel::prelabel(&storage, *args).await,
        Command::Job(JobCommand::Create(args)) => create_job(&storage, *args).await,
        Command::Job(JobCommand::Update(args)) => update_job(&storage, args).await,
        Command::Job(JobCommand::List) | Command::Jobs => {
            let pool = open_database(database).await?;
            print!(
                "{}",
                jobs::JobTable(crate::db::jobs::list_jobs(&pool).await?)
            );
            Ok(())
        }
        Command::Job(JobCommand::Show { name, json }) => {
            let pool = open_database(database).await?;
            let job = jobs::require_job(&pool, &name).await?;
            let details = jobs::describe_job(&pool, job).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&details)?);
            } else {
                println!("{details}");
            }
            Ok(())
        }
        Command::Import(args) => import(&storage, *args).await,
        Command::Export(args) => export(&storage, args).await,
        Command::Stats(args) => {
            let pool = open_database(database).await?;
            let stats = stats::job_stats(&pool, &args.job).await?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&stats)?);
            } else {
                println!("{}", stats::StatsTable(&stats));
            }
            Ok(())
        }
    }
}
