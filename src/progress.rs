//! A progress bar on stderr for long runs: hidden with `--quiet` or when stderr is not a
//! terminal, and only drawn once a run has taken more than a second.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Progress over `total` units of work.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar counting `total` `what` (e.g. "replications").
    pub fn new(total: u64, what: &str, quiet: bool) -> Self {
        let visible = !quiet && std::io::stderr().is_terminal();
        let target =
            if visible { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        let template =
            format!("{{elapsed_precise}} [{{bar:30}}] {{pos}}/{{len}} {what}{{msg}}, ETA {{eta}}");
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style);
        }
        // Drawing starts after a second: short runs stay silent.
        bar.set_draw_target(ProgressDrawTarget::hidden());
        let delayed = Self { bar };
        if visible {
            let bar = delayed.bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(1));
                if !bar.is_finished() {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(200));
                }
            });
        }
        delayed
    }

    /// One unit done.
    pub fn inc(&self) {
        self.bar.inc(1);
    }

    /// Extra text after the count, e.g. ", 3/12 points".
    pub fn set_message(&self, msg: String) {
        self.bar.set_message(msg);
    }

    /// Work done: clear the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
