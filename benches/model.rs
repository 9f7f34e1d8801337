//! The model end to end: one replication of the reference scenario `scenarios/bench-large.toml`
//! (1,000 hosts × 16 sessions, 12,000 users, 30 days), and of the same with a scaling plan
//! (`benches/bench-large-plan.toml`; #10 asks that it stay within 15 % of the first), each
//! reported in events per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use poolsim::model::Keep;
use poolsim::runner::run_replication;
use std::time::Duration;

fn bench_large(c: &mut Criterion) {
    let mut group = c.benchmark_group("model");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    for (name, file) in [
        ("bench-large", "scenarios/bench-large.toml"),
        ("bench-large-plan", "benches/bench-large-plan.toml"),
    ] {
        let path = format!("{}/{file}", env!("CARGO_MANIFEST_DIR"));
        let scenario =
            poolsim::scenario::load(path.as_ref(), &[]).expect("the bench input is valid");
        let events = run_replication(&scenario, 0, Keep::default()).stats.events;
        group.throughput(Throughput::Elements(events));
        group.bench_function(name, |b| {
            b.iter(|| run_replication(&scenario, 0, Keep::default()).stats.events)
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // Text reports only: plots need system fonts, which a CI machine may lack.
    config = Criterion::default().without_plots();
    targets = bench_large
}
criterion_main!(benches);
