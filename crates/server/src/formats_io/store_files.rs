//! Reading, checking and copying an import's image files into the store, on a few threads.
//!
//! Each file is read once: the same bytes are hashed, sized (header and EXIF) and written to the store. Almost
//! all the time of an import at the seed's scale went into file system calls (creating 11,669 files, each read
//! twice), so the files are handled by several threads at once, which overlaps the kernel's work.
//!
//! A new store file is written under its real name (a temporary file and a rename per image cost about a third
//! more). Nothing reads it before the import's transaction commits (the server opens only paths it looked up in
//! the database), and a later import that finds the name taken compares the bytes and replaces a file that a
//! crash cut short, through a temporary file and a rename. There is no fsync per file: the database runs with `synchronous = NORMAL` (see `open_database`), which already
//! accepts that a power cut or kernel crash can lose the last commits, and the file data is in the page cache
//! before the import's transaction commits, so a killed process never leaves a committed image row without its
//! file. Making every image durable before the commit would cost one fsync per file (a journal commit each, more
//! than the whole import takes now).

use std::collections::HashSet;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use anyhow::Context;

use crate::image_store::{store_relative_path, ImageKind};

/// Image bytes to keep in the store under their hash.
pub struct Keep {
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub kind: ImageKind,
}

/// Runs `probe(i)` for every `i` in `0..count` on a few threads and keeps the bytes each returns in the store at
/// `store_dir` (unless the store has that file already). Returns the probes' results in index order and the
/// store files this call created. On an error nothing it created stays in the store, and the error is the one
/// of the lowest index, as if the files had been handled one by one.
pub fn probe_and_store<T: Send>(
    store_dir: &Path,
    count: usize,
    probe: impl Fn(usize) -> anyhow::Result<(T, Option<Keep>)> + Sync,
) -> anyhow::Result<(Vec<T>, Vec<PathBuf>)> {
    let next = AtomicUsize::new(0);
    // Indices at or after the first failure seen are not started: every lower index was handed out already.
    let failed_at = AtomicUsize::new(usize::MAX);
    let claimed: Mutex<HashSet<String>> = Mutex::new(HashSet::new());
    let written: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    let folders = Folders::default();
    let results: Mutex<Vec<(usize, anyhow::Result<T>)>> = Mutex::new(Vec::with_capacity(count));
    let work = || loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        if index >= count || index > failed_at.load(Ordering::Relaxed) {
            return;
        }
        let outcome = probe(index).and_then(|(value, keep)| {
            if let Some(keep) = keep {
                let first = lock(&claimed).insert(keep.sha256.clone());
                if first {
                    store_one(store_dir, &keep, &folders, &written)?;
                }
            }
            Ok(value)
        });
        if outcome.is_err() {
            failed_at.fetch_min(index, Ordering::Relaxed);
        }
        lock(&results).push((index, outcome));
    };
    let threads = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .saturating_mul(2)
        .clamp(2, 16)
        .min(count.max(1));
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });
    let written = written.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_unstable_by_key(|(index, _)| *index);
    let mut values = Vec::with_capacity(count);
    for (_, outcome) in results {
        match outcome {
            Ok(value) => values.push(value),
            Err(error) => {
                remove_all(&written);
                return Err(error);
            }
        }
    }
    Ok((values, written))
}

/// Removes store files an import created (after it failed).
pub fn remove_all(written: &[PathBuf]) {
    for path in written {
        let _ = fs::remove_file(path);
    }
}

/// The store's fan-out folders this import made sure exist: each is created once rather than once per file
/// (`create_dir_all` costs a `mkdir` and a `stat` even when the folder is there).
#[derive(Default)]
struct Folders(Mutex<HashSet<PathBuf>>);

impl Folders {
    fn ensure(&self, folder: &Path) -> anyhow::Result<()> {
        if lock(&self.0).contains(folder) {
            return Ok(());
        }
        fs::create_dir_all(folder).with_context(|| {
            format!("cannot create the image store folder {}", folder.display())
        })?;
        lock(&self.0).insert(folder.to_owned());
        Ok(())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Writes `keep` to its store path, unless the store has those very bytes there already. A new file is created
/// under its real name (`create_new`, so never over someone else's); a file already there with other bytes (a
/// write cut short by a crash) is replaced through a temporary file and a rename.
fn store_one(
    store_dir: &Path,
    keep: &Keep,
    folders: &Folders,
    written: &Mutex<Vec<PathBuf>>,
) -> anyhow::Result<()> {
    let target = store_dir.join(store_relative_path(&keep.sha256, keep.kind));
    folders.ensure(target.parent().context("a store path has a folder")?)?;
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target)
    {
        Ok(mut file) => {
            // Listed first: if the write fails, the failed import removes the partial file.
            lock(written).push(target.clone());
            file.write_all(&keep.bytes)
                .with_context(|| format!("cannot write {}", target.display()))
        }
        Err(error) if error.kind() == ErrorKind::AlreadyExists => {
            if fs::read(&target).is_ok_and(|there| there == keep.bytes) {
                return Ok(());
            }
            let temporary = target.with_extension(format!("partial-{}", std::process::id()));
            fs::write(&temporary, &keep.bytes)
                .with_context(|| format!("cannot write {}", temporary.display()))?;
            fs::rename(&temporary, &target).with_context(|| {
                let _ = fs::remove_file(&temporary);
                format!("cannot move an image into {}", target.display())
            })
        }
        Err(error) => Err(error).with_context(|| format!("cannot create {}", target.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keep(bytes: &[u8]) -> Keep {
        use sha2::Digest;
        Keep {
            bytes: bytes.to_vec(),
            sha256: hex::encode(sha2::Sha256::digest(bytes)),
            kind: ImageKind::Png,
        }
    }

    fn path_of(store: &Path, bytes: &[u8]) -> PathBuf {
        store.join(store_relative_path(&keep(bytes).sha256, ImageKind::Png))
    }

    #[test]
    fn every_file_is_stored_once_and_results_keep_their_order() {
        let store = tempfile::tempdir().unwrap();
        let contents: Vec<Vec<u8>> = (0..40u8).map(|i| vec![i % 30; 10]).collect();
        let (values, written) = probe_and_store(store.path(), contents.len(), |index| {
            Ok((index, Some(keep(&contents[index]))))
        })
        .unwrap();
        assert_eq!(values, (0..40).collect::<Vec<_>>());
        // 30 distinct contents: the ten repeats share a file and are written once.
        assert_eq!(written.len(), 30);
        for bytes in &contents {
            assert_eq!(fs::read(path_of(store.path(), bytes)).unwrap(), *bytes);
        }
    }

    #[test]
    fn a_file_cut_short_is_replaced_and_a_whole_one_is_left_alone() {
        let store = tempfile::tempdir().unwrap();
        let (whole, cut) = (b"whole image".to_vec(), b"cut short image".to_vec());
        for (bytes, there) in [(&whole, &whole[..]), (&cut, &cut[..4])] {
            let path = path_of(store.path(), bytes);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, there).unwrap();
        }
        let inputs = [whole.clone(), cut.clone()];
        let (_, written) = probe_and_store(store.path(), 2, |index| {
            Ok(((), Some(keep(&inputs[index]))))
        })
        .unwrap();
        assert!(written.is_empty(), "no new file: {written:?}");
        assert_eq!(fs::read(path_of(store.path(), &whole)).unwrap(), whole);
        assert_eq!(fs::read(path_of(store.path(), &cut)).unwrap(), cut);
    }

    #[test]
    fn a_failure_reports_the_first_bad_index_and_removes_what_this_call_wrote() {
        let store = tempfile::tempdir().unwrap();
        let before = b"already in the store".to_vec();
        let kept = path_of(store.path(), &before);
        fs::create_dir_all(kept.parent().unwrap()).unwrap();
        fs::write(&kept, &before).unwrap();
        let error = probe_and_store(store.path(), 200, |index| {
            if index == 150 || index == 170 {
                anyhow::bail!("image {index} is broken");
            }
            let bytes = if index == 3 {
                before.clone()
            } else {
                format!("image {index}").into_bytes()
            };
            Ok(((), Some(keep(&bytes))))
        })
        .unwrap_err();
        assert_eq!(error.to_string(), "image 150 is broken");
        let mut left = Vec::new();
        for folder in fs::read_dir(store.path()).unwrap() {
            for file in fs::read_dir(folder.unwrap().path()).unwrap() {
                left.push(file.unwrap().path());
            }
        }
        assert_eq!(
            left,
            vec![kept],
            "only the file that was there before stays"
        );
    }
}
