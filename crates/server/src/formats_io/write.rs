//! Writing export files: whole files only, never a half-written one where a reader could find it.

use std::fs;
use std::path::Path;

use anyhow::Context;
use crowdbox_core::formats::ExportFile;

/// Writes `contents` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomically(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder {}", parent.display()))?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".partial-{}", std::process::id()));
    fs::write(&temporary, contents)
        .with_context(|| format!("cannot write {}", Path::new(&temporary).display()))?;
    fs::rename(&temporary, path).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes each file under `dir` (created if missing). Paths are relative with `/` separators; a path that
/// would leave `dir` is refused.
pub fn write_files(dir: &Path, files: &[ExportFile]) -> anyhow::Result<()> {
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    for file in files {
        anyhow::ensure!(
            !file.path.starts_with('/') && !file.path.split('/').any(|part| part == ".."),
            "refusing to write {} outside {}",
            file.path,
            dir.display()
        );
        write_atomically(&dir.join(&file.path), file.contents.as_bytes())?;
    }
    Ok(())
}
