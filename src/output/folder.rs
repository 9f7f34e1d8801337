//! An output folder a run owns: its files are written into a fresh hidden folder beside it,
//! which then replaces the folder in one rename. So a folder never mixes two runs (files of an
//! earlier run do not survive into it), and a run that fails or is killed before the swap
//! leaves the previous output untouched.
//!
//! Beside `DIR` live, only while a run uses it:
//! - `.DIR.poolsim-lock`: locked (`flock`) for the whole run, so a second run into `DIR`
//!   fails at once instead of interleaving its files; removed when the run ends.
//! - `.DIR.poolsim-tmp-PID-N`: the folder being written. A run killed outright leaves it
//!   behind, hidden; the next run into `DIR` removes it.
//!
//! An existing `DIR` is replaced only if poolsim wrote it (it holds [`MARKER`], or — folders
//! from before the marker — only CSV, JSON, PNG, SVG, HTML and `sweep.plan` files and one of
//! `summary.json`, `sweep.csv`, `sweep.plan`) or it is empty: `--out ~/Documents` is refused,
//! not emptied. Files get the usual mode (0644 under the default umask).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The file that marks a folder as poolsim's output.
pub const MARKER: &str = ".poolsim-output";
const MARKER_TEXT: &[u8] = b"This folder is a poolsim output; the next run into it replaces it.\n";

/// Why a folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// Another poolsim run holds the folder.
    #[error(
        "{0}: another poolsim run is writing to this folder; wait for it or choose another --out"
    )]
    Busy(String),
    /// The path is not a folder poolsim may replace.
    #[error("{0}: {1}")]
    Refused(String, String),
    /// A file system error.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

impl FolderError {
    /// True when the folder's owner or contents are at fault rather than the file system.
    pub fn is_input(&self) -> bool {
        !matches!(self, FolderError::Io(..))
    }
}

/// Paths to remove if the process is stopped by a signal: staging folders and lock files.
static ABANDON: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every staging folder and lock file of this process (called by the signal handler
/// just before exiting). Waits for a file write or a swap in progress, and never returns
/// the lock, so nothing is written after it.
pub fn abandon_all() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    let guard = ABANDON.lock().unwrap_or_else(|p| p.into_inner());
    for path in guard.iter() {
        for _ in 0..3 {
            let done = if path.is_dir() {
                std::fs::remove_dir_all(path)
            } else {
                std::fs::remove_file(path)
            };
            if done.is_ok() || !path.exists() {
                break;
            }
        }
    }
    guard
}

fn register(path: &Path) {
    ABANDON.lock().unwrap_or_else(|p| p.into_inner()).push(path.to_path_buf());
}

fn unregister(path: &Path) {
    ABANDON.lock().unwrap_or_else(|p| p.into_inner()).retain(|p| p != path);
}

/// An output folder held by this run (see the module documentation).
#[derive(Debug)]
pub struct OutputFolder {
    /// The folder as the user named it (for messages).
    shown: String,
    /// The folder, absolute.
    target: PathBuf,
    parent: PathBuf,
    name: String,
    lock: Option<(File, PathBuf)>,
    staging: Option<PathBuf>,
}

impl OutputFolder {
    /// Checks that `target` may be replaced, locks it and cleans up after killed runs. Creates
    /// nothing but the parent folder and the lock file, and only once every check passed.
    pub fn begin(target: &Path) -> Result<Self, FolderError> {
        let shown = target.display().to_string();
        let io = |e| FolderError::Io(shown.clone(), e);
        let absolute = std::path::absolute(target).map_err(io)?;
        let refused = |why: &str| FolderError::Refused(shown.clone(), why.to_string());
        let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
            return Err(refused("give a folder name, e.g. --out out/run1"));
        };
        if std::env::current_dir().is_ok_and(|cwd| same_path(&cwd, &absolute)) {
            return Err(refused("is the current folder; give a folder below it"));
        }
        let name = name.to_string_lossy().into_owned();
        let parent = parent.to_path_buf();
        check_replaceable(&absolute).map_err(|why| refused(&why))?;
        std::fs::create_dir_all(&parent).map_err(io)?;
        let lock_path = parent.join(format!(".{name}.poolsim-lock"));
        let lock = acquire(&lock_path).map_err(|e| match e {
            None => FolderError::Busy(shown.clone()),
            Some(e) => io(e),
        })?;
        register(&lock_path);
        let folder = OutputFolder {
            shown,
            target: absolute,
            parent,
            name,
            lock: Some((lock, lock_path)),
            staging: None,
        };
        folder.remove_leftovers();
        Ok(folder)
    }

    /// Locks an existing folder to add files to it in place (`poolsim plot DIR`), so that a
    /// run cannot swap it meanwhile. Nothing is replaced; the lock goes when this is dropped.
    pub fn lock_in_place(target: &Path) -> Result<Self, FolderError> {
        let shown = target.display().to_string();
        let absolute =
            std::path::absolute(target).map_err(|e| FolderError::Io(shown.clone(), e))?;
        let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
            return Err(FolderError::Refused(shown, "give the folder by name".into()));
        };
        let name = name.to_string_lossy().into_owned();
        let parent = parent.to_path_buf();
        let lock_path = parent.join(format!(".{name}.poolsim-lock"));
        let lock = acquire(&lock_path).map_err(|e| match e {
            None => FolderError::Busy(shown.clone()),
            Some(e) => FolderError::Io(shown.clone(), e),
        })?;
        register(&lock_path);
        Ok(OutputFolder {
            shown,
            target: absolute,
            parent,
            name,
            lock: Some((lock, lock_path)),
            staging: None,
        })
    }

    /// The folder as the user named it.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The folder the run's files appear in once published.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The hidden folder being written, created on first use.
    pub fn staging(&mut self) -> Result<PathBuf, FolderError> {
        if let Some(s) = &self.staging {
            return Ok(s.clone());
        }
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            self.parent.join(format!(".{}.poolsim-tmp-{}-{n}", self.name, std::process::id()));
        register(&path);
        std::fs::create_dir(&path).map_err(|e| FolderError::Io(self.shown.clone(), e))?;
        self.staging = Some(path.clone());
        Ok(path)
    }

    /// Writes `bytes` to file `name` of the folder being written. It reaches the disk when
    /// the folder is published, with every other file of it.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<(), FolderError> {
        let path = self.staging()?.join(name);
        let err = |e| FolderError::Io(format!("{}/{name}", self.shown), e);
        let _no_signal_cleanup_meanwhile = ABANDON.lock().unwrap_or_else(|p| p.into_inner());
        let mut file = File::create(&path).map_err(err)?;
        file.write_all(bytes).map_err(err)
    }

    /// Makes the written files the folder's whole content, in one rename, durably: every
    /// file of the folder being written (including those other code put there, such as
    /// pictures) is flushed to disk, then the folder, then — after the rename — its parent.
    /// Flushing the files only once all are written lets the file system commit them together,
    /// instead of once per file. The folder being written starts afresh, for a later publish.
    pub fn publish(&mut self) -> Result<(), FolderError> {
        let staging = self.staging()?;
        let io = |e| FolderError::Io(self.shown.clone(), e);
        std::fs::write(staging.join(MARKER), MARKER_TEXT).map_err(io)?;
        sync_files_and_folder(&staging).map_err(io)?;
        let _no_signal_cleanup_meanwhile = ABANDON.lock().unwrap_or_else(|p| p.into_inner());
        swap_in(&staging, &self.target).map_err(io)?;
        sync_folder(&self.parent).map_err(io)?;
        // `staging` now holds the previous content, if there was any.
        let _ = std::fs::remove_dir_all(&staging);
        drop(_no_signal_cleanup_meanwhile);
        unregister(&staging);
        self.staging = None;
        Ok(())
    }

    /// Removes hidden folders left beside the target by runs that were killed outright.
    fn remove_leftovers(&self) {
        let prefix = format!(".{}.poolsim-tmp-", self.name);
        let Ok(entries) = std::fs::read_dir(&self.parent) else { return };
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

impl Drop for OutputFolder {
    fn drop(&mut self) {
        if let Some(staging) = self.staging.take() {
            let _ = std::fs::remove_dir_all(&staging);
            unregister(&staging);
        }
        if let Some((file, path)) = self.lock.take() {
            // Unlink while still holding the lock (see `acquire`), then unlock by closing.
            let _ = std::fs::remove_file(&path);
            unregister(&path);
            drop(file);
        }
    }
}

/// Locks `path` without waiting: `Err(None)` when another process holds it. A holder that
/// finishes removes the file, so after locking, the path must still name the file locked —
/// otherwise the lock is on a removed file and the attempt starts over.
fn acquire(path: &Path) -> Result<File, Option<std::io::Error>> {
    for _ in 0..5 {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(Some)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(None),
            Err(std::fs::TryLockError::Error(e)) => return Err(Some(e)),
        }
        if same_file(&file, path) {
            return Ok(file);
        }
    }
    Err(None)
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Files poolsim writes into an output folder, by extension (folders from before the marker).
const OUTPUT_EXTENSIONS: [&str; 6] = ["csv", "json", "png", "svg", "html", "plan"];

/// `Ok` when `target` does not exist, is empty, or is a poolsim output folder.
fn check_replaceable(target: &Path) -> Result<(), String> {
    let meta = match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.to_string()),
        Ok(m) => m,
    };
    if meta.file_type().is_symlink() {
        return Err("is a symbolic link; give the folder itself".into());
    }
    if !meta.is_dir() {
        return Err("exists and is not a folder".into());
    }
    let entries: Vec<_> = std::fs::read_dir(target)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.file_type()))
        .collect();
    if entries.is_empty() || entries.iter().any(|(n, _)| n == MARKER) {
        return Ok(());
    }
    let ours = |(n, t): &(String, std::io::Result<std::fs::FileType>)| {
        t.as_ref().is_ok_and(|t| t.is_file())
            && (n.starts_with(".poolsim-")
                || Path::new(n)
                    .extension()
                    .is_some_and(|e| OUTPUT_EXTENSIONS.iter().any(|x| e == *x)))
    };
    let has_result = entries
        .iter()
        .any(|(n, _)| ["summary.json", "sweep.csv", "sweep.plan"].contains(&n.as_str()));
    match entries.iter().find(|e| !ours(e)) {
        None if has_result => Ok(()),
        None => Err("holds files poolsim did not write; choose an empty or new folder".into()),
        Some((n, _)) => Err(format!(
            "holds \"{n}\", which poolsim did not write: poolsim replaces its output folder \
             whole, so give an empty or new folder"
        )),
    }
}

/// Flushes every file of `dir`, then `dir` itself (its entries), to disk. Flushed only now,
/// once all are written, the files' blocks are allocated in one journal transaction: the
/// first flush commits it and the others find little left to do (flushing each file right
/// after writing it committed one transaction per file). Flushing them from several threads
/// at once was measured slower on ext4 (see `results/perf.md`).
fn sync_files_and_folder(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            File::open(entry.path())?.sync_all()?;
        }
    }
    sync_folder(dir)
}

/// Flushes a folder's entries to disk (a rename in it, files created in it).
#[cfg(unix)]
fn sync_folder(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Folders cannot be opened for flushing here; their entries follow the files'.
#[cfg(not(unix))]
fn sync_folder(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Puts the folder `staging` at `target`; afterwards `staging` holds what `target` held
/// (or nothing). On Linux the two are exchanged in one `renameat2(RENAME_EXCHANGE)`, so
/// `target` is never missing; elsewhere (or on file systems without it) the old folder is
/// first renamed aside.
fn swap_in(staging: &Path, target: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(target).is_err() {
        return std::fs::rename(staging, target);
    }
    #[cfg(target_os = "linux")]
    if exchange(staging, target).is_ok() {
        return Ok(());
    }
    let mut aside = staging.as_os_str().to_owned();
    aside.push("-old");
    let aside = PathBuf::from(aside);
    std::fs::rename(target, &aside)?;
    if let Err(e) = std::fs::rename(staging, target) {
        let _ = std::fs::rename(&aside, target);
        return Err(e);
    }
    std::fs::rename(&aside, staging)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c =
        |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_folder_holds_only_the_new_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let mut first = OutputFolder::begin(&out).unwrap();
        first.write("a.csv", b"1").unwrap();
        first.write("b.csv", b"1").unwrap();
        first.publish().unwrap();
        drop(first);
        let mut second = OutputFolder::begin(&out).unwrap();
        second.write("a.csv", b"2").unwrap();
        second.publish().unwrap();
        drop(second);
        let mut names: Vec<_> =
            std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, [MARKER, "a.csv"]);
        assert_eq!(std::fs::read(out.join("a.csv")).unwrap(), b"2");
        let beside: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(beside.len(), 1, "no lock file or staging folder is left");
    }

    #[test]
    fn a_held_folder_is_busy_and_a_dropped_one_leaves_the_old_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let mut first = OutputFolder::begin(&out).unwrap();
        first.write("a.csv", b"1").unwrap();
        first.publish().unwrap();
        assert!(matches!(OutputFolder::begin(&out), Err(FolderError::Busy(_))));
        first.write("b.csv", b"half").unwrap();
        drop(first); // fails before publishing
        assert!(!out.join("b.csv").exists());
        assert_eq!(std::fs::read(out.join("a.csv")).unwrap(), b"1");
        assert!(OutputFolder::begin(&out).is_ok(), "free again");
    }

    #[test]
    fn folders_poolsim_did_not_write_are_refused_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let mine = tmp.path().join("mine");
        std::fs::create_dir(&mine).unwrap();
        std::fs::write(mine.join("notes.txt"), b"keep").unwrap();
        assert!(matches!(OutputFolder::begin(&mine), Err(FolderError::Refused(..))));
        let data = tmp.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(data.join("measurements.csv"), b"keep").unwrap();
        assert!(matches!(OutputFolder::begin(&data), Err(FolderError::Refused(..))));
        let old = tmp.path().join("old");
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("summary.json"), b"{}").unwrap();
        std::fs::write(old.join("timeseries.png"), b"").unwrap();
        assert!(OutputFolder::begin(&old).is_ok(), "an output of an earlier poolsim");
        assert_eq!(std::fs::read(mine.join("notes.txt")).unwrap(), b"keep");
    }

    #[test]
    fn leftovers_of_killed_runs_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let left = tmp.path().join(".out.poolsim-tmp-999-0");
        std::fs::create_dir(&left).unwrap();
        std::fs::write(left.join("trace.csv"), b"x").unwrap();
        let _f = OutputFolder::begin(&tmp.path().join("out")).unwrap();
        assert!(!left.exists());
    }
}
