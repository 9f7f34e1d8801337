//! The engine's event queue against a bare `std::collections::BinaryHeap` of (time, sequence)
//! keys, on the same keys: the "hold" workload of discrete-event simulation (pop the earliest
//! event, schedule one a random delay later) at a steady queue length. The ratio of the two
//! times is the queue's overhead (results/perf.md).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use poolsim::engine::EventQueue;
use poolsim::model::Event;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

/// Hold operations (one pop + one schedule) per iteration.
const HOLDS: usize = 100_000;

/// Deterministic delays in milliseconds, roughly exponential with a 30-minute mean, so the
/// keys look like a simulation's (xorshift: no dependence on the model's random streams).
fn delays(n: usize) -> Vec<u64> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let u = (x >> 11) as f64 / (1u64 << 53) as f64;
            (-(1.0 - u).ln() * 1_800_000.0) as u64
        })
        .collect()
}

fn event_queue(size: usize, delays: &[u64]) -> u64 {
    let mut q = EventQueue::new();
    for (i, &d) in delays[..size].iter().enumerate() {
        q.schedule(d, Event::Arrival { source: i as u32 });
    }
    let mut sum = 0u64;
    for &d in &delays[size..] {
        let (t, e) = q.pop().expect("the queue stays full");
        sum = sum.wrapping_add(t);
        q.schedule(t + d, e);
    }
    sum
}

fn bare_heap(size: usize, delays: &[u64]) -> u64 {
    let mut heap = BinaryHeap::with_capacity(size);
    let mut seq = 0u64;
    for &d in &delays[..size] {
        heap.push(Reverse((d, seq)));
        seq += 1;
    }
    let mut sum = 0u64;
    for &d in &delays[size..] {
        let Reverse((t, _)) = heap.pop().expect("the heap stays full");
        sum = sum.wrapping_add(t);
        heap.push(Reverse((t + d, seq)));
        seq += 1;
    }
    sum
}

fn hold(c: &mut Criterion) {
    let mut group = c.benchmark_group("hold");
    group.throughput(Throughput::Elements(HOLDS as u64));
    for size in [1_000usize, 10_000, 100_000] {
        let keys = delays(size + HOLDS);
        assert_eq!(event_queue(size, &keys), bare_heap(size, &keys), "same keys, same order");
        group.bench_with_input(BenchmarkId::new("event_queue", size), &keys, |b, k| {
            b.iter(|| event_queue(size, black_box(k)))
        });
        group.bench_with_input(BenchmarkId::new("binary_heap", size), &keys, |b, k| {
            b.iter(|| bare_heap(size, black_box(k)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // Text reports only: plots need system fonts, which a CI machine may lack.
    config = Criterion::default().without_plots();
    targets = hold
}
criterion_main!(benches);
