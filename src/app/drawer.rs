//! The cash drawer. Counter drawers hang off the receipt printer's drawer port and open on its
//! pulse (`ESC p`), or sit on a serial port of their own. The drawer opens on every cash sale and
//! on 开钱箱 (behind the owner PIN when one is set); every opening is kept in the audit trail with
//! who and why. The pulse goes to the printer at once, never through the slip spool: a printer
//! that is off would otherwise open the drawer whenever it came back, unattended.
//!
//! `[drawer] open_by = "printer"` (the default once a printer is set) | `"serial:COM4"` | `"off"`.

use chrono::Utc;

use crate::config::Config;
pub use crate::config::DrawerConfig;
use crate::ledger::{AuditAction, SharedLedger};
use crate::receipt::printer::{BadAddress, PrintError, PrinterAddress, send_now};

/// `ESC p 0 25 250`: pin 2 of the drawer port, on 50 ms, off 500 ms — what drawers answer to.
pub const PULSE: [u8; 5] = [0x1b, 0x70, 0x00, 0x19, 0xfa];
/// How long the five bytes of the pulse may take: a drawer opens at once or is said not to (one
/// that springs open seconds later surprises the cashier, and a cash sale from the command line
/// waited a slip's five seconds on a hung printer).
pub const PULSE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// What opens the drawer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenBy {
    /// The pulse goes to this printer (its drawer port) or this serial port.
    Pulse(PrinterAddress),
    /// Nothing: no drawer, or the owner turned it off.
    Off,
}

/// What `config` says opens the drawer.
/// # Errors
/// When `open_by` (or the printer's address it names) is not one this till understands.
pub fn open_by(config: &Config) -> Result<OpenBy, BadAddress> {
    let printer = || {
        config.printer.as_ref().map_or(Ok(OpenBy::Off), |printer| {
            printer.address().map(OpenBy::Pulse)
        })
    };
    match config.drawer.open_by.as_deref().map(str::trim) {
        None | Some("printer") => printer(),
        Some("off") => Ok(OpenBy::Off),
        Some(other) if other.starts_with("serial:") => other.parse().map(OpenBy::Pulse),
        Some(other) => Err(BadAddress(other.to_owned())),
    }
}

/// Why the drawer opened, for the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// A cash sale (its order number).
    CashSale(String),
    /// 开钱箱: opened by hand.
    ByHand,
    /// Cash given back for a refund of this order.
    Refund(String),
}

/// Opens the drawer as `config` says, for `why`, and keeps it in the trail as `who`'s. Whether it
/// was told to open (false: there is no drawer).
/// # Errors
/// When the printer or port cannot be reached, or `[drawer]` does not parse.
pub async fn open(
    config: &Config,
    ledger: &SharedLedger,
    who: Option<String>,
    why: Why,
) -> Result<bool, PrintError> {
    let OpenBy::Pulse(address) = open_by(config)? else {
        return Ok(false);
    };
    send_now(&address, &PULSE, PULSE_TIMEOUT).await?;
    let who = match who {
        Some(who) => who,
        None => shift_cashier(ledger).await,
    };
    let detail = match why {
        Why::CashSale(order_no) => format!("cash sale {order_no}"),
        Why::ByHand => "开钱箱 by hand".to_owned(),
        Why::Refund(order_no) => format!("cash refund of {order_no}"),
    };
    tracing::info!(%detail, "the drawer was opened");
    let kept = ledger
        .run(move |ledger| ledger.audit(&who, AuditAction::DrawerOpened, &detail, Utc::now()))
        .await;
    if let Err(error) = kept {
        tracing::warn!(%error, "the drawer's opening could not be kept in the trail");
    }
    Ok(true)
}

/// The open shift's cashier (who takes the cash), or the till when no one opened a shift.
async fn shift_cashier(ledger: &SharedLedger) -> String {
    match ledger.run(|ledger| ledger.open_shift_now()).await {
        Ok(Some(shift)) if !shift.implicit => shift.cashier,
        _ => "收银台 till".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_drawer_follows_the_printer_unless_told_otherwise() {
        let mut config = Config::default();
        assert_eq!(open_by(&config), Ok(OpenBy::Off), "no printer, no drawer");
        config.printer = Some(crate::receipt::PrinterConfig {
            address: "tcp://10.0.0.9:9100".into(),
            width: crate::receipt::Paper::Mm58,
            auto_print: false,
        });
        assert_eq!(
            open_by(&config),
            Ok(OpenBy::Pulse(PrinterAddress::Tcp("10.0.0.9:9100".into())))
        );
        config.drawer.open_by = Some("off".into());
        assert_eq!(open_by(&config), Ok(OpenBy::Off));
        config.drawer.open_by = Some("serial:COM4".into());
        assert!(matches!(
            open_by(&config),
            Ok(OpenBy::Pulse(PrinterAddress::Serial { .. }))
        ));
        config.drawer.open_by = Some("usb".into());
        assert!(open_by(&config).is_err());
    }
}
