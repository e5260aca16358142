//! Voice announcements kept off the sale's path: the window's worker hands each paid (or failed)
//! sale to an [`Announcer`], whose task speaks them one after another through the platform's
//! engine on a blocking thread. A missing, failing or hung engine never holds up a sale: the
//! handle never waits, a full queue drops the extra (a burst of sales is not read out minutes
//! later), and a phrase that takes longer than [`SPEAK_LIMIT`] is cut off. `cashier announce`
//! says a phrase through [`say_now`] the same way.

use std::path::Path;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::config::VoiceConfig;
use crate::speech::{Announcement, Engine, SpeechError};

/// The longest a phrase may take (the longest is about 5 s).
pub const SPEAK_LIMIT: Duration = Duration::from_secs(10);
/// Announcements waiting for the engine; more are dropped.
const QUEUE: usize = 4;

/// A handle on the announcer's task; a no-op when the voice is off. Clones share the task.
#[derive(Debug, Clone, Default)]
pub struct Announcer {
    sender: Option<mpsc::Sender<Announcement>>,
    /// What it was started for, so a change of settings is seen.
    config: Option<VoiceConfig>,
}

impl Announcer {
    /// Starts the announcer's task on the current runtime for `config` (off: a no-op handle).
    #[must_use]
    pub fn start(config: &VoiceConfig) -> Announcer {
        if !config.on {
            return Announcer {
                sender: None,
                config: Some(config.clone()),
            };
        }
        let (sender, mut receiver) = mpsc::channel::<Announcement>(QUEUE);
        let wanted = config.clone();
        tokio::spawn(async move {
            let engine_choice = wanted.engine.clone();
            let Some(engine) = off_the_runtime(move || Engine::find(&engine_choice))
                .await
                .flatten()
            else {
                tracing::warn!(engine = %wanted.engine, "no speech engine: sales are not announced");
                return;
            };
            tracing::info!(?engine, "sales are announced");
            while let Some(announcement) = receiver.recv().await {
                let engine = engine.clone();
                let volume = wanted.volume;
                let spoken = off_the_runtime(move || {
                    engine.speak(
                        &announcement.phrase(),
                        announcement.lang,
                        volume,
                        SPEAK_LIMIT,
                    )
                })
                .await;
                match spoken {
                    Some(Ok(())) => {}
                    Some(Err(error)) => tracing::warn!(%error, "a sale was not announced"),
                    None => tracing::warn!("the speech thread ended"),
                }
            }
        });
        Announcer {
            sender: Some(sender),
            config: Some(config.clone()),
        }
    }

    /// Whether this handle was started for `config`.
    #[must_use]
    pub fn is_for(&self, config: &VoiceConfig) -> bool {
        self.config.as_ref() == Some(config)
    }

    /// Says `announcement` after what is already waiting; never waits.
    pub fn say(&self, announcement: Announcement) {
        if let Some(sender) = &self.sender
            && sender.try_send(announcement).is_err()
        {
            tracing::info!("announcements are queued up: one dropped");
        }
    }
}

/// Runs `work` on a thread of its own and waits for it without blocking the runtime. Not
/// `spawn_blocking`: the runtime's end waits for those, and a phrase being spoken must not keep
/// a closed till's process alive.
async fn off_the_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (done, result) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = done.send(work());
    });
    result.await.ok()
}

/// Says `announcement` now through `config`'s engine (or writes it to the WAV file `wav`),
/// blocking until it is said: `cashier announce`. The voice need not be on for this.
///
/// # Errors
/// When there is no engine, it fails, or it takes longer than [`SPEAK_LIMIT`].
pub fn say_now(
    config: &VoiceConfig,
    announcement: &Announcement,
    wav: Option<&Path>,
) -> Result<(), SpeechError> {
    let engine = Engine::find(&config.engine).ok_or(SpeechError::NoEngine)?;
    let phrase = announcement.phrase();
    match wav {
        Some(path) => engine.write_wav(&phrase, announcement.lang, path, SPEAK_LIMIT),
        None => engine.speak(&phrase, announcement.lang, config.volume, SPEAK_LIMIT),
    }
}
