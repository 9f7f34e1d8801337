//! Statistics across replications: mean, percentiles, Student-t confidence intervals.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Arithmetic mean; `None` for no values.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Sample standard deviation (n − 1); `None` for fewer than two values.
pub fn sample_sd(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let m = mean(values)?;
    let ss: f64 = values.iter().map(|v| (v - m).powi(2)).sum();
    Some((ss / (values.len() - 1) as f64).sqrt())
}

/// The `q`-quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics (the common
/// "type 7" definition); `None` for no values.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    Some(v[lo] + (v[hi] - v[lo]) * (pos - lo as f64))
}

/// Two-sided `level` (e.g. 0.95) confidence interval for the mean, from the Student t
/// distribution with n − 1 degrees of freedom; `None` for fewer than two values.
pub fn confidence_interval(values: &[f64], level: f64) -> Option<(f64, f64)> {
    let n = values.len();
    let m = mean(values)?;
    let sd = sample_sd(values)?;
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64).ok()?;
    let half = t.inverse_cdf(0.5 + level / 2.0) * sd / (n as f64).sqrt();
    Some((m - half, m + half))
}

/// The Erlang-B blocking probability for `servers` servers and `load` Erlangs of offered
/// traffic, by the stable recurrence B(0) = 1, B(k) = E·B(k−1) / (k + E·B(k−1)).
pub fn erlang_b(servers: u32, load: f64) -> f64 {
    (1..=servers).fold(1.0, |b, k| load * b / (f64::from(k) + load * b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let v = [4.0, 1.0, 3.0, 2.0];
        assert_eq!(quantile(&v, 0.0), Some(1.0));
        assert_eq!(quantile(&v, 1.0), Some(4.0));
        assert_eq!(quantile(&v, 0.5), Some(2.5));
    }

    #[test]
    fn t_interval_matches_tables() {
        // n = 5, sd = 1: half-width t(0.975, 4) / sqrt(5) = 2.7764 / 2.2361 = 1.2416.
        let v = [-1.0, -0.5, 0.0, 0.5, 1.0];
        let sd = sample_sd(&v).unwrap();
        let scaled: Vec<f64> = v.iter().map(|x| x / sd).collect();
        let (lo, hi) = confidence_interval(&scaled, 0.95).unwrap();
        assert!((hi - 1.2416).abs() < 1e-3 && (lo + 1.2416).abs() < 1e-3, "{lo} {hi}");
        assert_eq!(confidence_interval(&[1.0], 0.95), None);
    }

    #[test]
    fn erlang_b_matches_published_values() {
        // MODEL.md: B(c = 15, E = 10) = 0.0365 to four places.
        assert!((erlang_b(15, 10.0) - 0.0365).abs() < 5e-5);
        assert!((erlang_b(1, 1.0) - 0.5).abs() < 1e-12);
        assert_eq!(erlang_b(0, 3.0), 1.0);
    }
}
