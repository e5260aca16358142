//! The one HTTP client every gateway call goes through, and the classification of what came back.
//!
//! Anything but a whole JSON object from the gateway is an unknown outcome: a timeout, a reset, a
//! 5xx, an HTML page, an empty or unparsable body. Only a JSON object is handed to the parsers.
//! A connection that could not be made at all is different: nothing was sent, so it is
//! [`GatewayError::Unreachable`], a definite "not sent".

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use tokio::sync::watch;

use crate::gateway::error::{GatewayError, UnknownCause};

/// Connect and total timeouts for every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// How long to wait for a connection.
    pub connect: Duration,
    /// How long a whole call may take.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            total: Duration::from_secs(15),
        }
    }
}

/// Whether the gateway has been answering, from the calls made so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Health {
    /// No call made yet.
    #[default]
    Untried,
    /// The last call got an answer (whatever it said).
    Answering {
        /// When an answer came (kept to within [`Health::FRESH_ENOUGH`] of the last).
        at: DateTime<Utc>,
    },
    /// Calls have got no answer (no connection, or no answer in time) since then.
    Unreachable {
        /// The first call that got no answer.
        since: DateTime<Utc>,
    },
}

impl Health {
    /// How stale the time of the last answer may get before the receiver is woken to learn a
    /// newer one: each answer need not wake the window.
    pub const FRESH_ENOUGH: chrono::TimeDelta = chrono::TimeDelta::seconds(30);
}

/// A reused HTTP client (rustls, no OpenSSL) with the configured timeouts; it keeps the
/// gateway's [`Health`] for whoever shows it.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    health: watch::Sender<Health>,
}

impl Transport {
    /// A client with `timeouts`.
    pub fn new(timeouts: Timeouts) -> Result<Transport, reqwest::Error> {
        let client = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.total)
            .user_agent(concat!("cashier/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Transport {
            client,
            health: watch::Sender::new(Health::Untried),
        })
    }

    /// The gateway's health as calls find it; changes wake the receiver.
    #[must_use]
    pub fn health(&self) -> watch::Receiver<Health> {
        self.health.subscribe()
    }

    fn note(&self, result: &Result<Map<String, Value>, GatewayError>) {
        let unreachable = matches!(
            result,
            Err(GatewayError::Unreachable
                | GatewayError::Unknown(UnknownCause::Timeout | UnknownCause::Network))
        );
        self.health.send_if_modified(|health| {
            let now = Utc::now();
            let (next, changed) = match (unreachable, *health) {
                (false, Health::Answering { at }) => (
                    Health::Answering { at: now },
                    now - at >= Health::FRESH_ENOUGH,
                ),
                (false, _) => (Health::Answering { at: now }, true),
                (true, Health::Unreachable { since }) => (Health::Unreachable { since }, false),
                (true, _) => (Health::Unreachable { since: now }, true),
            };
            *health = next;
            changed
        });
    }

    /// POSTs `body` as JSON and returns the answer's JSON object.
    pub async fn post_json(
        &self,
        url: &str,
        body: &Value,
    ) -> Result<Map<String, Value>, GatewayError> {
        let response = self.client.post(url).json(body).send().await;
        let answer = read_answer(response).await;
        self.note(&answer);
        answer
    }

    /// POSTs `pairs` as a form and returns the answer's JSON object.
    pub async fn post_form(
        &self,
        url: &str,
        pairs: &[(String, String)],
    ) -> Result<Map<String, Value>, GatewayError> {
        let response = self.client.post(url).form(pairs).send().await;
        let answer = read_answer(response).await;
        self.note(&answer);
        answer
    }

    /// GETs `url` (http or https) and returns its body, refusing one longer than `max_bytes` and
    /// giving up after `timeout`. For a gateway's hosted QR image, which is not the protocol's
    /// JSON and says nothing about the gateway's health.
    pub async fn get_capped(
        &self,
        url: &str,
        max_bytes: usize,
        timeout: Duration,
    ) -> Result<Vec<u8>, UnknownCause> {
        let read = async {
            let mut response = self
                .client
                .get(url)
                .send()
                .await
                .map_err(|error| network_cause(&error))?;
            if !response.status().is_success() {
                return Err(UnknownCause::ServerError(response.status().as_u16()));
            }
            let announced = response.content_length().unwrap_or(0);
            if usize::try_from(announced).map_or(true, |length| length > max_bytes) {
                return Err(UnknownCause::Unparsable);
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| network_cause(&e))? {
                if body.len() + chunk.len() > max_bytes {
                    return Err(UnknownCause::Unparsable);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body)
        };
        tokio::time::timeout(timeout, read)
            .await
            .unwrap_or(Err(UnknownCause::Timeout))
    }
}

async fn read_answer(
    response: Result<reqwest::Response, reqwest::Error>,
) -> Result<Map<String, Value>, GatewayError> {
    let response = response.map_err(|error| {
        if error.is_connect() {
            // No connection was made, so no byte of the request left: a definite "not sent".
            GatewayError::Unreachable
        } else {
            GatewayError::Unknown(network_cause(&error))
        }
    })?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|error| GatewayError::Unknown(network_cause(&error)))?;
    if status.is_server_error() {
        return Err(GatewayError::Unknown(UnknownCause::ServerError(
            status.as_u16(),
        )));
    }
    classify_body(&body).map_err(GatewayError::Unknown)
}

fn network_cause(error: &reqwest::Error) -> UnknownCause {
    if error.is_timeout() {
        UnknownCause::Timeout
    } else {
        UnknownCause::Network
    }
}

/// The JSON object in `body`, or why there is none.
pub fn classify_body(body: &[u8]) -> Result<Map<String, Value>, UnknownCause> {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err(UnknownCause::Empty);
    }
    if trimmed.starts_with('<') {
        return Err(UnknownCause::Html);
    }
    match serde_json::from_str::<Value>(trimmed) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(UnknownCause::Unparsable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_classified() {
        let cases: [(&[u8], Result<(), UnknownCause>); 6] = [
            (b"", Err(UnknownCause::Empty)),
            (b"  \n", Err(UnknownCause::Empty)),
            (b"<!DOCTYPE html><html>502</html>", Err(UnknownCause::Html)),
            (b"{\"status\":", Err(UnknownCause::Unparsable)),
            (b"[1,2]", Err(UnknownCause::Unparsable)),
            (b"{\"status\":\"000000\"}", Ok(())),
        ];
        for (body, expected) in cases {
            assert_eq!(
                classify_body(body).map(|_| ()),
                expected,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
