//! ESC/POS bytes read back into the lines a printer would print, and a picture of the paper:
//! what the tests assert on (a virtual printer captures the bytes) and what `docs/screenshots/
//! receipt.png` shows. It reads the commands `escpos` writes plus the usual neighbours (Chinese
//! mode off, plain feeds, full cuts); anything else is an error, so a stray byte cannot hide.

use cashier::receipt::slip::{Align, Line, Paper};

/// What the printer would do with the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Printed {
    /// The lines, top first, in the slip's own terms.
    pub lines: Vec<Line>,
    /// Cuts made (one per slip).
    pub cuts: usize,
    /// Cash-drawer pulses (`ESC p`).
    pub drawer_pulses: usize,
}

impl Printed {
    /// The text lines, QR codes as `[QR text]`, as a person reads the paper.
    #[must_use]
    pub fn plain_lines(&self) -> Vec<String> {
        cashier::receipt::slip::Slip {
            lines: self.lines.clone(),
        }
        .plain_lines()
    }
}

/// Bytes a printer would not understand, at this offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("无法识别的打印指令（第 {0} 字节）")]
pub struct Unknown(pub usize);

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Unknown> {
        let slice = self
            .bytes
            .get(self.at..self.at + n)
            .ok_or(Unknown(self.at))?;
        self.at += n;
        Ok(slice)
    }

    fn byte(&mut self) -> Result<u8, Unknown> {
        Ok(self.take(1)?[0])
    }
}

/// The state a printer keeps between lines.
struct Head {
    chinese: bool,
    align: Align,
    big: bool,
    text: Vec<u8>,
    qr_stored: Option<String>,
}

impl Head {
    fn end_line(&mut self, printed: &mut Printed) {
        let text = if self.chinese {
            encoding_rs::GB18030.decode(&self.text).0.into_owned()
        } else {
            String::from_utf8_lossy(&self.text).into_owned()
        };
        printed.lines.push(Line::Text {
            text,
            align: self.align,
            big: self.big,
        });
        self.text.clear();
    }
}

/// Reads `bytes` as a printer would.
pub fn decode(bytes: &[u8]) -> Result<Printed, Unknown> {
    let mut printed = Printed::default();
    let mut head = Head {
        chinese: false,
        align: Align::Left,
        big: false,
        text: Vec::new(),
        qr_stored: None,
    };
    let mut reader = Reader { bytes, at: 0 };
    while reader.at < bytes.len() {
        let start = reader.at;
        match reader.byte()? {
            b'\n' => head.end_line(&mut printed),
            // ESC p m t1 t2: the drawer port's pulse.
            0x1b if reader.bytes.get(reader.at) == Some(&0x70) => {
                reader.take(4)?;
                printed.drawer_pulses += 1;
            }
            0x1b => esc(&mut reader, &mut head, start)?,
            0x1c => match reader.byte()? {
                0x26 => head.chinese = true,
                0x2e => head.chinese = false,
                // FS ! n: hanzi size, set with GS ! by our slips.
                0x21 => {
                    reader.byte()?;
                }
                _ => return Err(Unknown(start)),
            },
            0x1d => gs(&mut reader, &mut head, &mut printed, start)?,
            // DLE EOT n: a real-time status question; it prints nothing.
            0x10 => match reader.byte()? {
                0x04 => {
                    reader.byte()?;
                }
                _ => return Err(Unknown(start)),
            },
            byte if byte >= 0x20 => head.text.push(byte),
            _ => return Err(Unknown(start)),
        }
    }
    Ok(printed)
}

fn esc(reader: &mut Reader<'_>, head: &mut Head, start: usize) -> Result<(), Unknown> {
    match reader.byte()? {
        0x40 => {
            head.chinese = false;
            head.align = Align::Left;
            head.big = false;
        }
        0x61 => {
            head.align = match reader.byte()? {
                0 | b'0' => Align::Left,
                1 | b'1' => Align::Center,
                _ => return Err(Unknown(start)),
            };
        }
        // ESC E n (bold, part of `big`), ESC d n (feed n lines: blank paper, no text).
        0x45 | 0x64 => {
            reader.byte()?;
        }
        _ => return Err(Unknown(start)),
    }
    Ok(())
}

fn gs(
    reader: &mut Reader<'_>,
    head: &mut Head,
    printed: &mut Printed,
    start: usize,
) -> Result<(), Unknown> {
    match reader.byte()? {
        0x21 => head.big = reader.byte()? != 0,
        0x56 => {
            let mode = reader.byte()?;
            if matches!(mode, 65 | 66) {
                reader.byte()?;
            }
            printed.cuts += 1;
        }
        0x28 => {
            if reader.byte()? != 0x6b {
                return Err(Unknown(start));
            }
            let length = usize::from(u16::from_le_bytes([reader.byte()?, reader.byte()?]));
            let body = reader.take(length)?;
            match body {
                [0x31, 0x50, 0x30, data @ ..] => {
                    head.qr_stored = Some(String::from_utf8_lossy(data).into_owned());
                }
                [0x31, 0x51, 0x30] => {
                    let data = head.qr_stored.take().ok_or(Unknown(start))?;
                    printed.lines.push(Line::Qr(data));
                    // The line feed after a QR moves past it; it prints no text line.
                    if reader.bytes.get(reader.at) == Some(&b'\n') {
                        reader.at += 1;
                    }
                }
                // Model, module size, error correction.
                [0x31, 0x41 | 0x43 | 0x45, ..] => {}
                _ => return Err(Unknown(start)),
            }
        }
        _ => return Err(Unknown(start)),
    }
    Ok(())
}

/// A picture of the paper (PNG): 384 dots wide for 58 mm, 576 for 80 mm, 24-dot text (48 big),
/// QR codes at the printer's 6 dots per module.
#[must_use]
pub fn preview_png(printed: &Printed, paper: Paper) -> Option<Vec<u8>> {
    use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
    // The grid is 12 dots a column: 32 columns are 384 dots, 48 are 576.
    let font = FontRef::try_from_slice(cashier::ui::theme::CJK_FONT).ok()?;
    let width: u32 = match paper {
        Paper::Mm58 => 384,
        Paper::Mm80 => 576,
    };
    let margin = 8;
    let height_of = |line: &Line| -> u32 {
        match line {
            Line::Text { big: true, .. } => 52,
            Line::Text { .. } => 28,
            Line::Qr(text) => cashier::qr_modules::modules(text)
                .and_then(|m| u32::try_from(m.side).ok())
                .map_or(0, |side| side * 6),
        }
    };
    let height = printed.lines.iter().map(height_of).sum::<u32>() + 2 * margin;
    let mut paper_image = image::GrayImage::from_pixel(width, height, image::Luma([255]));
    let mut y = margin;
    for line in &printed.lines {
        match line {
            Line::Text { text, align, big } => {
                // A printer's grid: 12 dots per column, a hanzi two columns; double when big.
                let cell: u32 = if *big { 24 } else { 12 };
                let scale = PxScale::from(if *big { 48.0 } else { 24.0 });
                let scaled = font.as_scaled(scale);
                let used =
                    u32::try_from(cashier::receipt::slip::columns_of(text)).unwrap_or(0) * cell;
                let start = match align {
                    Align::Left => 0,
                    Align::Center => width.saturating_sub(used) / 2,
                };
                let mut column_x = start;
                for c in text.chars() {
                    let id = font.glyph_id(c);
                    #[allow(clippy::cast_precision_loss)] // a few hundred dots
                    let glyph = id.with_scale_and_position(
                        scale,
                        ab_glyph::point(column_x as f32, y as f32 + scaled.ascent()),
                    );
                    column_x += cell
                        * u32::try_from(cashier::receipt::slip::columns_of(&c.to_string()))
                            .unwrap_or(1);
                    if let Some(outlined) = font.outline_glyph(glyph) {
                        let bounds = outlined.px_bounds();
                        outlined.draw(|gx, gy, coverage| {
                            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                            let (px, py) = (
                                (bounds.min.x as i64 + i64::from(gx)) as u32,
                                (bounds.min.y as i64 + i64::from(gy)) as u32,
                            );
                            if px < width && py < height && coverage > 0.5 {
                                paper_image.put_pixel(px, py, image::Luma([0]));
                            }
                        });
                    }
                }
            }
            Line::Qr(text) => {
                if let Some(modules) = cashier::qr_modules::modules(text) {
                    let side = u32::try_from(modules.side).ok()?;
                    let left = width.saturating_sub(side * 6) / 2;
                    for (index, dark) in modules.dark.iter().enumerate() {
                        if *dark {
                            let (mx, my) = (
                                u32::try_from(index % modules.side).ok()?,
                                u32::try_from(index / modules.side).ok()?,
                            );
                            for dy in 0..6 {
                                for dx in 0..6 {
                                    paper_image.put_pixel(
                                        left + mx * 6 + dx,
                                        y + my * 6 + dy,
                                        image::Luma([0]),
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
        y += height_of(line);
    }
    let mut bytes = Vec::new();
    paper_image
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .ok()?;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cashier::receipt::escpos::encode;
    use cashier::receipt::slip::Slip;

    #[test]
    fn what_is_encoded_reads_back_line_for_line() {
        let slip = Slip {
            lines: vec![
                Line::Text {
                    text: "小店".to_owned(),
                    align: Align::Center,
                    big: true,
                },
                Line::Text {
                    text: "金额 ¥12.30".to_owned(),
                    align: Align::Left,
                    big: false,
                },
                Line::Qr("T01-1".to_owned()),
            ],
        };
        let printed = decode(&encode(&slip)).expect("decodes");
        assert_eq!(printed.lines, slip.lines);
        assert_eq!(printed.cuts, 1);
    }

    #[test]
    fn an_unknown_command_is_an_error_not_silence() {
        assert_eq!(decode(&[0x1b, 0x40, 0x1b, 0x99]), Err(Unknown(2)));
        assert_eq!(decode(&[0x1d, 0x28, 0x6b, 0x10]), Err(Unknown(4)));
    }
}
