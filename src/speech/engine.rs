//! The platform's speech, chosen at run time so the build needs no system library: on Windows,
//! SAPI 5 through the script host (every Windows since XP has both, Windows 7 included; the voice
//! is the system's, Chinese on a Chinese Windows); elsewhere espeak-ng (it speaks Mandarin, `-v cmn`) or
//! speech-dispatcher's `spd-say`, whichever is installed. Each call blocks until the phrase is
//! spoken or its time limit passes: callers run it off the sale's path ([`crate::app::announcer`]).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::i18n::Lang;

/// Why nothing was spoken.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    /// No speech engine on this machine.
    #[error("no speech engine found (install espeak-ng or speech-dispatcher)")]
    NoEngine,
    /// The engine could not be started or said it failed.
    #[error("the speech engine failed: {0}")]
    Failed(String),
    /// The engine took longer than the phrase could: stopped.
    #[error("the speech engine did not finish within {0:?}")]
    TimedOut(Duration),
    /// Writing a WAV needs espeak-ng.
    #[error("writing a WAV needs espeak-ng")]
    NoWavWriter,
}

impl crate::i18n::Localized for SpeechError {
    fn message(&self, lang: Lang) -> String {
        let tr = |zh: &'static str, en: &'static str| crate::i18n::tr(lang, zh, en).to_owned();
        match self {
            SpeechError::NoEngine => tr(
                "没有找到语音引擎：Windows 自带语音；Linux 请安装 espeak-ng",
                "No speech engine found: Windows has its own; on Linux install espeak-ng",
            ),
            SpeechError::Failed(why) => format!(
                "{}{why}",
                tr("语音引擎出错：", "The speech engine failed: ")
            ),
            SpeechError::TimedOut(_) => tr(
                "语音引擎没有响应，已停止",
                "The speech engine hung and was stopped",
            ),
            SpeechError::NoWavWriter => tr(
                "写入 WAV 文件需要 espeak-ng",
                "Writing a WAV needs espeak-ng",
            ),
        }
    }
}

/// A speech engine on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    /// A program called as espeak-ng is: `PROGRAM -v VOICE -a AMPLITUDE TEXT`.
    Espeak(PathBuf),
    /// speech-dispatcher's `spd-say -w -l LANG -i VOLUME TEXT`.
    SpdSay(PathBuf),
    /// Windows' SAPI 5.
    Sapi,
}

impl Engine {
    /// The engine `choice` names: `auto` (or empty) finds the platform's; anything else is a
    /// program (a name on the `PATH` or a path) spoken to as espeak-ng is, or as `spd-say` when
    /// so named. `None` when nothing is found.
    #[must_use]
    pub fn find(choice: &str) -> Option<Engine> {
        let choice = choice.trim();
        if choice.is_empty() || choice == "auto" {
            if cfg!(windows) {
                return Some(Engine::Sapi);
            }
            return on_path("espeak-ng")
                .or_else(|| on_path("espeak"))
                .map(Engine::Espeak)
                .or_else(|| on_path("spd-say").map(Engine::SpdSay));
        }
        if choice == "sapi" {
            return cfg!(windows).then_some(Engine::Sapi);
        }
        let program = if Path::new(choice).components().count() > 1 {
            Some(PathBuf::from(choice))
        } else {
            on_path(choice)
        }?;
        let is_spd = program
            .file_stem()
            .is_some_and(|stem| stem.to_string_lossy().starts_with("spd-say"));
        Some(if is_spd {
            Engine::SpdSay(program)
        } else {
            Engine::Espeak(program)
        })
    }

    /// Speaks `text` in `lang` at `volume` (0–100), waiting until it is spoken, at most `limit`.
    ///
    /// # Errors
    /// When the engine fails or takes longer than `limit` (then it is stopped).
    pub fn speak(
        &self,
        text: &str,
        lang: Lang,
        volume: u8,
        limit: Duration,
    ) -> Result<(), SpeechError> {
        let volume = volume.min(100);
        match self {
            Engine::Espeak(program) => {
                let mut command = Command::new(program);
                command
                    .args(["-v", espeak_voice(lang), "-a"])
                    .arg((u16::from(volume) * 2).to_string())
                    .arg(text);
                run_within(command, limit)
            }
            Engine::SpdSay(program) => {
                let mut command = Command::new(program);
                command
                    .args(["-w", "-l", spd_language(lang), "-i"])
                    .arg((i16::from(volume) * 2 - 100).to_string())
                    .arg(text);
                run_within(command, limit)
            }
            Engine::Sapi => sapi::speak(text, volume, limit),
        }
    }

    /// Writes `text` spoken in `lang` to the WAV file `path` instead of the speakers.
    ///
    /// # Errors
    /// When this engine cannot write a file (only espeak-ng can), or it fails.
    pub fn write_wav(
        &self,
        text: &str,
        lang: Lang,
        path: &Path,
        limit: Duration,
    ) -> Result<(), SpeechError> {
        let Engine::Espeak(program) = self else {
            return Err(SpeechError::NoWavWriter);
        };
        let mut command = Command::new(program);
        command
            .args(["-v", espeak_voice(lang), "-w"])
            .arg(path)
            .arg(text);
        run_within(command, limit)
    }
}

fn espeak_voice(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "cmn",
        Lang::En => "en",
    }
}

fn spd_language(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// `name` found on the `PATH` (with `.exe` on Windows).
fn on_path(name: &str) -> Option<PathBuf> {
    let file = if cfg!(windows) {
        format!("{name}.exe")
    } else {
        name.to_owned()
    };
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(&file))
        .find(|path| path.is_file())
}

/// Runs `command` to its end, killed once `limit` passes.
fn run_within(mut command: Command, limit: Duration) -> Result<(), SpeechError> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| SpeechError::Failed(error.to_string()))?;
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(SpeechError::Failed(status.to_string())),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(SpeechError::TimedOut(limit));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(error) => return Err(SpeechError::Failed(error.to_string())),
        }
    }
}

/// SAPI 5's `SpVoice`, through the script host every Windows has (`cscript`, since Windows 98):
/// no COM code in the till (the crate has no `unsafe`), and a hung voice is a process the time
/// limit kills like any other engine.
mod sapi {
    use std::process::Command;
    use std::time::Duration;

    use super::{SpeechError, run_within};

    /// Speaks its second argument at the volume (0–100) of its first.
    const SCRIPT: &str = "Set voice = CreateObject(\"SAPI.SpVoice\")\r\n\
        voice.Volume = CInt(WScript.Arguments(0))\r\n\
        voice.Speak WScript.Arguments(1)\r\n";

    pub(super) fn speak(text: &str, volume: u8, limit: Duration) -> Result<(), SpeechError> {
        if !cfg!(windows) {
            return Err(SpeechError::NoEngine);
        }
        let script = std::env::temp_dir().join("cashier-speak.vbs");
        std::fs::write(&script, SCRIPT).map_err(|error| SpeechError::Failed(error.to_string()))?;
        let mut command = Command::new("cscript.exe");
        command
            .args(["//NoLogo", "//B"])
            .arg(&script)
            .arg(volume.to_string())
            .arg(text);
        run_within(command, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_program_is_spoken_to_as_espeak_or_spd_say() {
        assert_eq!(
            Engine::find("/opt/voices/espeak-ng"),
            Some(Engine::Espeak(PathBuf::from("/opt/voices/espeak-ng")))
        );
        assert_eq!(
            Engine::find("/usr/bin/spd-say"),
            Some(Engine::SpdSay(PathBuf::from("/usr/bin/spd-say")))
        );
        assert_eq!(Engine::find("no-such-speech-program-here"), None);
    }

    #[cfg(unix)]
    #[test]
    fn an_engine_that_hangs_is_stopped_at_the_limit() {
        let engine = Engine::Espeak(PathBuf::from("/bin/sleep"));
        // `sleep -v cmn -a 200 TEXT` fails at once on its arguments: failed, not hung.
        assert!(matches!(
            engine.speak("5", Lang::Zh, 100, Duration::from_secs(5)),
            Err(SpeechError::Failed(_))
        ));
        let mut command = Command::new("/bin/sleep");
        command.arg("10");
        let started = Instant::now();
        assert!(matches!(
            run_within(command, Duration::from_millis(200)),
            Err(SpeechError::TimedOut(_))
        ));
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
