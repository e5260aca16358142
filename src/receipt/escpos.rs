//! A slip as ESC/POS bytes, the command set of the thermal printers Chinese counters use
//! (Xprinter, Gprinter, Epson TM…): Chinese text in GB18030 in the printer's Chinese mode
//! (`FS &`), QR codes with `GS ( k`, a feed and a cut with `GS V`.

use super::slip::{Align, Line, Slip};

/// `ESC @`: reset.
pub const INIT: [u8; 2] = [0x1b, 0x40];
/// `FS &`: Chinese character mode (double-byte GB18030 text).
pub const CHINESE_MODE: [u8; 2] = [0x1c, 0x26];
/// `GS V 66 0`: feed to the cutter and cut (partial).
pub const CUT: [u8; 4] = [0x1d, 0x56, 0x42, 0x00];
/// QR module size in dots: 6 makes a 25-module code about 19 mm wide, easy for a phone.
const QR_MODULE_DOTS: u8 = 6;

/// `text` in GB18030. Everything the slips print (hanzi, ¥, ASCII) has a GB18030 form.
#[must_use]
pub fn gb18030(text: &str) -> Vec<u8> {
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    bytes.into_owned()
}

fn align(bytes: &mut Vec<u8>, align: Align) {
    let n = match align {
        Align::Left => 0,
        Align::Center => 1,
    };
    bytes.extend_from_slice(&[0x1b, 0x61, n]);
}

fn big(bytes: &mut Vec<u8>, on: bool) {
    // ESC E n: bold; GS ! n: double width and height (0x11); FS ! n: the same for hanzi.
    let (bold, size, chinese) = if on { (1, 0x11, 0x0c) } else { (0, 0, 0) };
    bytes.extend_from_slice(&[0x1b, 0x45, bold, 0x1d, 0x21, size, 0x1c, 0x21, chinese]);
}

/// `GS ( k`: model 2, module size, error correction M, store `text`, print it.
fn qr(bytes: &mut Vec<u8>, text: &str) {
    let data = text.as_bytes();
    // Order numbers are short; a slip never holds a QR near the 7,089-byte limit.
    let stored = u16::try_from(data.len() + 3).unwrap_or(u16::MAX);
    let [low, high] = stored.to_le_bytes();
    bytes.extend_from_slice(&[0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]);
    bytes.extend_from_slice(&[0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, QR_MODULE_DOTS]);
    bytes.extend_from_slice(&[0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31]);
    bytes.extend_from_slice(&[0x1d, 0x28, 0x6b, low, high, 0x31, 0x50, 0x30]);
    bytes.extend_from_slice(&data[..usize::from(stored) - 3]);
    bytes.extend_from_slice(&[0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]);
    bytes.push(b'\n');
}

/// The slip as the bytes one print job sends.
#[must_use]
pub fn encode(slip: &Slip) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(1024);
    bytes.extend_from_slice(&INIT);
    bytes.extend_from_slice(&CHINESE_MODE);
    for line in &slip.lines {
        match line {
            Line::Text {
                text,
                align: where_,
                big: is_big,
            } => {
                align(&mut bytes, *where_);
                big(&mut bytes, *is_big);
                bytes.extend_from_slice(&gb18030(text));
                bytes.push(b'\n');
            }
            Line::Qr(text) => {
                align(&mut bytes, Align::Center);
                big(&mut bytes, false);
                qr(&mut bytes, text);
            }
        }
    }
    align(&mut bytes, Align::Left);
    big(&mut bytes, false);
    // ESC d 4: feed past the cutter, so the last line is not cut through.
    bytes.extend_from_slice(&[0x1b, 0x64, 0x04]);
    bytes.extend_from_slice(&CUT);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_gb18030() {
        assert_eq!(gb18030("金额"), [0xbd, 0xf0, 0xb6, 0xee]);
        assert_eq!(gb18030("A1"), b"A1");
        assert_eq!(
            gb18030("￥"),
            [0xa3, 0xa4],
            "the full-width yuan sign every printer has"
        );
    }

    #[test]
    fn a_slip_starts_in_chinese_mode_and_ends_with_a_cut() {
        let slip = Slip {
            lines: vec![Line::Qr("T01".to_owned())],
        };
        let bytes = encode(&slip);
        assert!(bytes.starts_with(&[0x1b, 0x40, 0x1c, 0x26]));
        assert!(bytes.ends_with(&CUT));
        let store = [
            0x1d, 0x28, 0x6b, 0x06, 0x00, 0x31, 0x50, 0x30, b'T', b'0', b'1',
        ];
        assert!(bytes.windows(store.len()).any(|window| window == store));
    }
}
