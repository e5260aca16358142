//! The pole display (客显, issue 25 item 2) on a serial port: a socat pseudo-terminal pair stands
//! for the COM port and the display's end of the cable. What `cashier pay` sends is read at the
//! display's end and decoded back to what the customer saw, screen by screen.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const CASHIER: &str = env!("CARGO_BIN_EXE_cashier");

/// What one screen of the display showed.
#[derive(Debug, Default, PartialEq, Eq)]
struct Screen {
    upper: String,
    lower: String,
    /// The LED's lamp: 0 none, 2 总计, 3 收款, 4 找零.
    lamp: Option<u8>,
}

/// The screens in `bytes`, as a CD5220 display shows them (`ESC @` starts a screen, `ESC Q A/B
/// text CR` writes a line, `ESC s n` lights a lamp; a byte it does not know fails the test).
fn screens(bytes: &[u8]) -> Vec<Screen> {
    let mut screens: Vec<Screen> = Vec::new();
    let mut rest = bytes;
    while let Some((&first, tail)) = rest.split_first() {
        match (first, tail) {
            (0x1b, [b'@', more @ ..]) => {
                screens.push(Screen::default());
                rest = more;
            }
            (0x0c, more) => rest = more,
            (0x1b, [b's', lamp, more @ ..]) => {
                screens.last_mut().expect("a screen").lamp = Some(lamp - b'0');
                rest = more;
            }
            (0x1b, [b'Q', line, more @ ..]) => {
                let end = more
                    .iter()
                    .position(|&byte| byte == 0x0d)
                    .expect("a line ends");
                let text = String::from_utf8(more[..end].to_vec()).expect("ASCII");
                let screen = screens.last_mut().expect("a screen");
                match line {
                    b'A' => screen.upper = text,
                    b'B' => screen.lower = text,
                    other => panic!("no line {other}"),
                }
                rest = &more[end + 1..];
            }
            _ => panic!("a byte the display does not know: {first:#04x} in {bytes:?}"),
        }
    }
    screens
}

/// A pty pair: the till's end (`com`) and the display's, read until `until` holds for the bytes
/// so far (or 10 s pass).
struct Cable {
    socat: Child,
}

impl Cable {
    fn new(dir: &Path) -> Cable {
        let socat = Command::new("socat")
            .arg(format!("pty,raw,echo=0,link={}", dir.join("com").display()))
            .arg(format!(
                "pty,raw,echo=0,link={}",
                dir.join("display").display()
            ))
            .spawn()
            .expect("socat runs (tests/run.sh installs it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !(dir.join("com").exists() && dir.join("display").exists()) {
            assert!(Instant::now() < deadline, "socat made no ptys");
            std::thread::sleep(Duration::from_millis(20));
        }
        Cable { socat }
    }

    fn read_until(
        dir: &Path,
        until: impl Fn(&[Screen]) -> bool + Send + 'static,
    ) -> std::thread::JoinHandle<Vec<u8>> {
        let mut end = std::fs::File::open(dir.join("display")).expect("the display's end opens");
        std::thread::spawn(move || {
            let mut got = Vec::new();
            let mut buffer = [0u8; 256];
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                match end.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got.extend_from_slice(&buffer[..n]),
                }
                if got.ends_with(&[0x0d]) && until(&screens(&got)) {
                    break;
                }
            }
            got
        })
    }
}

impl Drop for Cable {
    fn drop(&mut self) {
        let _ = self.socat.kill();
        let _ = self.socat.wait();
    }
}

fn till(dir: &Path, display: &str) -> impl Fn(&[&str]) -> std::process::Output {
    let config = dir.join("config.toml");
    std::fs::write(&config, format!("[display]\n{display}\n")).expect("config");
    let data = dir.join("data");
    move |args: &[&str]| {
        Command::new(CASHIER)
            .arg("--config")
            .arg(&config)
            .arg("--data-dir")
            .arg(&data)
            .args(["--sandbox-port", "0"])
            .args(args)
            .output()
            .expect("runs")
    }
}

/// The screens a display with `kind` (a `[display]` line, or none) on a serial port showed for
/// each of `sales` (`cashier pay` arguments), two screens a sale.
fn screens_of_sales(kind: &str, sales: &[&[&str]]) -> Vec<Vec<Screen>> {
    let dir = tempfile::tempdir().expect("dir");
    let _cable = Cable::new(dir.path());
    let display = format!(
        "address = \"serial:{}?baud=2400\"\n{kind}",
        dir.path().join("com").display()
    );
    let pay = till(dir.path(), &display);
    sales
        .iter()
        .map(|args| {
            let seen = Cable::read_until(dir.path(), |screens| screens.len() >= 2);
            let sale = pay(&[&["pay"][..], args].concat());
            assert!(
                sale.status.success(),
                "{}",
                String::from_utf8_lossy(&sale.stderr)
            );
            screens(&seen.join().expect("read"))
        })
        .collect()
}

/// A VFD (2×20): a cash sale shows the total, then the cash and the change; a wallet sale the
/// total, then paid.
#[test]
fn a_vfd_shows_the_total_then_the_change_or_paid() {
    let cash: &[&str] = &["--method", "cash", "--amount", "3", "--tendered", "5"];
    let code = "130000000000000001";
    let wallet: &[&str] = &[
        "--method",
        "wechat-barcode",
        "--amount",
        "12.34",
        "--auth-code",
        code,
    ];
    let shown = screens_of_sales("", &[cash, wallet]);
    assert_eq!(
        shown[0],
        [
            Screen {
                upper: "TOTAL           3.00".into(),
                lower: " ".repeat(20),
                lamp: None
            },
            Screen {
                upper: "CASH            5.00".into(),
                lower: "CHANGE          2.00".into(),
                lamp: None
            },
        ]
    );
    assert_eq!(shown[1][0].upper, "TOTAL          12.34");
    assert_eq!(shown[1][1].upper, "PAID           12.34");
    assert_eq!(shown[1][1].lower.trim_end(), "THANK YOU");
}

/// An 8-digit LED: the total under the 总计 lamp, then the change under 找零.
#[test]
fn an_led_display_shows_the_total_then_the_change_under_its_lamps() {
    let cash: &[&str] = &["--method", "cash", "--amount", "37.66", "--tendered", "50"];
    let shown = screens_of_sales("kind = \"led\"", &[cash]);
    assert_eq!(
        shown[0],
        [
            Screen {
                upper: "37.66".into(),
                lower: String::new(),
                lamp: Some(2)
            },
            Screen {
                upper: "12.34".into(),
                lower: String::new(),
                lamp: Some(4)
            },
        ]
    );
}

/// A display that is not there never holds up or fails a sale.
#[test]
fn a_missing_display_never_holds_up_a_sale() {
    let dir = tempfile::tempdir().expect("dir");
    let pay = till(
        dir.path(),
        "address = \"serial:/dev/no-such-port?baud=2400\"",
    );
    let started = Instant::now();
    let sale = pay(&[
        "pay",
        "--method",
        "cash",
        "--amount",
        "3",
        "--tendered",
        "5",
        "--json",
    ]);
    assert!(
        sale.status.success(),
        "{}",
        String::from_utf8_lossy(&sale.stderr)
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the sale waited {:?}",
        started.elapsed()
    );
}

/// The screens a `file:` display holds once it has `count` (or after 10 s, what it has).
fn screens_in(file: &Path, count: usize) -> Vec<Screen> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let shown = screens(&std::fs::read(file).unwrap_or_default());
        if shown.len() >= count || Instant::now() > deadline {
            return shown;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The window keeps the display in step too (its worker, through the same app layer): the total
/// as soon as the cash screen asks for the money, then the cash and change; for a pay code the
/// total while the scanner waits, then paid. The display here is a file (`file:`), read back.
#[test]
fn the_windows_sales_show_on_the_display() {
    use cashier::receipt::pole_display::{DisplayConfig, DisplayKind};
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("display.bin");
    let mut world = crate::common::window::world_with_config(cashier::config::Config {
        display: Some(DisplayConfig {
            address: format!("file:{}", file.display()),
            kind: DisplayKind::Vfd,
        }),
        ..cashier::config::Config::default()
    });
    let shown = |count: usize| screens_in(&file, count);
    world.harness.run_steps(2);
    world.type_amount("3");
    world.press(egui::Key::F4);
    world.press(egui::Key::Enter);
    world.wait_for("现金应收 ¥3.00");
    assert_eq!(
        shown(1)[0].upper,
        "TOTAL           3.00",
        "before the cash is counted"
    );
    world.type_amount("5");
    world.press(egui::Key::Enter);
    world.wait_for("支付成功");
    let screens = shown(2);
    assert_eq!(
        (screens[1].upper.as_str(), screens[1].lower.as_str()),
        ("CASH            5.00", "CHANGE          2.00")
    );

    world.new_sale();
    world.type_amount("12.34");
    world.press(egui::Key::F3);
    world.press(egui::Key::Enter);
    world.wait_for("请扫描顾客的付款码");
    assert_eq!(
        shown(3)[2].upper,
        "TOTAL          12.34",
        "while the scanner waits"
    );
    world.scan("130000000000000001");
    world.wait_for("支付成功");
    let screens = shown(5);
    let last = screens.last().expect("a screen");
    assert_eq!(last.upper, "PAID           12.34", "{screens:#?}");
}

/// 设置 → 打印机 → 客显: an address that is no address is said and nothing saved; a port and the
/// LED kind are saved as `[display]`, and the next sale shows on it.
#[test]
fn the_display_is_set_in_settings_and_the_next_sale_shows_on_it() {
    use egui::accesskit::Role;
    use egui_kittest::kittest::Queryable;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("display.bin");
    let mut world = crate::common::window::world();
    world.harness.get_by_label("设置").click();
    world.wait_for("客显");
    // Base URL, merchant, till id, the printer's address, the shop's name, then the display's.
    crate::common::window::set_field(&mut world, Role::TextInput, 5, "com4");
    world.wait_for("无法识别：com4");
    world.harness.get_by_label("保存").click_accesskit();
    world.harness.run_steps(3);
    let path = world.data_dir.path().join("config.toml");
    assert!(!path.exists(), "a bad address saves nothing");

    let address = format!("file:{}", file.display());
    crate::common::window::set_field(&mut world, Role::TextInput, 5, &address);
    world
        .harness
        .get_by_label("8 位数字 (LED)")
        .click_accesskit();
    world.harness.get_by_label("保存").click_accesskit();
    world.wait_for("已保存并生效");
    let display = cashier::config::Config::load(&path)
        .expect("saved")
        .display
        .expect("a display");
    assert_eq!(display.address, address);
    assert_eq!(
        display.kind,
        cashier::receipt::pole_display::DisplayKind::Led
    );

    world.harness.get_by_label("收银").click();
    world.harness.run_steps(2);
    world.type_amount("3");
    world.press(egui::Key::F4);
    world.press(egui::Key::Enter);
    world.wait_for("现金应收 ¥3.00");
    let shown = screens_in(&file, 1);
    assert_eq!(
        shown.first(),
        Some(&Screen {
            upper: "3.00".into(),
            lower: String::new(),
            lamp: Some(2)
        }),
        "the total under the 总计 lamp, on the display just saved"
    );
}
