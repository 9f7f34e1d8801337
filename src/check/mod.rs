//! Regression checking: a scenario's metrics now against a reviewed baseline.
//!
//! Pure: the command (`cli/check.rs`) runs the scenario and reads and writes files; this module
//! only records baselines, compares, and renders the outcome.

pub mod baseline;
pub mod compare;
pub mod report;
pub mod tolerance;

pub use baseline::Baseline;
pub use compare::{Comparison, Row, Verdict, compare};
pub use report::ReportFormat;
pub use tolerance::{Tolerance, Tolerances};
