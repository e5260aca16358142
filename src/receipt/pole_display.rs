//! The pole display (客显): the small customer display on a COM or USB-serial port that shows the
//! customer the amount due, then what was handed over and the change, or that the sale is paid.
//! Two kinds are common on Chinese counters, both driven by the ESC/POS display commands of the
//! CD5220 set:
//! - a 2×20 character VFD: `ESC @` resets, `0C` clears, `ESC Q A text CR` writes the upper line and
//!   `ESC Q B text CR` the lower; it shows ASCII, so the words are English and the amounts digits;
//! - an 8-digit LED (the "LED8" 客显 with lamps 单价 / 总计 / 收款 / 找零 under the digits):
//!   `ESC s n` lights lamp `n` (0 none, 1 price, 2 total, 3 received, 4 change) and
//!   `ESC Q A digits CR` shows a number.
//!
//! This module only makes the bytes; `app::pole_display` sends them as the sale goes.

use crate::money::Money;

/// `[display]`: the pole display.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct DisplayConfig {
    /// `serial:COM4?baud=2400` or `serial:/dev/ttyUSB0` (also `tcp://…` or `file:PATH`).
    pub address: String,
    /// `vfd` (2×20 characters, the default) or `led` (8 digits and lamps).
    #[serde(default)]
    pub kind: DisplayKind,
}

/// Which display hangs on the port.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DisplayKind {
    /// Two lines of 20 characters (CD5220 and its kin).
    #[default]
    Vfd,
    /// Eight digits with the 单价 / 总计 / 收款 / 找零 lamps.
    Led,
}

/// What the customer is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Nothing under way: cleared.
    Idle,
    /// The amount to pay.
    Due(Money),
    /// A cash sale: what was handed over and the change.
    Cash {
        /// The cash handed over.
        tendered: Money,
        /// The change given back.
        change: Money,
    },
    /// Paid by a wallet or card.
    Paid(Money),
}

/// The width of a VFD's line.
pub const VFD_COLUMNS: usize = 20;
/// The digits of an LED display.
pub const LED_DIGITS: usize = 8;

const ESC: u8 = 0x1b;
const CLEAR: u8 = 0x0c;
const CR: u8 = 0x0d;

/// The bytes that show `shown` on a display of `kind`.
#[must_use]
pub fn encode(kind: DisplayKind, shown: Shown) -> Vec<u8> {
    match kind {
        DisplayKind::Vfd => {
            let (upper, lower) = vfd_lines(shown);
            let mut bytes = vec![ESC, b'@', CLEAR];
            for (line, text) in [(b'A', upper), (b'B', lower)] {
                bytes.extend([ESC, b'Q', line]);
                bytes.extend(text.bytes());
                bytes.push(CR);
            }
            bytes
        }
        DisplayKind::Led => {
            let (lamp, amount) = match shown {
                Shown::Idle => (0, None),
                Shown::Due(amount) => (2, Some(amount)),
                Shown::Cash { change, .. } => (4, Some(change)),
                Shown::Paid(amount) => (3, Some(amount)),
            };
            let mut bytes = vec![ESC, b'@', CLEAR, ESC, b's', b'0' + lamp];
            if let Some(amount) = amount {
                bytes.extend([ESC, b'Q', b'A']);
                bytes.extend(led_digits(amount).bytes());
                bytes.push(CR);
            }
            bytes
        }
    }
}

/// A VFD's two lines for `shown`, each exactly [`VFD_COLUMNS`] wide: the words on the left, the
/// amount on the right.
#[must_use]
pub fn vfd_lines(shown: Shown) -> (String, String) {
    let line = |words: &str, amount: Option<Money>| {
        let amount = amount.map(Money::yuan_text).unwrap_or_default();
        let room = VFD_COLUMNS.saturating_sub(words.len());
        let text = format!("{words}{amount:>room$}");
        // ASCII only; too long, the amount on the right is what stays.
        text[text.len().saturating_sub(VFD_COLUMNS)..].to_owned()
    };
    match shown {
        Shown::Idle => (line("", None), line("", None)),
        Shown::Due(amount) => (line("TOTAL", Some(amount)), line("", None)),
        Shown::Cash { tendered, change } => {
            (line("CASH", Some(tendered)), line("CHANGE", Some(change)))
        }
        Shown::Paid(amount) => (line("PAID", Some(amount)), line("THANK YOU", None)),
    }
}

/// `amount` as an LED shows it: at most [`LED_DIGITS`] digits and its point. An amount wider than
/// that is shown as dashes: its last digits alone would tell the customer a smaller amount.
fn led_digits(amount: Money) -> String {
    let text = amount.yuan_text();
    if text.chars().filter(char::is_ascii_digit).count() > LED_DIGITS {
        "-".repeat(LED_DIGITS)
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(text: &str) -> Money {
        Money::parse_charge(text, Money::from_li(100_000_000_000)).expect("an amount")
    }

    #[test]
    fn a_vfd_shows_the_total_then_the_cash_and_change_right_aligned_in_twenty_columns() {
        assert_eq!(
            vfd_lines(Shown::Due(money("12.34"))),
            (
                "TOTAL          12.34".to_owned(),
                "                    ".to_owned()
            )
        );
        assert_eq!(
            vfd_lines(Shown::Cash {
                tendered: money("50"),
                change: money("37.66")
            }),
            (
                "CASH           50.00".to_owned(),
                "CHANGE         37.66".to_owned()
            )
        );
        let (upper, lower) = vfd_lines(Shown::Paid(money("100000.00")));
        assert_eq!(upper, "PAID       100000.00");
        assert_eq!(lower.trim_end(), "THANK YOU");
    }

    #[test]
    fn the_bytes_are_the_cd5220_commands() {
        let bytes = encode(DisplayKind::Vfd, Shown::Due(money("3")));
        assert!(bytes.starts_with(&[ESC, b'@', CLEAR, ESC, b'Q', b'A']));
        assert!(
            bytes
                .windows(VFD_COLUMNS)
                .any(|window| window == b"TOTAL           3.00")
        );
        assert_eq!(
            bytes.split(|&byte| byte == CR).count(),
            3,
            "two lines, each ended by CR"
        );

        let led = encode(
            DisplayKind::Led,
            Shown::Cash {
                tendered: money("5"),
                change: money("2"),
            },
        );
        assert_eq!(
            led,
            [
                &[ESC, b'@', CLEAR, ESC, b's', b'4', ESC, b'Q', b'A'][..],
                b"2.00",
                &[CR]
            ]
            .concat(),
            "the change, under the 找零 lamp"
        );
        assert_eq!(
            encode(DisplayKind::Led, Shown::Idle),
            [ESC, b'@', CLEAR, ESC, b's', b'0']
        );
    }

    #[test]
    fn an_amount_wider_than_the_led_is_never_shown_cut() {
        assert_eq!(led_digits(money("1000000.00")), "--------");
        assert_eq!(led_digits(money("123456.78")), "123456.78");
    }
}
