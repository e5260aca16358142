//! A text as QR modules with the standard's quiet zone: the one drawing that both the window's QR
//! texture and the sandbox's hosted QR picture are made from.

use qrcode::{Color, QrCode};

/// Modules of quiet zone on each side (the QR standard's minimum).
pub const QUIET_ZONE: usize = 4;

/// A square of modules, quiet zone included, row by row; `true` is dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrModules {
    /// Modules per side.
    pub side: usize,
    /// `side * side` modules.
    pub dark: Vec<bool>,
}

/// The modules of `text`'s QR, or `None` if it does not fit in a QR.
#[must_use]
pub fn modules(text: &str) -> Option<QrModules> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let side = width + 2 * QUIET_ZONE;
    let mut dark = vec![false; side * side];
    for (index, color) in code.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (index % width + QUIET_ZONE, index / width + QUIET_ZONE);
            dark[y * side + x] = true;
        }
    }
    Some(QrModules { side, dark })
}

/// A PNG of `text`'s QR, `scale` pixels per module: what a gateway hosts as `code_img_url`.
#[must_use]
pub fn png(text: &str, scale: u32) -> Option<Vec<u8>> {
    let modules = modules(text)?;
    let side = u32::try_from(modules.side).ok()?;
    let picture = image::GrayImage::from_fn(side * scale, side * scale, |x, y| {
        let index = (y / scale) as usize * modules.side + (x / scale) as usize;
        image::Luma([if modules.dark[index] { 0 } else { 255 }])
    });
    let mut bytes = Vec::new();
    picture
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .ok()?;
    Some(bytes)
}
