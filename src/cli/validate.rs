//! `poolsim validate`: check a scenario file without running it.

use super::Failure;
use crate::scenario;
use std::path::Path;

/// Loads and checks the scenario; prints a one-line verdict.
pub fn validate(path: &Path) -> Result<(), Failure> {
    let s = scenario::load(path, &[])?;
    super::print_warnings(path, &s);
    println!(
        "{}: ok ({} hosts, {} replications of {})",
        path.display(),
        s.pool.hosts,
        s.replications,
        s.duration
    );
    Ok(())
}
