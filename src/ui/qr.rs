//! The gateway's `code_url` as a sharp QR texture: one texel per module, a 4-module quiet zone,
//! drawn with nearest-neighbour filtering so it stays crisp at any size.

use egui::{ColorImage, TextureHandle, TextureOptions};
use qrcode::{Color, QrCode};

use super::theme;

/// Modules of quiet zone on each side (the QR standard's minimum).
const QUIET_ZONE: usize = 4;

/// The QR image of `text`, or `None` if it does not fit in a QR.
#[must_use]
pub fn image(text: &str) -> Option<ColorImage> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let side = width + 2 * QUIET_ZONE;
    let colors = code.to_colors();
    let mut pixels = vec![theme::QR_LIGHT; side * side];
    for (index, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (index % width + QUIET_ZONE, index / width + QUIET_ZONE);
            pixels[y * side + x] = theme::QR_DARK;
        }
    }
    Some(ColorImage::new([side, side], pixels))
}

/// A texture of the QR of `url`, made once per URL.
#[derive(Default)]
pub struct QrCache {
    cached: Option<(String, TextureHandle)>,
}

impl QrCache {
    /// The texture for `url`.
    pub fn texture(&mut self, ctx: &egui::Context, url: &str) -> Option<&TextureHandle> {
        if self.cached.as_ref().is_none_or(|(cached, _)| cached != url) {
            let texture = ctx.load_texture("qr", image(url)?, TextureOptions::NEAREST);
            self.cached = Some((url.to_owned(), texture));
        }
        self.cached.as_ref().map(|(_, texture)| texture)
    }
}

impl std::fmt::Debug for QrCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QrCache")
            .field("url", &self.cached.as_ref().map(|(url, _)| url))
            .finish()
    }
}
