//! The gateway's `code_url` as a sharp QR texture: one texel per module, a 4-module quiet zone,
//! drawn with nearest-neighbour filtering so it stays crisp at any size.

use super::theme;
use egui::{ColorImage, TextureHandle, TextureOptions};

/// The QR image of `text`, or `None` if it does not fit in a QR.
#[must_use]
pub fn image(text: &str) -> Option<ColorImage> {
    let modules = crate::qr_modules::modules(text)?;
    let pixels = modules
        .dark
        .iter()
        .map(|&dark| {
            if dark {
                theme::QR_DARK
            } else {
                theme::QR_LIGHT
            }
        })
        .collect();
    Some(ColorImage::new([modules.side, modules.side], pixels))
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
