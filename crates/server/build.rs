//! Embeds the migration files (`migrations/sqlite/`, `migrations/postgres/`) as the table `db::migrate` applies;
//! a new or changed file rebuilds the crate.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    let mut table = String::new();
    for (name, dir) in [
        ("SQLITE", "migrations/sqlite"),
        ("POSTGRES", "migrations/postgres"),
    ] {
        println!("cargo:rerun-if-changed={dir}");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|error| panic!("cannot read {dir}: {error}"))
            .map(|entry| entry.expect("a migration folder entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
            .collect();
        files.sort();
        writeln!(table, "pub(super) const {name}: &[Migration] = &[").unwrap();
        for path in files {
            let stem = path
                .file_stem()
                .and_then(|stem| stem.to_str())
                .expect("a UTF-8 file name");
            let (version, description) = stem.split_once('_').unwrap_or_else(|| {
                panic!("{} is not named VERSION_DESCRIPTION.sql", path.display())
            });
            let version: i64 = version.parse().unwrap_or_else(|_| {
                panic!("{} does not start with a version number", path.display())
            });
            let absolute = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join(&path);
            writeln!(
                table,
                "    Migration {{ version: {version}, description: {:?}, sql: include_str!({:?}) }},",
                description.replace('_', " "),
                absolute.display().to_string()
            )
            .unwrap();
        }
        writeln!(table, "];").unwrap();
    }
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("migrations.rs");
    std::fs::write(out, table).expect("cannot write the migration table");
}
