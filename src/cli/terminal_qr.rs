//! Draws a QR in the terminal with half-block characters, quiet zone included.

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

/// The QR of `text` as lines of text, or `None` if it is too long for a QR.
#[must_use]
pub fn render(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_url_draws_as_blocks() {
        let drawn = super::render("http://127.0.0.1:8088/sandbox/pay/abc").expect("fits");
        assert!(drawn.lines().count() > 10);
        assert!(drawn.contains('█') || drawn.contains('▀') || drawn.contains('▄'));
    }
}
