//! What the cashier types on the checkout, read from the key events wherever keyboard focus is
//! (there is no text field to lose it): characters land in the amount, Backspace deletes, Esc
//! clears (the POS "clear" key), Enter charges what is shown. A USB scanner's burst (ten or more
//! characters, each within [`SCANNER_MAX_GAP`], ended by Enter) is a customer's payment code, not
//! part of the amount: it is taken back out and handed over as the code.
//!
//! Pure: [`AmountEntry::on_events`] takes egui's events and the frame time, and is unit-tested.

use std::time::Duration;

use egui::{Event, Key};

/// A code typed faster than this per character came from a scanner.
pub const SCANNER_MAX_GAP: Duration = Duration::from_millis(40);
/// The longest frame a burst's keys may be gathered over: a person who types the amount and then
/// picks up the scanner pauses longer than this.
const SLOW_FRAME: Duration = Duration::from_millis(120);
/// The fewest characters a scanner's burst has (payment codes have 16 to 24).
const BURST_MIN_CHARS: usize = 10;

/// The amount as typed so far, and the run of characters typed at scanner speed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AmountEntry {
    /// What the screen shows and Enter charges.
    pub text: String,
    run: Option<Run>,
}

/// Characters typed one right after another.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Run {
    /// Where in `text` the run starts.
    start: usize,
    chars: usize,
    first: f64,
    last: f64,
}

impl Run {
    fn is_scanner_burst(&self) -> bool {
        #[allow(clippy::cast_precision_loss)] // A run is a few dozen characters.
        let per_char = (self.last - self.first) / self.chars.max(1) as f64;
        self.chars >= BURST_MIN_CHARS && per_char <= SCANNER_MAX_GAP.as_secs_f64()
    }
}

/// What the keys asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submit {
    /// Enter: charge the amount shown.
    Charge,
    /// A scanner's burst then Enter: charge the amount shown with this payment code.
    ChargeWithCode(String),
}

impl AmountEntry {
    /// An entry holding `text`.
    #[must_use]
    pub fn with_text(text: &str) -> AmountEntry {
        AmountEntry {
            text: text.to_owned(),
            run: None,
        }
    }

    /// Clears the amount.
    pub fn clear(&mut self) {
        self.text.clear();
        self.run = None;
    }

    /// Applies a tap on the on-screen keypad. A tap ends any run of typed keys: a finger is never
    /// a scanner, and a scanner's burst never continues across a tap.
    pub fn tap(&mut self, key: crate::ui::keypad::KeypadKey) {
        use crate::ui::keypad::KeypadKey;
        self.run = None;
        match key {
            KeypadKey::Type(text) => self.text.push_str(text),
            KeypadKey::Backspace => {
                self.text.pop();
            }
            KeypadKey::Clear => self.text.clear(),
        }
    }

    /// Applies this frame's `events`, which arrived at `now` (seconds); returns what Enter asked
    /// for, if it was pressed. Characters after Enter in the same frame are not part of what
    /// Enter charges.
    pub fn on_events(&mut self, events: &[Event], now: f64) -> Option<Submit> {
        // A slow frame (a busy till, software rendering) gathers a burst's keys: the gap since
        // the last frame is shared by every key it brought.
        let frame_chars: usize = events
            .iter()
            .map(|event| match event {
                Event::Text(text) | Event::Paste(text) => text.chars().count(),
                _ => 0,
            })
            .sum();
        for event in events {
            match event {
                Event::Text(text) | Event::Paste(text) => self.push(text, now, frame_chars),
                Event::Key {
                    key, pressed: true, ..
                } => match key {
                    Key::Backspace => {
                        self.text.pop();
                        self.run = None;
                    }
                    Key::Escape => self.clear(),
                    Key::Enter => return Some(self.submit()),
                    _ => {}
                },
                _ => {}
            }
        }
        None
    }

    fn push(&mut self, text: &str, now: f64, frame_chars: usize) {
        let typed: String = text.chars().filter(|c| !c.is_control()).collect();
        if typed.is_empty() {
            return;
        }
        let count = typed.chars().count();
        #[allow(clippy::cast_precision_loss)] // A frame brings a few dozen keys at most.
        let allowed_gap = (SCANNER_MAX_GAP.as_secs_f64() * frame_chars.max(1) as f64)
            .min(SLOW_FRAME.as_secs_f64());
        self.run = Some(match self.run {
            Some(run) if now - run.last <= allowed_gap => Run {
                chars: run.chars + count,
                last: now,
                ..run
            },
            _ => Run {
                start: self.text.len(),
                chars: count,
                first: now,
                last: now,
            },
        });
        self.text.push_str(&typed);
    }

    fn submit(&mut self) -> Submit {
        let run = self.run.take();
        match run.filter(Run::is_scanner_burst) {
            Some(run) => {
                let code = self.text.split_off(run.start);
                Submit::ChargeWithCode(code)
            }
            None => Submit::Charge,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Event {
        Event::Text(s.to_owned())
    }

    fn key(key: Key) -> Event {
        Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers: egui::Modifiers::NONE,
        }
    }

    /// Feeds `(event, time)` pairs one frame each; returns the last submit.
    fn run(entry: &mut AmountEntry, frames: &[(Event, f64)]) -> Option<Submit> {
        let mut last = None;
        for (event, at) in frames {
            if let Some(submit) = entry.on_events(std::slice::from_ref(event), *at) {
                last = Some(submit);
            }
        }
        last
    }

    #[test]
    fn esc_clears_and_later_digits_land() {
        let mut entry = AmountEntry::default();
        let submit = run(
            &mut entry,
            &[
                (text("1"), 0.0),
                (text("2"), 0.2),
                (key(Key::Escape), 0.4),
                (text("3"), 0.6),
                (text("4"), 0.8),
                (key(Key::Enter), 1.0),
            ],
        );
        assert_eq!(submit, Some(Submit::Charge));
        assert_eq!(entry.text, "34");
    }

    #[test]
    fn backspace_deletes_the_last_character() {
        let mut entry = AmountEntry::with_text("12.35");
        run(&mut entry, &[(key(Key::Backspace), 0.0), (text("4"), 0.3)]);
        assert_eq!(entry.text, "12.34");
    }

    #[test]
    fn a_scanner_burst_after_the_amount_is_the_code() {
        let mut entry = AmountEntry::default();
        let mut frames: Vec<(Event, f64)> = "11.40"
            .chars()
            .enumerate()
            .map(|(i, c)| {
                (
                    text(&c.to_string()),
                    f64::from(u8::try_from(i).unwrap_or(0)) * 0.1,
                )
            })
            .collect();
        let burst_start = 1.5;
        for (i, c) in "130000000000000001".chars().enumerate() {
            let at = burst_start + f64::from(u8::try_from(i).unwrap_or(0)) * 0.005;
            frames.push((text(&c.to_string()), at));
        }
        frames.push((key(Key::Enter), 1.6));
        let submit = run(&mut entry, &frames);
        assert_eq!(
            submit,
            Some(Submit::ChargeWithCode("130000000000000001".into()))
        );
        assert_eq!(entry.text, "11.40", "the code is kept out of the amount");
    }

    #[test]
    fn a_whole_burst_in_one_frame_is_a_code() {
        let mut entry = AmountEntry::with_text("8");
        let submit = entry.on_events(&[text("280000000000000001"), key(Key::Enter)], 2.0);
        assert_eq!(
            submit,
            Some(Submit::ChargeWithCode("280000000000000001".into()))
        );
        assert_eq!(entry.text, "8");
    }

    #[test]
    fn a_burst_split_over_slow_frames_is_still_a_code() {
        let mut entry = AmountEntry::with_text("6");
        // 18 keys over three frames 70 ms apart: six keys a frame, as a busy till gathers them.
        let frames = ["130000", "000000", "000001"];
        for (i, keys) in frames.iter().enumerate() {
            let events: Vec<Event> = keys.chars().map(|c| text(&c.to_string())).collect();
            let at = 1.0 + f64::from(u8::try_from(i).unwrap_or(0)) * 0.07;
            assert_eq!(entry.on_events(&events, at), None);
        }
        let submit = entry.on_events(&[key(Key::Enter)], 1.2);
        assert_eq!(
            submit,
            Some(Submit::ChargeWithCode("130000000000000001".into()))
        );
        assert_eq!(entry.text, "6");
    }

    #[test]
    fn a_person_typing_one_key_a_frame_is_no_burst() {
        let mut entry = AmountEntry::default();
        for (i, c) in "123456789012".chars().enumerate() {
            let at = f64::from(u8::try_from(i).unwrap_or(0)) * 0.06;
            entry.on_events(&[text(&c.to_string())], at);
        }
        assert_eq!(
            entry.on_events(&[key(Key::Enter)], 1.0),
            Some(Submit::Charge)
        );
    }

    #[test]
    fn quick_typing_of_a_short_amount_is_no_code() {
        let mut entry = AmountEntry::default();
        let submit = entry.on_events(&[text("12.34"), key(Key::Enter)], 0.0);
        assert_eq!(submit, Some(Submit::Charge));
        assert_eq!(entry.text, "12.34");
    }

    #[test]
    fn taps_edit_the_amount_as_keys_do_and_never_make_a_burst() {
        use crate::ui::keypad::KeypadKey;
        let mut entry = AmountEntry::default();
        for key in [
            KeypadKey::Type("1"),
            KeypadKey::Type("00"),
            KeypadKey::Type("9"),
            KeypadKey::Backspace,
            KeypadKey::Type("."),
            KeypadKey::Type("5"),
        ] {
            entry.tap(key);
        }
        assert_eq!(entry.text, "100.5");
        // Ten quick keys after taps are a burst of their own: the taps stay the amount.
        let submit = entry.on_events(&[text("2800000000000000"), key(Key::Enter)], 1.0);
        assert_eq!(
            submit,
            Some(Submit::ChargeWithCode("2800000000000000".into()))
        );
        assert_eq!(entry.text, "100.5");
        entry.tap(KeypadKey::Clear);
        assert_eq!(entry.text, "");
    }

    #[test]
    fn keys_after_enter_are_not_charged() {
        let mut entry = AmountEntry::with_text("5");
        let submit = entry.on_events(&[key(Key::Enter), text("9")], 0.0);
        assert_eq!(submit, Some(Submit::Charge));
        assert_eq!(entry.text, "5");
    }
}
