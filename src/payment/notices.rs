//! Orders a verified notification has just moved. A payment waiting on one of them queries at
//! once instead of at its next poll, so the cashier sees "paid" as soon as the gateway says so.
//! The notice only wakes the wait: the order's result still comes from a verified query.

use tokio::sync::broadcast;

/// Notices kept for a subscriber that is behind; one that misses some queries at once anyway.
const BACKLOG: usize = 64;

/// The sending side, shared by the listener and every payment.
#[derive(Debug, Clone)]
pub struct Notices {
    sender: broadcast::Sender<String>,
}

impl Default for Notices {
    fn default() -> Self {
        Notices {
            sender: broadcast::Sender::new(BACKLOG),
        }
    }
}

impl Notices {
    /// Says that a notification moved `order_no` (no one listening is fine).
    pub fn announce(&self, order_no: &str) {
        let _ = self.sender.send(order_no.to_owned());
    }

    /// A receiver of the notices announced from now on.
    #[must_use]
    pub fn subscribe(&self) -> NoticeReceiver {
        NoticeReceiver {
            receiver: self.sender.subscribe(),
        }
    }
}

/// One payment's view of the notices.
#[derive(Debug)]
pub struct NoticeReceiver {
    receiver: broadcast::Receiver<String>,
}

impl NoticeReceiver {
    /// Returns when `order_no` is announced (or when notices were missed and it may have been);
    /// never returns if no one can announce any more.
    pub async fn moved(&mut self, order_no: &str) {
        loop {
            match self.receiver.recv().await {
                Ok(announced) if announced == order_no => return,
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => return,
                Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_waiting_payment_wakes_for_its_own_order_only() {
        let notices = Notices::default();
        let mut receiver = notices.subscribe();
        notices.announce("T01-OTHER");
        let woke = tokio::time::timeout(Duration::from_millis(50), receiver.moved("T01-MINE"));
        assert!(
            woke.await.is_err(),
            "another order's notice does not wake it"
        );
        notices.announce("T01-MINE");
        let woke = tokio::time::timeout(Duration::from_secs(1), receiver.moved("T01-MINE"));
        assert!(woke.await.is_ok());
    }
}
