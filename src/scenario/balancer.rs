//! The pooled load-balancing algorithms a pool (or a scaling plan's phase) names.

use serde::Deserialize;

/// The pooled load-balancing algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadBalancer {
    /// Random among the ⌈n/2⌉ candidates with the fewest sessions (the public docs' rule).
    BreadthFirst,
    /// The candidate with the fewest sessions; ties broken by a seeded random choice.
    BreadthFirstStrict,
    /// The candidate with the most sessions still below the limit; ties by host order.
    DepthFirst,
}
