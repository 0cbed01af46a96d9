//! The real `crowdbox` binary: import, jobs, export and serve, as scripts and the browser tests use them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crowdbox_core::coco::CocoDataset;
use crowdbox_server::{Location, Storage};

use crate::cli_support::{command, crowdbox, stdout};
use crate::helpers::png_fixture;
use crate::storage::fresh_storage;

fn image_folder(root: &Path, count: u8) -> std::path::PathBuf {
    let folder = root.join("photos");
    std::fs::create_dir_all(&folder).unwrap();
    for index in 0..count {
        std::fs::write(
            folder.join(format!("p{index}.png")),
            png_fixture(8 + u32::from(index), 6, index),
        )
        .unwrap();
    }
    folder
}

#[test]
fn import_jobs_and_export_work_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_storage(dir.path());
    let folder = image_folder(dir.path(), 3);
    let folder = folder.to_str().unwrap();
    let import = [
        "import",
        "--job",
        "demo",
        "--images",
        folder,
        "--labels",
        "cat,dog",
        "--instructions",
        "Box pets.",
    ];

    assert_eq!(
        stdout(&crowdbox(&database, &import)),
        "job demo: created\njob demo: 3 images added, 0 already present\n"
    );
    assert_eq!(
        stdout(&crowdbox(&database, &import)),
        "job demo: 0 images added, 3 already present\n"
    );
    assert!(
        database.image_store.is_dir(),
        "the images are in the image store"
    );
    if let Location::Sqlite(file) = &database.database {
        assert_eq!(
            file.parent().unwrap().join("images"),
            database.image_store,
            "a SQLite database's image store sits next to it"
        );
    }

    let jobs = stdout(&crowdbox(&database, &["jobs"]));
    let line = jobs
        .lines()
        .find(|line| line.starts_with("demo"))
        .expect("the job is listed");
    assert_eq!(
        line.split_whitespace().collect::<Vec<_>>(),
        ["demo", "3", "0", "0", "1", "draw"]
    );

    let exported = stdout(&crowdbox(
        &database,
        &["export", "--job", "demo", "--format", "coco"],
    ));
    let dataset: CocoDataset = serde_json::from_str(&exported).unwrap();
    assert_eq!(dataset.images.len(), 3);
    assert_eq!(
        dataset
            .categories
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["cat", "dog"]
    );

    let file = dir.path().join("out.json");
    let output = crowdbox(
        &database,
        &[
            "export",
            "--job",
            "demo",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert!(stdout(&output).is_empty());
    assert_eq!(
        serde_json::from_str::<CocoDataset>(&std::fs::read_to_string(&file).unwrap()).unwrap(),
        dataset
    );
}

#[test]
fn command_line_errors_are_one_clear_line_and_a_failing_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_storage(dir.path());
    let folder = image_folder(dir.path(), 1);

    let output = crowdbox(
        &database,
        &[
            "import",
            "--job",
            "demo",
            "--images",
            folder.to_str().unwrap(),
        ],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: job demo does not exist yet; give --labels to create it"),
        "{stderr}"
    );

    let output = crowdbox(&database, &["export", "--job", "demo"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no job called \"demo\""));
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    let database = Storage::sqlite(&dir.path().join("crowdbox.sqlite3"));
    for name in ["serve", "import", "export", "jobs"] {
        let help = stdout(&crowdbox(&database, &[name, "--help"]));
        assert!(help.contains("--database <PATH|URL>"), "{name}: {help}");
        assert!(help.contains("--image-store <DIR>"), "{name}: {help}");
    }
    let help = stdout(&crowdbox(&database, &["import", "--help"]));
    for flag in [
        "--job",
        "--images",
        "--labels",
        "--instructions-file",
        "--workers-per-image",
        "--batch-size",
    ] {
        assert!(help.contains(flag), "import --help mentions {flag}");
    }
}

/// Kills the server when the test ends, passed or not.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_on_port_0_prints_the_real_address_and_answers_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = command(&fresh_storage(dir.path()))
        .args(["serve", "--bind", "127.0.0.1:0", "--static-dir"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("crowdbox serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let _server = Server(child);

    let line = lines.next().expect("a line on stdout").unwrap();
    let address = line
        .strip_prefix("crowdbox listening on http://")
        .unwrap_or_else(|| panic!("unexpected line {line:?}"));
    assert!(
        !address.ends_with(":0"),
        "the real port is printed: {address}"
    );

    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("\r\n\r\nok"), "{response}");
}

#[test]
fn a_postgres_database_needs_an_image_store_and_an_unreachable_one_is_named_without_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let url = "postgres://crowd:secret@127.0.0.1:1/campaign";
    let output = Command::new(env!("CARGO_BIN_EXE_crowdbox"))
        .args(["--database", url, "jobs"])
        .env_remove("CROWDBOX_IMAGE_STORE")
        .output()
        .unwrap();
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(error.contains("--image-store DIR"), "{error}");

    let output = Command::new(env!("CARGO_BIN_EXE_crowdbox"))
        .args(["--database", url, "--image-store"])
        .arg(dir.path())
        .arg("jobs")
        .output()
        .unwrap();
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        error.contains("cannot open the database postgres://crowd:***@127.0.0.1:1/campaign"),
        "{error}"
    );
    assert!(!error.contains("secret"), "{error}");
}
