//! A hint to the CPU: start loading a value that will be read soon.
//!
//! The engine knows the next event while the current one is handled; the model asks here for
//! the state that event will touch (a session's slot), so the cache miss of that first read
//! overlaps the current event's work. In a 10,000-host pool the session table (≈ 94,000 live
//! slots) is far larger than the cache, and that first read was a tenth of the run.

/// Starts loading the cache line that holds `value`. Only a hint: no effect on results.
#[inline]
pub fn read<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and does not access memory architecturally; the
    // pointer comes from a live reference. SSE is part of the x86_64 baseline.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
