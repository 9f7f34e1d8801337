//! How much worse a metric may get before `poolsim check` calls it a regression.
//!
//! `--tolerance NAME=VALUE`: `VALUE` is absolute (`0.005`) or relative to the baseline (`2%`);
//! `NAME` is a catalog metric or `*` for every metric. A metric's own entry beats `*`.

use crate::metrics::catalog;

/// The slack allowed for one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Allowed change in the metric's own unit.
    pub absolute: f64,
    /// Allowed change as a share of the baseline's magnitude (0.01 = 1 %).
    pub relative: f64,
}

impl Tolerance {
    /// The default: 1 % of the baseline. The confidence-interval test does the rest, so
    /// replication noise alone never fails a check.
    pub const DEFAULT: Tolerance = Tolerance { absolute: 0.0, relative: 0.01 };

    /// The largest change allowed from `baseline`.
    pub fn slack(&self, baseline: f64) -> f64 {
        self.absolute.max(self.relative * baseline.abs())
    }

    /// Parses `0.005` (absolute) or `2%` (relative).
    fn parse(value: &str) -> Result<Self, String> {
        let bad =
            || format!("\"{value}\" is not a tolerance: use a number (0.005) or a percentage (2%)");
        let (number, relative) = match value.strip_suffix('%') {
            Some(p) => (p.trim(), true),
            None => (value, false),
        };
        let x: f64 = number.parse().map_err(|_| bad())?;
        if !x.is_finite() || x < 0.0 {
            return Err(bad());
        }
        Ok(if relative {
            Tolerance { absolute: 0.0, relative: x / 100.0 }
        } else {
            Tolerance { absolute: x, relative: 0.0 }
        })
    }
}

/// The tolerances of a check: a default and per-metric exceptions.
#[derive(Debug, Clone, PartialEq)]
pub struct Tolerances {
    default: Tolerance,
    per_metric: Vec<(String, Tolerance)>,
}

impl Default for Tolerances {
    fn default() -> Self {
        Self { default: Tolerance::DEFAULT, per_metric: Vec::new() }
    }
}

impl Tolerances {
    /// Parses `--tolerance` arguments (`NAME=VALUE`); later entries for a name win.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut t = Tolerances::default();
        for arg in args {
            let (name, value) = arg.split_once('=').ok_or_else(|| {
                format!(
                    "--tolerance \"{arg}\": expected METRIC=VALUE, e.g. login_failure_rate=0.005"
                )
            })?;
            let (name, value) = (name.trim(), value.trim());
            let tol = Tolerance::parse(value).map_err(|m| format!("--tolerance {name}: {m}"))?;
            if name == "*" {
                t.default = tol;
            } else if catalog::def(name).is_some() {
                t.per_metric.retain(|(n, _)| n != name);
                t.per_metric.push((name.to_string(), tol));
            } else {
                let names: Vec<&str> = catalog::METRICS.iter().map(|d| d.name).collect();
                return Err(format!(
                    "--tolerance {name}: no such metric; use * or one of {}",
                    names.join(", ")
                ));
            }
        }
        Ok(t)
    }

    /// The tolerance for metric `name`.
    pub fn of(&self, name: &str) -> Tolerance {
        self.per_metric.iter().find(|(n, _)| n == name).map_or(self.default, |(_, t)| *t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_absolute_or_relative_and_names_must_exist() {
        let t = Tolerances::parse(&[
            "*=5%".into(),
            "login_failure_rate=0.002".into(),
            "logins_failed = 10 %".into(),
        ])
        .unwrap();
        assert_eq!(t.of("host_availability"), Tolerance { absolute: 0.0, relative: 0.05 });
        assert_eq!(t.of("login_failure_rate").slack(0.5), 0.002);
        assert!((t.of("logins_failed").slack(-200.0) - 20.0).abs() < 1e-9);
        assert!(Tolerances::parse(&["no_such_metric=1".into()]).unwrap_err().contains("no such"));
        assert!(Tolerances::parse(&["logins_failed=-1".into()]).is_err());
        assert!(Tolerances::parse(&["logins_failed=abc%".into()]).is_err());
        assert!(Tolerances::parse(&["logins_failed".into()]).is_err());
    }
}
