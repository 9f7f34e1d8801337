//! Helpers for the command-line tests of sweeps and plots: run the binary, read PNGs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scenario shipped in `scenarios/`.
pub fn scenario_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
}

/// The `poolsim` command.
pub fn poolsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_poolsim"))
}

/// Runs `poolsim` with `args`.
pub fn run(args: &[&str]) -> Output {
    poolsim().args(args).output().expect("poolsim runs")
}

/// Runs `poolsim` with `args` and insists on success.
pub fn run_ok(args: &[&str]) -> Output {
    let out = run(args);
    assert!(
        out.status.success(),
        "poolsim {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A decoded PNG: width, height and RGB(A) pixels.
pub struct Png {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<[u8; 3]>,
}

/// Decodes a PNG file, failing the test if it is not one.
pub fn read_png(path: &Path) -> Png {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{} has no PNG signature", path.display());
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    let step = info.color_type.samples();
    let pixels = buf[..info.buffer_size()].chunks(step).map(|p| [p[0], p[1], p[2]]).collect();
    Png { width: info.width, height: info.height, pixels }
}

impl Png {
    /// Number of distinct colours.
    pub fn colours(&self) -> usize {
        let mut c: Vec<[u8; 3]> = self.pixels.clone();
        c.sort_unstable();
        c.dedup();
        c.len()
    }

    /// Share of pixels that are not white.
    pub fn inked(&self) -> f64 {
        let n = self.pixels.iter().filter(|p| **p != [255, 255, 255]).count();
        n as f64 / self.pixels.len() as f64
    }

    /// Number of pixels for which `f` holds.
    pub fn count(&self, f: impl Fn([u8; 3]) -> bool) -> usize {
        self.pixels.iter().filter(|p| f(**p)).count()
    }
}
