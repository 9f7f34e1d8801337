//! Renders one figure twice, as PNG and SVG, into memory.

use super::font;
use super::text::Bitmap;
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

/// Renders `fig` as PNG and SVG.
pub fn render(stem: &str, fig: &impl Figure) -> Result<Image, String> {
    if !font::register() {
        return Err("the embedded font cannot be read".into());
    }
    let (w, h) = fig.size();
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = Bitmap(BitMapBackend::with_buffer(&mut rgb, (w, h))).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        fig.draw(&root)?;
        root.present().map_err(err)?;
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        fig.draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(Image { stem: stem.to_string(), png: encode_png(&rgb, w, h)?, svg: svg.into_bytes() })
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(|e| format!("cannot encode PNG: {e}"))?;
    writer.write_image_data(rgb).map_err(|e| format!("cannot encode PNG: {e}"))?;
    writer.finish().map_err(|e| format!("cannot encode PNG: {e}"))?;
    Ok(out)
}
