//! Renders one figure twice, as PNG and SVG, into memory.

use super::font;
use plotters::coord::Shift;
use plotters::prelude::*;

/// A figure that can draw itself on any plotters backend.
pub trait Figure {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws on `root`, already filled white.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// A rendered picture: `<stem>.png` and `<stem>.svg`.
pub struct Image {
    /// File name without extension.
    pub stem: String,
    /// PNG bytes.
    pub png: Vec<u8>,
    /// SVG text.
    pub svg: Vec<u8>,
}

/// Turns a plotters error into a message.
pub fn err<E: std::fmt::Display>(e: E) -> String {
    format!("cannot draw: {e}")
}

/// Renders `fig` as SVG with plotters, then the PNG from that SVG with resvg: both files
/// show the same picture, text laid out by one engine.
pub fn render(stem: &str, fig: &impl Figure) -> Result<Image, String> {
    if !font::register() {
        return Err("the embedded font cannot be read".into());
    }
    let (w, h) = fig.size();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        fig.draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(Image { stem: stem.to_string(), png: rasterize(&svg, w, h)?, svg: svg.into_bytes() })
}

/// The PNG of an SVG, with the embedded font as the only font (the same on every machine).
fn rasterize(svg: &str, w: u32, h: u32) -> Result<Vec<u8>, String> {
    use resvg::{tiny_skia, usvg};
    let mut opt = usvg::Options::default();
    let db = opt.fontdb_mut();
    db.load_font_data(font::DEJAVU_SANS.to_vec());
    db.set_sans_serif_family("DejaVu Sans");
    opt.font_family = "DejaVu Sans".into();
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| format!("cannot read SVG: {e}"))?;
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or("cannot draw an empty picture")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| format!("cannot encode PNG: {e}"))
}
