//! The ledger shared by the window's tasks, the CLI and the notification listener: one SQLite
//! connection behind a mutex, used from async code only through [`SharedLedger::run`], which
//! moves the call onto tokio's blocking pool so a slow disk never stalls the async workers.

use std::sync::{Arc, Mutex, MutexGuard};

use super::Ledger;

/// A ledger many tasks use. Cloning shares it.
#[derive(Debug, Clone)]
pub struct SharedLedger(Arc<Mutex<Ledger>>);

impl SharedLedger {
    /// Shares `ledger`.
    #[must_use]
    pub fn new(ledger: Ledger) -> SharedLedger {
        SharedLedger(Arc::new(Mutex::new(ledger)))
    }

    /// Locks the ledger, blocking the thread: for synchronous code (the CLI's reports, tests,
    /// and closures already on the blocking pool). SQLite rolls back a transaction a panic
    /// interrupted, so a poisoned lock holds a consistent ledger and is taken over.
    pub fn lock(&self) -> MutexGuard<'_, Ledger> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether `self` and `other` are the same ledger (one file opened once).
    #[must_use]
    pub fn same_as(&self, other: &SharedLedger) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Runs `call` on the ledger from async code, on the blocking pool.
    ///
    /// # Panics
    /// If `call` panics (the panic is carried to the caller).
    pub async fn run<R, F>(&self, call: F) -> R
    where
        F: FnOnce(&mut Ledger) -> R + Send + 'static,
        R: Send + 'static,
    {
        let shared = self.clone();
        match tokio::task::spawn_blocking(move || call(&mut shared.lock())).await {
            Ok(result) => result,
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
}
