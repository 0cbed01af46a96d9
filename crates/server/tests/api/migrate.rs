//! `crowdbox migrate --from … --to …` copies a whole database into an empty one (SQLite to PostgreSQL and back):
//! everything a user sees afterwards — exports in every format, statistics, the job list — is what the source
//! gave, and work goes on in the copy.

use std::path::Path;

use axum::http::StatusCode;
use crowdbox_server::{Location, Storage};

use crate::cli_support::{crowdbox, failure, stdout};
use crate::helpers::{submission_for, TestApp};
use crate::quality_support::{
    gold_tasks, half_gold_and_blocking_after, job_with_gold, submit_all, HAMMER, SAW,
};
use crate::storage::fresh_storage;
use crate::upgrade::{json_lines, undated};

/// What a user sees of a job, through the command line: its exports (every format, consolidated, with gold),
/// its statistics and description.
fn what_users_see(storage: &Storage, job: &str, out: &Path) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    for (name, args) in [
        ("coco", &["--format", "coco"][..]),
        ("consolidated", &["--format", "coco", "--consolidated"][..]),
        ("gold", &["--format", "coco", "--include-gold"][..]),
        ("groundtruth", &["--format", "groundtruth"][..]),
    ] {
        let mut all = vec!["export", "--job", job];
        all.extend_from_slice(args);
        let text = stdout(&crowdbox(storage, &all));
        let shown = if name == "groundtruth" {
            format!("{:?}", json_lines(&text))
        } else {
            undated(serde_json::from_str(&text).unwrap()).to_string()
        };
        seen.push((name.to_owned(), shown));
    }
    for format in ["voc", "yolo"] {
        let folder = out.join(format!("{job}-{format}"));
        stdout(&crowdbox(
            storage,
            &[
                "export",
                "--job",
                job,
                "--format",
                format,
                "--output",
                folder.to_str().unwrap(),
            ],
        ));
        seen.push((format.to_owned(), folder_text(&folder)));
        std::fs::remove_dir_all(&folder).unwrap();
    }
    for args in [
        &["stats", "--job", job, "--json"][..],
        &["job", "show", job, "--json"],
        &["jobs"],
    ] {
        seen.push((args.join(" "), stdout(&crowdbox(storage, args))));
    }
    seen
}

/// Every text file under `folder` (labels, annotations, data.yaml) with its path; images by size.
fn folder_text(folder: &Path) -> String {
    let mut files = Vec::new();
    let mut stack = vec![folder.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                let shown = String::from_utf8(bytes.clone())
                    .unwrap_or_else(|_| format!("{} bytes", bytes.len()));
                files.push(format!(
                    "{}\n{shown}",
                    path.strip_prefix(folder).unwrap().display()
                ));
            }
        }
    }
    files.sort();
    files.join("\n---\n")
}

fn migrate(from: &Storage, to: &Storage) -> std::process::Output {
    crowdbox(
        from,
        &[
            "migrate",
            "--from",
            &from.database.to_arg(),
            "--to",
            &to.database.to_arg(),
        ],
    )
}

/// The copy's storage: a database of its own on the other backend where the tests have two (PostgreSQL to a
/// SQLite file, SQLite to PostgreSQL), and the source's image store (the files do not move).
fn copy_of(source: &Storage, dir: &Path) -> Storage {
    let database = match source.database {
        Location::Postgres(_) => Location::Sqlite(dir.join("copy.sqlite3")),
        Location::Sqlite(_) => fresh_storage(dir).database,
    };
    Storage {
        database,
        image_store: source.image_store.clone(),
    }
}

#[tokio::test]
async fn a_database_with_gold_blocked_workers_and_leases_moves_and_gives_the_same_exports_and_stats(
) {
    let app = job_with_gold(6, 2, 4).await;
    half_gold_and_blocking_after(&app, 2);
    let batch = app.lease("tools", "bad").await;
    assert_eq!(gold_tasks(&batch).len(), 2);
    submit_all(
        &app,
        &batch,
        "bad",
        &[(SAW, [30.0, 20.0, 5.0, 5.0])],
        &[(HAMMER, [1.0, 1.0, 4.0, 4.0])],
    )
    .await;
    let batch = app.lease("tools", "good").await;
    submit_all(
        &app,
        &batch,
        "good",
        &[(HAMMER, crate::quality_support::KNOWN)],
        &[(SAW, [2.5, 3.25, 7.125, 4.0])],
    )
    .await;
    // One more lease held, so leases move too.
    assert!(!app.lease("tools", "holder").await.tasks.is_empty());

    let dir = tempfile::tempdir().unwrap();
    let copy = copy_of(&app.storage, dir.path());
    let said = stdout(&migrate(&app.storage, &copy));
    assert!(
        said.starts_with("copied 1 jobs, 2 labels, 1 blocked_workers, 9 images"),
        "{said}"
    );

    assert_eq!(
        what_users_see(&copy, "tools", dir.path()),
        what_users_see(&app.storage, "tools", dir.path())
    );
}

#[tokio::test]
async fn the_last_releases_database_moves_and_work_goes_on_in_the_copy() {
    let source = TestApp::spawn_on_copy_of(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/release-f78db8f/data"),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_of(&source.storage, dir.path());
    stdout(&migrate(&source.storage, &copy));
    for job in ["tools", "pets", "closed"] {
        assert_eq!(
            what_users_see(&copy, job, dir.path()),
            what_users_see(&source.storage, job, dir.path()),
            "{job}"
        );
    }

    // The copy serves: the three images nobody finished are leased and stored after the copied ones.
    let app = TestApp::spawn_using(copy).await;
    let batch = app.lease("tools", "w4").await;
    assert_eq!((batch.tasks.len(), batch.images_done), (3, 3));
    for task in &batch.tasks {
        let submission = submission_for(&batch, task, "w4", &format!("w4-{}", task.task_id), &[]);
        assert_eq!(
            app.submit("tools", &submission).await.status,
            StatusCode::CREATED
        );
    }
}

#[tokio::test]
async fn a_copy_into_a_database_that_has_jobs_or_from_a_missing_file_is_refused_and_changes_nothing(
) {
    let app = job_with_gold(2, 1, 2).await;
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_of(&app.storage, dir.path());
    stdout(&migrate(&app.storage, &copy));
    let before = what_users_see(&copy, "tools", dir.path());

    let error = failure(&migrate(&app.storage, &copy));
    assert!(
        error.contains("already has 1 job(s)") && error.contains("empty database"),
        "{error}"
    );
    assert_eq!(what_users_see(&copy, "tools", dir.path()), before);

    let missing = Storage::sqlite(&dir.path().join("nothing-here.sqlite3"));
    let error = failure(&migrate(&missing, &copy));
    assert!(error.contains("there is no database file"), "{error}");
    assert!(!dir.path().join("nothing-here.sqlite3").exists());
    let error = failure(&migrate(&copy, &copy));
    assert!(error.contains("the same database"), "{error}");
}
