//! Checks of `[[windows]]`.

use super::rules::Check;
use crate::scenario::Scenario;
use crate::scenario::windows::MAX_WINDOWS;

/// Checks the windows: names present, unique and plain.
pub fn check(s: &Scenario) -> Check {
    if s.windows.len() > MAX_WINDOWS {
        let msg = format!("at most {MAX_WINDOWS} windows (got {})", s.windows.len());
        return Err(("windows".into(), msg));
    }
    for (i, w) in s.windows.iter().enumerate() {
        let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-';
        if w.name.is_empty() || w.name.len() > 32 || !w.name.chars().all(plain) {
            let msg = format!(
                "must be 1 to 32 lowercase letters, digits, '_' or '-' (got \"{}\")",
                w.name.escape_debug()
            );
            return Err((format!("windows[{i}].name"), msg));
        }
        if s.windows[..i].iter().any(|o| o.name == w.name) {
            return Err((format!("windows[{i}].name"), format!("\"{}\" is used twice", w.name)));
        }
    }
    Ok(())
}
