//! Taking a payment: the pure state machine, the polling policy, and the runner that carries
//! out its effects against the ledger and the gateway.

pub mod cash;
pub mod notices;
pub mod notify_listener;
pub mod policy;
pub mod requery;
pub mod runner;
pub mod state_machine;
pub mod stored_words;
