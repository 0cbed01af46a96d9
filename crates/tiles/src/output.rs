//! All or nothing: tiles are written into a temporary folder beside the destination, renamed at the end.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{TileError, TileErrorKind};

/// A folder being filled; dropped without [`PartialFolder::commit`], it is removed with all it holds.
pub(crate) struct PartialFolder {
    temp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl PartialFolder {
    /// Refuses a destination that exists; creates `.<name>.partial-<pid>-<nanos>` beside it.
    pub(crate) fn create(dest: &Path) -> Result<Self, TileError> {
        let write_err = |e| TileError::new(dest, TileErrorKind::Write(e));
        if dest.exists() {
            return Err(TileError::new(dest, TileErrorKind::DestinationExists));
        }
        let name = dest
            .file_name()
            .ok_or_else(|| write_err(std::io::Error::other("has no folder name")))?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let temp = dest.with_file_name(format!(
            ".{}.partial-{}-{nanos}",
            name.to_string_lossy(),
            std::process::id()
        ));
        fs::create_dir_all(&temp).map_err(write_err)?;
        Ok(PartialFolder {
            temp,
            dest: dest.to_path_buf(),
            committed: false,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.temp
    }

    pub(crate) fn write_err(&self, e: std::io::Error) -> TileError {
        TileError::new(&self.dest, TileErrorKind::Write(e))
    }

    /// Renames the folder into place (refused, and the folder removed, if the destination appeared meanwhile).
    pub(crate) fn commit(mut self) -> Result<(), TileError> {
        if self.dest.exists() {
            return Err(TileError::new(&self.dest, TileErrorKind::DestinationExists));
        }
        fs::rename(&self.temp, &self.dest).map_err(|e| self.write_err(e))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for PartialFolder {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}
