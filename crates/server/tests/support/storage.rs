//! Where a test keeps its data: a SQLite file, or a PostgreSQL database of its own when the tests run on
//! PostgreSQL (`scripts/test` runs them both ways). Shared by the test binaries.

use std::path::Path;
use std::process::Command;

use crowdbox_server::{Location, Storage};

/// The `crowdbox` binary told where `storage` is.
pub fn crowdbox_command(storage: &Storage) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crowdbox"));
    command
        .env("CROWDBOX_DATABASE", storage.database.to_arg())
        .env("CROWDBOX_IMAGE_STORE", &storage.image_store);
    command
}

/// The environment variable that runs the tests on PostgreSQL: a URL of a server where the tests may create
/// databases (`postgres://user@127.0.0.1:port/postgres`). Unset, they run on SQLite files.
pub const TEST_POSTGRES: &str = "CROWDBOX_TEST_POSTGRES";

/// A new, empty database for one test, with the image store in `dir`: a SQLite file in `dir/data`, or (with
/// [`TEST_POSTGRES`] set) a new PostgreSQL database of its own.
pub fn fresh_storage(dir: &Path) -> Storage {
    let data = dir.join("data");
    match std::env::var(TEST_POSTGRES) {
        Ok(server) if !server.trim().is_empty() => {
            static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let name = format!(
                "crowdbox_test_{}_{}",
                std::process::id(),
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            );
            let server = server.trim().to_owned();
            // The synchronous client runs a runtime of its own: keep it off the test's.
            let url = std::thread::spawn(move || {
                let mut admin = postgres::Client::connect(&server, postgres::NoTls)
                    .unwrap_or_else(|error| panic!("cannot reach {TEST_POSTGRES}: {error}"));
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("a test database");
                let (base, _) = server.rsplit_once('/').expect("a URL ending in /database");
                format!("{base}/{name}")
            })
            .join()
            .unwrap();
            Storage {
                database: Location::Postgres(url),
                image_store: data.join("images"),
            }
        }
        _ => Storage::sqlite(&data.join("crowdbox.sqlite3")),
    }
}
