//! The sweep grid: axes given as `--set path=v1,v2,…` or `--set path=start..end:step`, and
//! their cartesian product, in a fixed order (the first axis varies slowest) so that point
//! numbers — and so every output — never depend on how the work is scheduled.

use crate::scenario::{Override, parse_value};

/// One swept scenario key and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted scenario path, e.g. `pool.hosts`.
    pub path: String,
    /// The values, in the order given.
    pub values: Vec<toml::Value>,
}

impl Axis {
    /// Parses `path=v1,v2,…` or `path=start..end:step` (the end is included when the steps
    /// land on it, so `10..50:10` is 10, 20, 30, 40, 50).
    pub fn parse(text: &str) -> Result<Self, String> {
        let (path, raw) =
            text.split_once('=').ok_or_else(|| format!("\"{text}\": expected path=values"))?;
        let path = path.trim();
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(format!("\"{text}\": expected a dotted key path like pool.hosts"));
        }
        let raw = raw.trim();
        let values = match parse_range(raw) {
            Some(range) => range.map_err(|m| format!("{path}: {m}"))?,
            None => raw.split(',').map(|v| parse_value(v.trim())).collect(),
        };
        if values.is_empty() || raw.is_empty() {
            return Err(format!("{path}: give at least one value"));
        }
        Ok(Axis { path: path.to_string(), values })
    }
}

/// Parses `start..end:step`; `None` when `raw` is not written as a range.
fn parse_range(raw: &str) -> Option<Result<Vec<toml::Value>, String>> {
    let (span, step) = raw.split_once(':')?;
    let (start, end) = span.split_once("..")?;
    let nums = [start, end, step].map(|s| parse_value(s.trim()));
    let ints: Option<Vec<i64>> = nums.iter().map(toml::Value::as_integer).collect();
    if let Some(v) = ints {
        return Some(int_range(v[0], v[1], v[2]));
    }
    let floats: Option<Vec<f64>> =
        nums.iter().map(|n| n.as_float().or_else(|| n.as_integer().map(|i| i as f64))).collect();
    Some(match floats {
        Some(v) => float_range(v[0], v[1], v[2]),
        None => Err(format!("\"{raw}\": a range is start..end:step with numbers")),
    })
}

/// Most points one range may produce: a typo like `1..1000000:1` should fail, not run.
const MAX_RANGE_POINTS: usize = 10_000;

fn int_range(start: i64, end: i64, step: i64) -> Result<Vec<toml::Value>, String> {
    if step <= 0 || end < start {
        return Err(format!("range {start}..{end}:{step} needs start <= end and step > 0"));
    }
    // In i128: `end - start` overflows i64 for a range across most of it.
    let n = (i128::from(end) - i128::from(start)) / i128::from(step) + 1;
    if n > MAX_RANGE_POINTS as i128 {
        return Err(format!(
            "range {start}..{end}:{step} has {n} values, at most {MAX_RANGE_POINTS}"
        ));
    }
    Ok((0..n as i64).map(|i| toml::Value::Integer(start + i * step)).collect())
}

fn float_range(start: f64, end: f64, step: f64) -> Result<Vec<toml::Value>, String> {
    if !(step > 0.0 && end >= start && start.is_finite() && end.is_finite()) {
        return Err(format!("range {start}..{end}:{step} needs start <= end and step > 0"));
    }
    // Tolerate rounding so that 0.1..0.3:0.1 includes 0.3.
    // Counted in f64 and compared before converting: a span like -1e308..1e308 is infinite
    // steps, which would saturate and then overflow as a usize.
    let steps = ((end - start) / step + 1e-9).floor();
    if steps.is_nan() || steps >= MAX_RANGE_POINTS as f64 {
        let count = if steps.is_finite() { format!("{}", steps + 1.0) } else { "too many".into() };
        return Err(format!(
            "range {start}..{end}:{step} has {count} values, at most {MAX_RANGE_POINTS}"
        ));
    }
    let n = steps as usize + 1;
    // Each value from its index, not by repeated addition, and rounded to 12 significant
    // places so that 0.1 + 2 × 0.1 prints as 0.3.
    let round = |x: f64| format!("{x:.12e}").parse::<f64>().unwrap_or(x);
    Ok((0..n).map(|i| toml::Value::Float(round(start + i as f64 * step))).collect())
}

/// A value as it appears in `sweep.csv` and plots: numbers plainly, strings unquoted.
pub fn display(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One point of the grid: its number and one value per axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Position in the grid (0-based), the order of `sweep.csv`.
    pub index: usize,
    /// One value per axis, in axis order.
    pub values: Vec<toml::Value>,
}

impl Point {
    /// The scenario overrides that make this point.
    pub fn overrides(&self, axes: &[Axis]) -> Vec<Override> {
        axes.iter()
            .zip(&self.values)
            .map(|(a, v)| Override { path: a.path.clone(), value: v.clone() })
            .collect()
    }
}

/// Most points in one sweep: each is loaded, validated and kept in memory before the run.
pub const MAX_POINTS: usize = 100_000;

/// Refuses a grid whose cartesian product has more than [`MAX_POINTS`] points.
pub fn check_size(axes: &[Axis]) -> Result<(), String> {
    let n = axes.iter().try_fold(1usize, |n, a| n.checked_mul(a.values.len()));
    match n {
        Some(n) if n <= MAX_POINTS => Ok(()),
        _ => Err(format!("the grid has more than {MAX_POINTS} points; sweep fewer values")),
    }
}

/// The cartesian product of the axes; the first axis varies slowest.
pub fn points(axes: &[Axis]) -> Vec<Point> {
    let mut combos: Vec<Vec<toml::Value>> = vec![Vec::new()];
    for axis in axes {
        combos = combos
            .into_iter()
            .flat_map(|prefix| {
                axis.values.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v.clone());
                    next
                })
            })
            .collect();
    }
    combos.into_iter().enumerate().map(|(index, values)| Point { index, values }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml::Value::{Float, Integer, String as Str};

    #[test]
    fn lists_and_ranges_parse() {
        let a = Axis::parse("pool.hosts=20,30,40").unwrap();
        assert_eq!(a.path, "pool.hosts");
        assert_eq!(a.values, vec![Integer(20), Integer(30), Integer(40)]);
        let r = Axis::parse("pool.hosts=10..50:10").unwrap();
        assert_eq!(r.values, (1..=5).map(|i| Integer(i * 10)).collect::<Vec<_>>());
        let f = Axis::parse("x=0.1..0.3:0.1").unwrap();
        assert_eq!(f.values, vec![Float(0.1), Float(0.2), Float(0.3)]);
        let s = Axis::parse("pool.load_balancer=depth_first,breadth_first").unwrap();
        assert_eq!(s.values[0], Str("depth_first".into()));
        assert_eq!(Axis::parse("drain=20m").unwrap().values, vec![Str("20m".into())]);
    }

    #[test]
    fn bad_axes_are_refused() {
        for bad in ["pool.hosts", "=1,2", "pool..hosts=1", "a=5..1:1", "a=1..5:0", "a=", "a=1..9:x"]
        {
            assert!(Axis::parse(bad).is_err(), "{bad} was accepted");
        }
        assert!(Axis::parse("a=1..100000000:1").is_err());
    }

    #[test]
    fn ranges_too_wide_to_count_say_how_many_values_they_have() {
        // The span overflows i64 (it wrapped to a negative count before).
        let wide = Axis::parse("a=-9223372036854775808..9223372036854775807:1").unwrap_err();
        assert!(wide.contains("has 18446744073709551616 values, at most 10000"), "{wide}");
        // The span is infinite in f64 (it overflowed to zero values before).
        let huge = Axis::parse("a=-1e308..1e308:1.0").unwrap_err();
        assert!(huge.contains("has too many values, at most 10000"), "{huge}");
    }

    #[test]
    fn grids_beyond_the_point_limit_are_refused() {
        let axis = |p: &str| Axis::parse(&format!("{p}=1..1000:1")).unwrap();
        assert!(check_size(&[axis("a"), axis("b")]).is_err());
        assert!(check_size(&[axis("a"), Axis::parse("b=1,2").unwrap()]).is_ok());
    }

    #[test]
    fn product_varies_the_first_axis_slowest() {
        let axes = [Axis::parse("a=1,2").unwrap(), Axis::parse("b=x,y,z").unwrap()];
        let p = points(&axes);
        assert_eq!(p.len(), 6);
        assert_eq!(p[0].values, vec![Integer(1), Str("x".into())]);
        assert_eq!(p[1].values, vec![Integer(1), Str("y".into())]);
        assert_eq!(p[3].values, vec![Integer(2), Str("x".into())]);
        assert_eq!(p[5].index, 5);
        assert_eq!(points(&[]).len(), 1, "no axis: the scenario itself");
    }
}
