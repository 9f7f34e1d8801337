//! The Kolmogorov–Smirnov distance, the goodness measure of every choice `poolsim fit` makes
//! (session-length shape, storm or hourly profile).

/// The Kolmogorov–Smirnov distance between sorted data `x` and a CDF.
pub fn ks(x: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let n = x.len() as f64;
    x.iter().enumerate().fold(0.0, |d, (i, &v)| {
        let f = cdf(v);
        d.max(f - i as f64 / n).max((i + 1) as f64 / n - f)
    })
}
