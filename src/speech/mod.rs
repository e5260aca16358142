//! Voice announcements (收款语音播报): the phrase a sale says ([`phrase`]) and the platform's speech
//! that says it ([`engine`]).

pub mod engine;
pub mod phrase;

pub use engine::{Engine, SpeechError};
pub use phrase::{Announcement, Outcome};
