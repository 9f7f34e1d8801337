//! The host-pool model: hosts, sessions, users, load balancing, the workload, and the events
//! that tie them together. Pure: no I/O, no wall clock.

pub mod assignment;
pub mod attendance;
pub mod autoscale;
pub mod balancer;
pub mod config;
pub mod control;
pub mod event;
pub mod failure;
pub mod faults;
pub mod feature;
pub mod host;
pub mod host_set;
pub mod lifecycle;
pub mod logon;
pub mod personal;
pub mod personal_plan;
pub mod personal_power;
pub mod pool;
pub mod population;
pub mod power;
pub mod power_index;
pub mod power_meter;
pub mod replay;
pub mod retry;
pub mod scaling_script;
pub mod session;
pub mod sim;
pub mod streams;
pub mod tied;
pub mod update;
pub mod workload;
pub mod world;

pub use config::ModelConfig;
pub use event::Event;
pub use sim::{Keep, PoolSim};
