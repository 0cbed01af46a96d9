//! The command line's definition and parsing.

use super::*;
use crate::formats_io::ingest::ImportAs;
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
    assert!(
        Cli::try_parse_from(["crowdbox", "job", "create", "--file", "j.toml", "--name", "x"])
            .is_err()
    );
    assert!(Cli::try_parse_from(["crowdbox", "export", "--job", "j", "--method", "cvat"]).is_err());
}
