//! The customer's screen (客显副屏) as the customer sees it: its own window beside the cashier's,
//! the amount read back from its pixels (tesseract) as it is typed and while the QR shows, the QR
//! decoded from its pixels to the very pay page the order recorded; and a scanner's burst typed
//! into it (focus left there by a click) charged by the checkout, no key lost.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::text;
use crate::till::Till;

/// The words tesseract reads in a screenshot (digits and Latin; the Chinese is not read).
fn read_words(path: &Path) -> String {
    let output = Command::new("tesseract")
        .arg(path)
        .args(["-", "--psm", "6"])
        .output()
        .expect("tesseract runs (apt-get install tesseract-ocr)");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The one QR in `pixels`, decoded.
fn qr_text(pixels: &image::RgbImage) -> String {
    let gray = image::DynamicImage::ImageRgb8(pixels.clone()).to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(gray);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR on the customer's screen");
    grids[0].decode().expect("the QR decodes").1
}

#[test]
#[ignore = "real window: needs Xvfb, xdotool, ImageMagick, tesseract and a release build"]
fn the_customer_screen_shows_the_amount_typed_and_the_qr_and_passes_on_a_scan_typed_into_it() {
    let config = "[shop]\nname = \"好又多便利店\"\n\n[customer_screen]\non = true\n";
    let till = Till::start_with_config(1920, 1080, Some(config));
    let customer = till.customer_window_at(1120);
    till.type_text("12.34");
    let (typed, _) = till.window_screen(&customer, "customer-typed.png");
    let words = read_words(&typed);
    assert!(
        words.contains("12.34"),
        "the amount as typed, read: {words:?}"
    );

    till.key("Return");
    let orders = till.wait_for_orders("a QR sale", Duration::from_secs(10), |o| {
        o.first().map(|o| text(o, "status")) == Some("pending")
    });
    let shown = text(&orders[0], "shown").to_owned();
    assert!(!shown.is_empty(), "the order records the pay page shown");
    std::thread::sleep(Duration::from_millis(500));
    let (with_qr, pixels) = till.window_screen(&customer, "customer-qr.png");
    assert_eq!(
        qr_text(&pixels),
        shown,
        "the customer scans the order's own pay page"
    );
    let words = read_words(&with_qr);
    assert!(
        words.contains("12.34"),
        "the amount beside the QR, read: {words:?}"
    );
    // Two windows drawn once a second for the countdown: still cheap on a fanless till.
    let waiting = till.cpu_percent_over(Duration::from_secs(5));
    println!("a QR wait with the customer's screen: {waiting:.2} % of a core");
    assert!(waiting <= 6.0, "a QR wait used {waiting:.2} % of a core");
    till.key("Escape");
    till.wait_for_orders("given up", Duration::from_secs(10), |o| {
        o.first().map(|o| text(o, "status")) == Some("unresolved")
    });

    // Focus on the customer's screen (a click there): the amount and a scanner's burst still go
    // to the checkout.
    till.focus(&customer);
    till.type_text("5");
    till.scan("130000000000000001");
    let orders = till.wait_for_orders("the scanned sale", Duration::from_secs(10), |o| {
        o.iter()
            .any(|o| text(o, "status") == "paid" && text(o, "amount") == "5.00")
    });
    let paid: Vec<&Value> = orders
        .iter()
        .filter(|o| text(o, "status") == "paid")
        .collect();
    assert_eq!(
        paid.len(),
        1,
        "one sale charged, of what was typed: {orders:?}"
    );
    std::thread::sleep(Duration::from_millis(500));
    let (result, _) = till.window_screen(&customer, "customer-paid.png");
    let words = read_words(&result);
    assert!(words.contains("5.00"), "the paid amount, read: {words:?}");
}
