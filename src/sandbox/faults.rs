//! Fault injection: the next N gateway answers go wrong in a chosen way.
//!
//! Faults are applied after the request was processed, so an order created under a fault exists
//! at the sandbox, exactly the case the client must treat as an unknown outcome.

use std::str::FromStr;

/// One way an answer goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// The answer comes after the fault delay (longer than the client waits).
    Timeout,
    /// The connection drops part way through the answer.
    Drop,
    /// HTTP 500 with an error page.
    ServerError,
    /// HTTP 200 with an HTML page.
    Html,
    /// HTTP 200 with an empty body.
    Empty,
    /// The sign is wrong (one is added where the answer has none).
    BadSign,
    /// The amount is changed by ¥1.00 and the answer signed again, as a gateway that recorded
    /// another amount would.
    WrongAmount,
    /// The gateway acted (a bar-code pay charged the wallet), but the answer is replaced with an
    /// unsigned refusal, as anyone on the way could write (`{"status":"400003"}`, changpay 113).
    /// Not in [`Fault::ALL`]: it is a lie about the outcome, not a broken transport.
    UnsignedRefusal,
}

impl Fault {
    /// Every fault.
    pub const ALL: [Fault; 7] = [
        Fault::Timeout,
        Fault::Drop,
        Fault::ServerError,
        Fault::Html,
        Fault::Empty,
        Fault::BadSign,
        Fault::WrongAmount,
    ];

    /// The name on the command line and in the control API.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Fault::Timeout => "timeout",
            Fault::Drop => "drop",
            Fault::ServerError => "server-error",
            Fault::Html => "html",
            Fault::Empty => "empty",
            Fault::BadSign => "bad-sign",
            Fault::WrongAmount => "wrong-amount",
            Fault::UnsignedRefusal => "unsigned-refusal",
        }
    }
}

impl FromStr for Fault {
    type Err = String;

    fn from_str(name: &str) -> Result<Fault, String> {
        Fault::ALL
            .into_iter()
            .chain([Fault::UnsignedRefusal])
            .find(|fault| fault.name() == name)
            .ok_or_else(|| format!("unknown fault {name}"))
    }
}
