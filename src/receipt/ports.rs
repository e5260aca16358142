//! The printer ports that are not a socket or a file: a serial port (`serial:COM3?baud=9600`,
//! `serial:/dev/ttyUSB0`: many counter printers and their USB-serial cables) and a Windows printer
//! (`printer:POS-58`: the slip's ESC/POS bytes sent RAW through the Windows spooler, as the
//! printer's own driver queue takes them). Both calls block, so they run on the blocking pool.
//! Errors are the system's (`std::io::Error`); `printer.rs` says them in a cashier's words.

use std::io::Write;
use std::time::Duration;

/// A serial printer's speed when the address names none: what most counter printers ship at.
pub const DEFAULT_BAUD: u32 = 9600;
/// The speeds a serial port is asked for.
const BAUDS: std::ops::RangeInclusive<u32> = 300..=921_600;
/// How long one write to a serial port may block (a printer holding the line busy).
const SERIAL_TIMEOUT: Duration = Duration::from_secs(3);

/// The port and speed of a `serial:` address's `PORT[?baud=N]`.
#[must_use]
pub fn serial_address(rest: &str) -> Option<(String, u32)> {
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
    Some((port.to_owned(), baud))
}

/// Writes `bytes` to the serial port `port` at `baud` (8 data bits, no parity, one stop bit).
pub async fn send_serial(port: &str, baud: u32, bytes: &[u8]) -> std::io::Result<()> {
    let (port, bytes) = (port.to_owned(), bytes.to_vec());
    tokio::task::spawn_blocking(move || {
        let mut serial = serialport::new(&port, baud)
            .timeout(SERIAL_TIMEOUT)
            .open()
            .map_err(std::io::Error::from)?;
        serial.write_all(&bytes)?;
        serial.flush()
    })
    .await
    .unwrap_or_else(|error| Err(std::io::Error::other(error)))
}

/// Sends `bytes` RAW to the Windows printer `name` through the spooler; `NotFound` when no
/// printer has that name.
#[cfg(windows)]
pub async fn send_windows(name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let (name, bytes) = (name.to_owned(), bytes.to_vec());
    tokio::task::spawn_blocking(move || {
        raw_printer::write_to_device(&name, &bytes, Some("收银小票 receipt")).map(|_| ())
    })
    .await
    .unwrap_or_else(|error| Err(std::io::Error::other(error)))
}

/// Windows printers are Windows's: elsewhere no printer has the name.
#[cfg(not(windows))]
#[allow(clippy::unused_async)] // The Windows one awaits the spooler; both are awaited alike.
pub async fn send_windows(name: &str, _bytes: &[u8]) -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::NotFound,
        format!("no Windows printer {name} here"),
    ))
}

/// The machine's serial ports, by name.
#[must_use]
pub fn serial_ports() -> Vec<String> {
    serialport::available_ports()
        .map(|ports| ports.into_iter().map(|port| port.port_name).collect())
        .unwrap_or_default()
}

/// The printers Windows knows, by name: the value names of the user's
/// `HKCU\Software\Microsoft\Windows NT\CurrentVersion\Devices` key, where Windows lists every
/// printer installed for them (`POS-58` = `winspool,USB001:`).
#[cfg(windows)]
#[must_use]
pub fn windows_printers() -> Vec<String> {
    let devices = winreg::RegKey::predef(winreg::enums::HKEY_CURRENT_USER)
        .open_subkey("Software\\Microsoft\\Windows NT\\CurrentVersion\\Devices");
    let mut names: Vec<String> = devices
        .map(|key| {
            key.enum_values()
                .filter_map(Result::ok)
                .map(|(name, _)| name)
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Windows printers are Windows's: elsewhere there are none.
#[cfg(not(windows))]
#[must_use]
pub fn windows_printers() -> Vec<String> {
    Vec::new()
}

/// The USB printers the kernel's `usblp` driver gives a device file (`/dev/usb/lp0`).
#[must_use]
pub fn usb_printer_devices() -> Vec<String> {
    let mut devices: Vec<String> = std::fs::read_dir("/dev/usb")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| {
                    path.file_name()
                        .and_then(|name| name.to_str())
                        .is_some_and(|name| name.starts_with("lp"))
                })
                .map(|path| path.display().to_string())
                .collect()
        })
        .unwrap_or_default();
    devices.sort();
    devices
}

/// Every printer address this machine offers, ready to go in `[printer] address`: its Windows
/// printers (`printer:POS-58`), USB printer devices (`/dev/usb/lp0`) and serial ports
/// (`serial:COM3?baud=9600`). Reads the system; call it off the window's thread.
#[must_use]
pub fn machine_printer_addresses() -> Vec<String> {
    let printers = windows_printers()
        .into_iter()
        .map(|name| format!("printer:{name}"));
    let serial = serial_ports()
        .into_iter()
        .map(|port| format!("serial:{port}?baud={DEFAULT_BAUD}"));
    printers
        .chain(usb_printer_devices())
        .chain(serial)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serial_address_names_a_port_and_a_speed_or_is_refused() {
        assert_eq!(
            serial_address("COM3?baud=19200"),
            Some(("COM3".into(), 19_200))
        );
        assert_eq!(
            serial_address("/dev/ttyUSB0"),
            Some(("/dev/ttyUSB0".into(), DEFAULT_BAUD))
        );
        for bad in [
            "",
            "COM3?baud=0",
            "COM3?baud=fast",
            "COM3?parity=odd",
            "COM 3",
        ] {
            assert_eq!(serial_address(bad), None, "{bad} was taken");
        }
    }
}
