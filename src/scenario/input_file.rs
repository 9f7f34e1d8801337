//! Reading an input file (a scenario, an assignments CSV) safely: only a regular file, only up
//! to a size cap, and never blocking.
//!
//! A path may name a FIFO (opening it for reading blocks until a writer comes), a device
//! (`/dev/zero` never ends) or a huge file. The file is opened non-blocking, then its type
//! and size are read from the open handle (so nothing can be swapped in between), and at most
//! the cap plus one byte is read — a file that grows while being read is still refused.

use std::io::Read;
use std::path::Path;

/// Largest scenario file: far above any real one (a 10,000-host pool with every assignment
/// inline is under 1 MiB).
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;
/// Largest assignments CSV: a million rows of long names fit.
pub const MAX_ASSIGNMENTS_BYTES: u64 = 64 << 20;

/// Reads `path` as UTF-8 text if it is a regular file of at most `max` bytes; otherwise says
/// why not, in words for an error message.
pub fn read_text(path: &Path, max: u64) -> Result<String, String> {
    let mut file = open_nonblocking(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read the file: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{}; give a regular file", kind_of(&meta)));
    }
    let too_big = || format!("is larger than {} MiB, the most poolsim reads", max >> 20);
    if meta.len() > max {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    (&mut file)
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    String::from_utf8(bytes).map_err(|e| format!("is not UTF-8 text: {e}"))
}

/// Opens `path` for streaming if it is a regular file of at most `max` bytes (a connection
/// log, too large to hold as text); otherwise says why not.
pub fn open_regular(path: &Path, max: u64) -> Result<std::fs::File, String> {
    let file = open_nonblocking(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read the file: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{}; give a regular file", kind_of(&meta)));
    }
    if meta.len() > max {
        return Err(format!("is larger than {} MiB, the most poolsim reads", max >> 20));
    }
    Ok(file)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// What a non-regular file is, for the error message.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "is a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "is a device";
        }
        if t.is_socket() {
            return "is a socket";
        }
    }
    if meta.is_dir() { "is a directory" } else { "is not a regular file" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_directories_and_oversized_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_text(dir.path(), 100).unwrap_err().contains("directory"));
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'a'; 101]).unwrap();
        assert!(read_text(&big, 100).unwrap_err().contains("larger"));
        assert_eq!(read_text(&big, 101).unwrap().len(), 101);
        #[cfg(unix)]
        assert!(read_text(Path::new("/dev/zero"), 100).unwrap_err().contains("device"));
    }
}
