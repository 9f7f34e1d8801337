//! Opening the files a scenario names (assignment lists, connection logs): only regular files,
//! and none larger than the reader is meant for — so a typo naming a directory, a device or a
//! pipe gets a clear error instead of a hang.

use std::fs::File;
use std::path::Path;

/// Opens `path` for reading if it is a regular file of at most `max_bytes`; the error says
/// what is wrong, in words for the user.
pub fn open_regular(path: &Path, max_bytes: u64) -> Result<File, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read the file: {e}"))?;
    if !meta.is_file() {
        return Err("is not a regular file".to_string());
    }
    if meta.len() > max_bytes {
        return Err(format!("is larger than {max_bytes} bytes ({} bytes)", meta.len()));
    }
    File::open(path).map_err(|e| format!("cannot read the file: {e}"))
}
