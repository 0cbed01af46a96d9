//! Running the real `crowdbox` binary against a test's database, and reading exports with pycocotools.

use std::path::Path;
use std::process::{Command, Output};

use crowdbox_server::Storage;

use crate::helpers::{png_fixture, TestApp};

pub fn crowdbox(storage: &Storage, args: &[&str]) -> Output {
    command(storage).args(args).output().expect("crowdbox runs")
}

/// The `crowdbox` binary told where `storage` is, quiet but for warnings.
pub fn command(storage: &Storage) -> Command {
    let mut command = crate::storage::crowdbox_command(storage);
    command.env("RUST_LOG", "warn");
    command
}

/// Standard output of a run that must succeed.
pub fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "crowdbox failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Standard error of a run that must fail.
pub fn failure(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "crowdbox should have failed: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Where `TestApp` keeps its data, so the binary and the router share it.
pub fn database(app: &TestApp) -> Storage {
    app.storage.clone()
}

/// Runs `crowdbox` on the app's database and returns its standard output, checking it succeeded.
pub fn run_ok(app: &TestApp, args: &[&str]) -> String {
    stdout(&crowdbox(&database(app), args))
}

/// Runs `crowdbox` on the app's database and returns its standard error, checking it failed.
pub fn run_err(app: &TestApp, args: &[&str]) -> String {
    failure(&crowdbox(&database(app), args))
}

/// Runs `crowdbox job update --job JOB` plus `flags` and returns its standard output, checking it succeeded.
pub fn update_job(app: &TestApp, job: &str, flags: &[&str]) -> String {
    run_ok(app, &[&["job", "update", "--job", job], flags].concat())
}

/// Example-image paths the CLI must refuse, each with what its error says: a missing file and a file that is no
/// image (written into the app's folder).
pub fn unusable_example_files(app: &TestApp) -> [(String, &'static str); 2] {
    let broken = app.dir.path().join("broken.png");
    std::fs::write(&broken, b"not a picture").unwrap();
    [
        ("/no/such/good.png".to_owned(), "cannot read"),
        (broken.to_str().unwrap().to_owned(), "not an image"),
    ]
}

/// Runs `crowdbox export --job JOB --format FORMAT --output OUTPUT` plus `extra`, checking it succeeded.
pub fn export(app: &TestApp, job: &str, format: &str, output: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "export",
        "--job",
        job,
        "--format",
        format,
        "--output",
        output.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run_ok(app, &args)
}

/// Writes PNGs `name` of the given sizes into `folder` (created), each a different shade.
pub fn write_pngs(folder: &Path, images: &[(&str, u32, u32)]) {
    std::fs::create_dir_all(folder).unwrap();
    for (index, (name, width, height)) in images.iter().enumerate() {
        std::fs::write(
            folder.join(name),
            png_fixture(*width, *height, 10 + index as u8),
        )
        .unwrap();
    }
}

/// Loads a COCO file with pycocotools, runs COCOeval of it against itself, and returns what pycocotools read
/// (`images`, `categories`, `annotations`, `ap_against_itself`).
pub fn coco_check(path: &Path) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e/coco_check.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "pycocotools could not read {}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Compares `actual` with the golden file `tests/fixtures/golden/<name>`; `UPDATE_GOLDEN=1` rewrites it.
pub fn assert_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "the golden file {} exists (UPDATE_GOLDEN=1 writes it)",
            path.display()
        )
    });
    assert_eq!(actual, expected, "{} differs from the golden file", name);
}
