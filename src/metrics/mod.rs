//! Measurements: what a replication records, the metric contract, and statistics across
//! replications.

pub mod catalog;
pub mod recorder;
pub mod stats;
pub mod summary;
pub mod timeseries;
pub mod trace;

pub use catalog::{Better, METRICS, MetricDef, MetricValues};
pub use recorder::Recorder;
pub use summary::{MetricSummary, Summaries};
