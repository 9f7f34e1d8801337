//! Ctrl-C and `kill` (SIGINT, SIGTERM): stop cleanly with exit code 130.
//!
//! `run` stops at once: the signal handler removes the hidden folder being written and the
//! lock (see [`crate::output::folder`]) and exits, so no temporary file survives and the
//! previous output stays as it was. `sweep` first lets the running replications end and keeps
//! every finished point for `--resume`; a second signal stops it at once, the same way.

use crate::output::folder;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the first signal when stopping is graceful.
static STOP: AtomicBool = AtomicBool::new(false);
/// Whether the first signal only asks to stop (a sweep) rather than stopping at once.
static GRACEFUL: AtomicBool = AtomicBool::new(false);

/// Installs the handler (once per process); with `graceful`, the first signal only sets the
/// returned flag. If the handler cannot be installed, signals keep their default meaning:
/// the process ends, and the next run into the folder removes what it left.
pub fn install(graceful: bool) -> &'static AtomicBool {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    GRACEFUL.store(graceful, Ordering::Relaxed);
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if !GRACEFUL.load(Ordering::Relaxed) || STOP.swap(true, Ordering::Relaxed) {
                let _held = folder::abandon_all();
                std::process::exit(130);
            }
        });
    });
    &STOP
}
