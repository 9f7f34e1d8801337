//! Parameter sweeps: a grid of scenario variants, each run with replications, summarised in
//! `sweep.csv`, with an SLO mode that picks the cheapest point meeting the planner's goals.
//!
//! Pure: the command (`cli/sweep.rs`) reads and writes the files.

pub mod execute;
pub mod file;
pub mod goal;
pub mod grid;
pub mod partial;
pub mod summary;
pub mod table;

pub use execute::{PointJob, PointResult, execute};
pub use goal::{Goal, Verdict, choose, choose_minimizing};
pub use grid::{Axis, Point, points};
pub use table::{SweepRow, SweepTable};
