//! Output files: rendered to bytes here, written atomically by [`atomic::write_atomic`].
//! Everything is deterministic text: fixed column order, Rust's shortest float formatting.

pub mod atomic;
pub mod clock;
pub mod connections;
pub mod folder;
pub mod hourly;
pub mod numbers;
pub mod power;
pub mod provenance;
pub mod tables;
pub mod update;
pub mod window;

pub use atomic::write_atomic;
pub use clock::Clock;
pub use tables::{replications_csv, summary_json, timeseries_csv, trace_csv};
pub use update::update_csv;
