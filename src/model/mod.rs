//! The host-pool model: hosts, sessions, users, load balancing, the workload, and the events
//! that tie them together. Pure: no I/O, no wall clock.

pub mod assignment;
pub mod balancer;
pub mod host;
pub mod lifecycle;
pub mod personal;
pub mod pool;
pub mod population;
pub mod session;
pub mod sim;
pub mod update;
pub mod workload;

pub use sim::{Event, Keep, PoolSim};
