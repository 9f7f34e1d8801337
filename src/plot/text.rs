//! A bitmap backend that lays text out properly. plotters 0.3.7 places ab_glyph glyphs at
//! their advance origin without their side bearings and aligns them by their own bounding
//! boxes, so "pool" reads "pod" in PNGs. This wrapper draws text itself — glyphs positioned
//! on one baseline with bearings and kerning — and passes everything else to plotters'
//! `BitMapBackend`. SVGs carry text as text and need no fix.

use super::font::DEJAVU_SANS;
use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use std::sync::OnceLock;

type Error<'a> = DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>;

fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(DEJAVU_SANS).expect("embedded font is valid"))
}

/// Lays `text` out on one baseline: calls `pixel(x, y, coverage)` in a box whose top-left is
/// (0, 0), and returns the box's width and height.
fn layout(text: &str, size: f64, mut pixel: impl FnMut(i32, i32, f32)) -> (i32, i32) {
    let f = font();
    let scaled = f.as_scaled(PxScale::from(size as f32));
    let ascent = scaled.ascent();
    let mut caret = 0.0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            caret += scaled.kern(p, id);
        }
        let glyph = id.with_scale_and_position(scaled.scale(), point(caret, ascent));
        if let Some(outline) = f.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline
                .draw(|x, y, cov| pixel(b.min.x as i32 + x as i32, b.min.y as i32 + y as i32, cov));
        }
        caret += scaled.h_advance(id);
        prev = Some(id);
    }
    (caret.ceil() as i32, (ascent - scaled.descent()).ceil() as i32)
}

/// plotters' bitmap backend with proper text.
pub struct Bitmap<'a>(pub BitMapBackend<'a>);

impl<'a> DrawingBackend for Bitmap<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), Error<'a>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Error<'a>> {
        self.0.present()
    }

    fn draw_pixel(&mut self, p: BackendCoord, c: BackendColor) -> Result<(), Error<'a>> {
        self.0.draw_pixel(p, c)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Error<'a>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<'a>> {
        self.0.draw_rect(a, b, style, fill)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), Error<'a>> {
        self.0.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), Error<'a>> {
        let (w, h) = layout(text, style.size(), |_, _, _| {});
        Ok((w.max(0) as u32, h.max(0) as u32))
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), Error<'a>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let mut pixels = Vec::new();
        let (w, h) = layout(text, style.size(), |x, y, c| pixels.push((x, y, c)));
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -w,
            HPos::Center => -w / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -h / 2,
            VPos::Bottom => -h,
        };
        let trans = style.transform();
        let (width, height) = self.get_size();
        for (x, y, cov) in pixels {
            let (x, y) = trans.transform(x + dx, y + dy);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && y >= 0 && (x as u32) < width && (y as u32) < height && cov > 0.0 {
                let alpha = color.alpha * f64::from(cov.min(1.0));
                self.0.draw_pixel((x, y), BackendColor { alpha, rgb: color.rgb })?;
            }
        }
        Ok(())
    }
}
