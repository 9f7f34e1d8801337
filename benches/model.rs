//! The model end to end: one replication of the reference scenario `scenarios/bench-large.toml`
//! (1,000 hosts × 16 sessions, 12,000 users, 30 days), reported in events per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use poolsim::model::Keep;
use poolsim::runner::run_replication;
use std::time::Duration;

fn bench_large(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/bench-large.toml");
    let scenario = poolsim::scenario::load(path.as_ref(), &[]).expect("bench-large is valid");
    let events = run_replication(&scenario, 0, Keep::default()).stats.events;
    let mut group = c.benchmark_group("model");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(events));
    group.bench_function("bench-large", |b| {
        b.iter(|| run_replication(&scenario, 0, Keep::default()).stats.events)
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // Text reports only: plots need system fonts, which a CI machine may lack.
    config = Criterion::default().without_plots();
    targets = bench_large
}
criterion_main!(benches);
