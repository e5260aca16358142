//! The printer addresses that are not a socket or a file: a serial port (`serial:COM3?baud=9600`,
//! `serial:/dev/ttyUSB0`: many counter printers and their USB-serial cables) and a Windows printer
//! (`printer:POS-58`: the slip's ESC/POS bytes sent RAW through the Windows spooler, as the
//! printer's own driver queue takes them). Both calls block, so they run on the blocking pool.

use std::io::Write;
use std::time::Duration;

use super::printer::{PrintError, PrinterAddress, Unreachable};

/// A serial printer's speed when the address names none: what most counter printers ship at.
pub const DEFAULT_BAUD: u32 = 9600;
/// The speeds a serial port is asked for.
const BAUDS: std::ops::RangeInclusive<u32> = 300..=921_600;
/// How long one write to a serial port may block (a printer holding the line busy).
const SERIAL_TIMEOUT: Duration = Duration::from_secs(3);

/// `PORT[?baud=N]` of a `serial:` address.
pub(super) fn serial_address(rest: &str) -> Option<PrinterAddress> {
    let (port, query) = rest.split_once('?').unwrap_or((rest, ""));
    let port = port.trim();
    if port.is_empty() || port.contains(char::is_whitespace) {
        return None;
    }
    let mut baud = DEFAULT_BAUD;
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        match pair.split_once('=') {
            Some(("baud", value)) => baud = value.parse().ok().filter(|b| BAUDS.contains(b))?,
            _ => return None,
        }
    }
    Some(PrinterAddress::Serial {
        port: port.to_owned(),
        baud,
    })
}

/// Writes `bytes` to the serial port `port` at `baud` (8 data bits, no parity, one stop bit).
pub(super) async fn send_serial(port: &str, baud: u32, bytes: &[u8]) -> Result<(), PrintError> {
    let (port, bytes) = (port.to_owned(), bytes.to_vec());
    tokio::task::spawn_blocking(move || {
        let unreachable = |error: &std::io::Error| PrintError::Unreachable(Unreachable::of(error));
        let mut serial = serialport::new(&port, baud)
            .timeout(SERIAL_TIMEOUT)
            .open()
            .map_err(|error| unreachable(&std::io::Error::from(error)))?;
        serial
            .write_all(&bytes)
            .map_err(|error| unreachable(&error))?;
        serial.flush().map_err(|error| unreachable(&error))
    })
    .await
    .unwrap_or_else(|error| {
        Err(PrintError::Unreachable(Unreachable::Other(
            error.to_string(),
        )))
    })
}

/// Sends `bytes` RAW to the Windows printer `name` through the spooler.
#[cfg(windows)]
pub(super) async fn send_windows(name: &str, bytes: &[u8]) -> Result<(), PrintError> {
    let (name, bytes) = (name.to_owned(), bytes.to_vec());
    tokio::task::spawn_blocking(move || {
        match raw_printer::write_to_device(&name, &bytes, Some("收银小票 receipt")) {
            Ok(_) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Err(PrintError::Unreachable(Unreachable::NoWindowsPrinter(name)))
            }
            Err(error) => Err(PrintError::Unreachable(Unreachable::Other(
                error.to_string(),
            ))),
        }
    })
    .await
    .unwrap_or_else(|error| {
        Err(PrintError::Unreachable(Unreachable::Other(
            error.to_string(),
        )))
    })
}

/// Windows printers are Windows's: elsewhere the address names no printer.
#[cfg(not(windows))]
#[allow(clippy::unused_async)] // The Windows one awaits the spooler; both are awaited alike.
pub(super) async fn send_windows(name: &str, _bytes: &[u8]) -> Result<(), PrintError> {
    Err(PrintError::Unreachable(Unreachable::NoWindowsPrinter(
        name.to_owned(),
    )))
}

/// The machine's serial ports, by name (for the printer settings to offer).
#[must_use]
pub fn serial_ports() -> Vec<String> {
    serialport::available_ports()
        .map(|ports| ports.into_iter().map(|port| port.port_name).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_and_windows_addresses_parse_or_are_refused() {
        let parse = |text: &str| text.parse::<PrinterAddress>();
        assert_eq!(
            parse("serial:COM3?baud=19200"),
            Ok(PrinterAddress::Serial {
                port: "COM3".into(),
                baud: 19_200
            })
        );
        assert_eq!(
            parse("serial:/dev/ttyUSB0"),
            Ok(PrinterAddress::Serial {
                port: "/dev/ttyUSB0".into(),
                baud: DEFAULT_BAUD
            })
        );
        assert_eq!(
            parse("printer:POS-58"),
            Ok(PrinterAddress::Windows("POS-58".into()))
        );
        for bad in [
            "serial:",
            "serial:COM3?baud=0",
            "serial:COM3?baud=fast",
            "serial:COM3?parity=odd",
            "printer:",
        ] {
            assert!(parse(bad).is_err(), "{bad} was taken");
        }
        let round = "serial:COM4?baud=2400";
        assert_eq!(parse(round).map(|a| a.to_string()).as_deref(), Ok(round));
    }

    #[cfg(not(windows))]
    #[tokio::test]
    async fn a_windows_printer_elsewhere_is_named_in_the_error() {
        let sent = send_windows("POS-58", b"x").await;
        assert_eq!(
            sent,
            Err(PrintError::Unreachable(Unreachable::NoWindowsPrinter(
                "POS-58".into()
            )))
        );
    }
}
