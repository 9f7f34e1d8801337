//! Output files: rendered to bytes here, written atomically by [`atomic::write_atomic`].
//! Everything is deterministic text: fixed column order, Rust's shortest float formatting.

pub mod assignments;
pub mod atomic;
pub mod connections;
pub mod folder;
pub mod tables;
pub mod update;

pub use atomic::write_atomic;
pub use tables::{replications_csv, summary_json, timeseries_csv, trace_csv};
pub use update::update_csv;
