//! Receipts (小票) and closing reports on ESC/POS thermal printers.
//!
//! ```toml
//! [printer]
//! address = "tcp://192.168.1.50:9100"   # or "/dev/usb/lp0", or "file:/path"
//! width = 58                            # or 80 (mm)
//! auto_print = true                     # a slip after every paid sale
//!
//! [shop]
//! name = "好邻居便利店"
//! ```
//!
//! `slip` lays the words out, `escpos` turns them into printer bytes, `printer` spools and sends
//! them; `decode` reads bytes back (the tests' virtual printer, the preview picture).

pub mod day_slip;
pub mod escpos;
pub mod pole_display;
pub mod ports;
pub mod printer;
pub mod slip;

pub use printer::{PrintError, PrintQueue, PrinterAddress};
pub use slip::Paper;

/// `[printer]`.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterConfig {
    /// `tcp://HOST:9100`, `/dev/usb/lp0` or `file:PATH`.
    pub address: String,
    /// The paper: 58 or 80 (mm).
    #[serde(default = "default_paper")]
    pub width: Paper,
    /// Print a receipt after every paid sale (otherwise on F9 or from the history).
    #[serde(default)]
    pub auto_print: bool,
}

fn default_paper() -> Paper {
    Paper::Mm58
}

impl PrinterConfig {
    /// The parsed address.
    pub fn address(&self) -> Result<PrinterAddress, printer::BadAddress> {
        self.address.parse()
    }
}

/// `[shop]`: what the slips say at the top.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShopConfig {
    /// The shop's name.
    pub name: String,
}

impl Default for ShopConfig {
    fn default() -> Self {
        ShopConfig {
            name: "收银台".to_owned(),
        }
    }
}
