//! A QR given only as an image. Both specs return `code_img_url` beside `code_url`, and some
//! channels fill only the image. The till fetches it (capped, short timeout), reads the QR in it
//! and draws the text it holds as its own sharp QR, so the customer scans the same thing and the
//! ledger, the CLI and the window all keep working with one text.

use std::io::Cursor;
use std::time::Duration;

use base64::Engine as _;
use image::{ImageReader, Limits};

use crate::gateway::error::UnknownCause;
use crate::gateway::http::Transport;

/// The largest image fetched: a QR picture is a few kilobytes; anything this big is not one.
pub const MAX_IMAGE_BYTES: usize = 1024 * 1024;
/// How long the fetch may take: the customer is waiting at the till.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest side decoded, so a small file cannot ask for a huge canvas.
const MAX_SIDE: u32 = 4096;

/// The text of the QR at `url`: an `http(s)` address, or a `data:image/…;base64,` URL, fetched
/// within [`FETCH_TIMEOUT`].
pub async fn text_of_qr_image(transport: &Transport, url: &str) -> Result<String, UnknownCause> {
    text_of_qr_image_within(transport, url, FETCH_TIMEOUT).await
}

/// As [`text_of_qr_image`], the fetch given up after `limit` (tests pass a short one rather than
/// wait the customer's five seconds).
pub async fn text_of_qr_image_within(
    transport: &Transport,
    url: &str,
    limit: Duration,
) -> Result<String, UnknownCause> {
    let url = url.trim();
    let bytes = if let Some(data) = url.strip_prefix("data:") {
        data_url_bytes(data)?
    } else if url.starts_with("http://") || url.starts_with("https://") {
        transport
            .get_capped(url, MAX_IMAGE_BYTES, limit)
            .await
            .map_err(|_| UnknownCause::QrImage)?
    } else {
        return Err(UnknownCause::QrImage);
    };
    // Decoding is CPU work (tens of milliseconds): keep it off the runtime's threads.
    tokio::task::spawn_blocking(move || text_of_qr(&bytes))
        .await
        .map_err(|_| UnknownCause::QrImage)?
}

/// The bytes of a `data:` URL's payload (after `data:`): base64 images only.
fn data_url_bytes(data: &str) -> Result<Vec<u8>, UnknownCause> {
    let (header, payload) = data.split_once(',').ok_or(UnknownCause::QrImage)?;
    if !header.starts_with("image/") || !header.ends_with(";base64") {
        return Err(UnknownCause::QrImage);
    }
    if payload.len() > MAX_IMAGE_BYTES * 4 / 3 + 4 {
        return Err(UnknownCause::QrImage);
    }
    base64::engine::general_purpose::STANDARD
        .decode(payload.trim())
        .map_err(|_| UnknownCause::QrImage)
}

/// The text of the one QR in a PNG or JPEG image.
pub fn text_of_qr(bytes: &[u8]) -> Result<String, UnknownCause> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| UnknownCause::QrImage)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(64 * 1024 * 1024);
    reader.limits(limits);
    let picture = reader.decode().map_err(|_| UnknownCause::QrImage)?;
    let mut prepared = rqrr::PreparedImage::prepare(picture.to_luma8());
    let grids = prepared.detect_grids();
    // One QR, or the picture is not what the gateway meant to show.
    let [grid] = grids.as_slice() else {
        return Err(UnknownCause::QrImage);
    };
    let (_, text) = grid.decode().map_err(|_| UnknownCause::QrImage)?;
    if text.trim().is_empty() {
        return Err(UnknownCause::QrImage);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG of `text`'s QR, as a gateway would host it.
    fn qr_png(text: &str) -> Vec<u8> {
        crate::qr_modules::png(text, 4).expect("renders")
    }

    #[test]
    fn a_qr_picture_gives_back_its_text() {
        let url = "https://qr.example.com/pay?token=8f1c2e&amount=1234";
        assert_eq!(text_of_qr(&qr_png(url)), Ok(url.to_owned()));
    }

    #[test]
    fn a_jpeg_qr_picture_gives_back_its_text() {
        let url = "weixin://wxpay/bizpayurl?pr=AbCdEf1";
        let png = image::load_from_memory(&qr_png(url)).expect("png");
        let mut jpeg = Vec::new();
        png.to_rgb8()
            .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .expect("jpeg");
        assert_eq!(text_of_qr(&jpeg), Ok(url.to_owned()));
    }

    #[test]
    fn what_is_not_a_qr_picture_is_refused() {
        let blank = image::GrayImage::from_pixel(200, 200, image::Luma([255]));
        let mut png = Vec::new();
        blank
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("png");
        for bytes in [
            &b""[..],
            b"<html>404</html>",
            b"\x89PNG\r\n\x1a\n broken",
            &png,
        ] {
            assert_eq!(text_of_qr(bytes), Err(UnknownCause::QrImage));
        }
    }

    #[test]
    fn data_urls_carry_the_picture_inline() {
        let text = "https://pay.example.com/q/1";
        let encoded = base64::engine::general_purpose::STANDARD.encode(qr_png(text));
        let bytes = data_url_bytes(&format!("image/png;base64,{encoded}")).expect("decodes");
        assert_eq!(text_of_qr(&bytes), Ok(text.to_owned()));
        for bad in [
            "text/html;base64,PGh0bWw+",
            "image/png,rawbytes",
            "image/png;base64",
        ] {
            assert_eq!(data_url_bytes(bad), Err(UnknownCause::QrImage), "{bad}");
        }
    }
}
