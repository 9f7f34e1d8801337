//! The font of every picture: DejaVu Sans, embedded in the binary (see assets/, Bitstream Vera
//! license): registered as plotters' "sans-serif" to measure text when laying the SVG out, and
//! given to resvg as its only font when the SVG is rasterized, so PNGs look the same on every
//! machine; SVG viewers fall back to their own sans-serif.

use plotters::style::{FontStyle, register_font};
use std::sync::OnceLock;

/// The family name plots use.
pub const FAMILY: &str = "sans-serif";

pub static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Registers the embedded font once; `false` if it could not be read (never expected).
pub fn register() -> bool {
    static DONE: OnceLock<bool> = OnceLock::new();
    *DONE.get_or_init(|| register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_font_registers() {
        assert!(super::register());
    }
}
