//! `poolsim validate`: check a scenario file without running it, and say everything wrong
//! with it at once (one line per problem), so a scenario is fixed in one pass.

use super::{Failure, parse_overrides};
use crate::output::numbers;
use crate::scenario;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct ValidateArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Set any scenario key by dotted path before checking, as `run --set` would (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

/// Loads and checks the scenario; prints a one-line verdict, or every problem found.
pub fn validate(args: ValidateArgs) -> Result<(), Failure> {
    let path = &args.scenario;
    let overrides = parse_overrides(&args.set)?;
    let s = match scenario::load_all_errors(path, &overrides) {
        Ok(s) => s,
        Err(errors) => {
            let (last, earlier) = errors.split_last().expect("an error list is never empty");
            for e in earlier {
                eprintln!("error: {e}");
            }
            return Err(Failure::Input(last.to_string()));
        }
    };
    super::print_warnings(path, &s);
    println!(
        "{}: ok ({} hosts, {} of {})",
        path.display(),
        s.pool.hosts,
        numbers::replications(s.replications),
        s.duration
    );
    Ok(())
}
