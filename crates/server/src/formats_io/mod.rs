//! File I/O around core's dataset formats: reading import sources from disk, storing them in a job, job files,
//! and writing exports.

mod boxes;
pub mod export_images;
pub mod ingest;
pub mod job_file;
mod prepare;
pub mod sources;
pub mod store_files;
pub mod write;

use std::path::Path;

use anyhow::Context;
use crowdbox_core::formats::ClassMap;

/// Reads a class map: a JSON object (`{"drill": "driller"}`) when the file ends in `.json` or starts with `{`,
/// else `old=new` lines. Errors name the file and the line.
pub fn read_class_map(path: &Path) -> anyhow::Result<ClassMap> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the class map {}", path.display()))?;
    let is_json = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with('{');
    let map = if is_json {
        ClassMap::from_json(&text)
    } else {
        ClassMap::parse_assignments(&text)
    };
    map.map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))
}
