//! poolsim: a deterministic discrete-event simulator of virtual-desktop host pools.
//!
//! The core (`engine`, `model`, `metrics`, `runner`) is pure: no I/O, no wall clock. The shell
//! (`cli`, `output`, `progress`) reads scenarios, writes files and talks to the terminal.
//! See ARCHITECTURE.md for the code map.

pub mod check;
pub mod cli;
pub mod engine;
pub mod fit;
pub mod metrics;
pub mod model;
pub mod one_line;
pub mod output;
pub mod plot;
pub mod progress;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod shard;
pub mod sweep;
