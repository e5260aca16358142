//! A till for the real-window suite: the release binary in its own Xvfb display (no window
//! manager, as CI has), driven by xdotool as a cashier's keyboard, mouse and USB scanner are,
//! its ledger read back through `cashier history --json`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The customer's screen's window title holds this (`ui::customer_screen::TITLE`).
const CUSTOMER_SCREEN: &str = "Customer display";

/// How long the app gets to take what was typed before the next step.
const SETTLE: Duration = Duration::from_millis(250);

/// The binary under test: `CASHIER_BIN`, else the release build.
fn binary() -> PathBuf {
    std::env::var_os("CASHIER_BIN").map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target")
                .join("release")
                .join("cashier")
        },
        PathBuf::from,
    )
}

/// One running till on its own display, with its own config and data directories.
pub struct Till {
    xvfb: Child,
    app: Child,
    display: String,
    window: String,
    home: tempfile::TempDir,
    data_dir: tempfile::TempDir,
}

impl Till {
    /// Starts Xvfb at `width`×`height` and the cashier on it, on its own sandbox, and gives its
    /// window the keyboard.
    pub fn start(width: u32, height: u32) -> Till {
        // An empty config: a till already set up, on the sandbox (no first-run setup).
        Till::start_with_config(width, height, Some(""))
    }

    /// As [`Till::start`] on a machine where the cashier has never run: no config file, so the
    /// window opens on the first run's setup.
    pub fn start_fresh(width: u32, height: u32) -> Till {
        Till::start_with_config(width, height, None)
    }

    /// The config file the cashier reads and writes.
    pub fn config_file(&self) -> std::path::PathBuf {
        self.home
            .path()
            .join(".config")
            .join("cashier")
            .join("config.toml")
    }

    /// As [`Till::start`], with `config` (TOML) as the cashier's config file.
    pub fn start_with_config(width: u32, height: u32, config: Option<&str>) -> Till {
        Till::start_on(width, height, config, false)
    }

    /// As [`Till::start`] on a display with no OpenGL at all, as a PC on the basic display driver
    /// has: the X server without GLX and no EGL vendor for the cashier (glow then finds "no
    /// glutin configs"). Vulkan (Mesa's lavapipe) is still there for the software renderer.
    pub fn start_without_opengl(width: u32, height: u32) -> Till {
        Till::start_on(width, height, Some(""), true)
    }

    fn start_on(width: u32, height: u32, config: Option<&str>, no_opengl: bool) -> Till {
        let binary = binary();
        assert!(
            binary.exists(),
            "{} is missing: build it with `cargo build --release --bin cashier`",
            binary.display()
        );
        let mut xvfb = Command::new("Xvfb")
            .args(if no_opengl {
                &["-extension", "GLX"][..]
            } else {
                &[][..]
            })
            .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
            .arg(format!("{width}x{height}x24"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts (apt-get install xvfb)");
        let mut line = String::new();
        BufReader::new(xvfb.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("Xvfb says its display");
        let display = format!(":{}", line.trim());
        let home = tempfile::tempdir().expect("home");
        let data_dir = tempfile::tempdir().expect("data dir");
        if let Some(config) = config {
            let dir = home.path().join(".config").join("cashier");
            std::fs::create_dir_all(&dir).expect("config dir");
            let file = dir.join("config.toml");
            std::fs::write(&file, config).expect("config written");
            let mut permissions = std::fs::metadata(&file).expect("written").permissions();
            std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o600);
            std::fs::set_permissions(&file, permissions).expect("0600");
        }
        let app = spawn_window(&display, home.path(), data_dir.path(), no_opengl);
        let mut till = Till {
            xvfb,
            app,
            display,
            window: String::new(),
            home,
            data_dir,
        };
        till.window = till.wait_for_window();
        // Without a window manager a new window has no keyboard focus: give it the focus.
        till.xdotool(&["windowfocus", "--sync", &till.window.clone()]);
        // Let the first frames settle (fonts, the first layout).
        std::thread::sleep(Duration::from_millis(800));
        till
    }

    fn wait_for_window(&self) -> String {
        self.window_of(&self.app)
    }

    /// The cashier started again on this till (its display, config and data), as an owner
    /// double-clicking its icon does, and that process's window once it shows.
    pub fn start_again(&self) -> (Child, String) {
        let again = spawn_window(&self.display, self.home.path(), self.data_dir.path(), false);
        let window = self.window_of(&again);
        (again, window)
    }

    /// Gives `window` the keyboard (there is no window manager to do it on a click).
    pub fn focus(&self, window: &str) {
        self.xdotool(&["windowfocus", "--sync", window]);
    }

    /// Closes the till's first window as a crash or a kill does: no goodbye.
    pub fn kill_first(&mut self) {
        let _ = self.app.kill();
        let _ = self.app.wait();
    }

    fn window_of(&self, app: &Child) -> String {
        // Generous: two tests start windows at once on a 2-core CI machine under llvmpipe.
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            // The cashier's own window, or its child's (a cashier whose OpenGL opened no window
            // starts itself again on the software renderer).
            let children =
                std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", app.id()))
                    .unwrap_or_default();
            let pids = std::iter::once(app.id().to_string())
                .chain(children.split_whitespace().map(str::to_owned));
            for pid in pids {
                let output = Command::new("xdotool")
                    .args(["search", "--onlyvisible", "--pid", &pid])
                    .env("DISPLAY", &self.display)
                    .output()
                    .expect("xdotool runs (apt-get install xdotool)");
                let found = String::from_utf8_lossy(&output.stdout);
                // The cashier's window, not the customer's screen beside it.
                if let Some(window) = found
                    .lines()
                    .find(|window| !self.window_name(window).contains(CUSTOMER_SCREEN))
                {
                    return window.to_owned();
                }
            }
            // A process that ended (a zombie, not yet waited for) will never show one: say so.
            let state =
                std::fs::read_to_string(format!("/proc/{}/status", app.id())).unwrap_or_default();
            assert!(
                !state
                    .lines()
                    .any(|line| line.starts_with("State:") && line.contains('Z')),
                "the cashier exited before its window showed"
            );
            assert!(Instant::now() < deadline, "the window never showed in 40 s");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn window_name(&self, window: &str) -> String {
        let output = Command::new("xdotool")
            .args(["getwindowname", window])
            .env("DISPLAY", &self.display)
            .output()
            .expect("xdotool runs");
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// The customer's screen (客显副屏), once it shows, moved to `x` (there is no window manager
    /// to place it: it opens over the cashier's window).
    pub fn customer_window_at(&self, x: u32) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let output = Command::new("xdotool")
                .args(["search", "--onlyvisible", "--name", CUSTOMER_SCREEN])
                .env("DISPLAY", &self.display)
                .output()
                .expect("xdotool runs");
            let found = String::from_utf8_lossy(&output.stdout);
            if let Some(window) = found.lines().next() {
                self.xdotool(&["windowmove", "--sync", window, &x.to_string(), "0"]);
                std::thread::sleep(Duration::from_millis(300));
                return window.to_owned();
            }
            assert!(Instant::now() < deadline, "no customer screen in 20 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// One window's pixels, through a screenshot saved as `name` (kept for a person).
    pub fn window_screen(&self, window: &str, name: &str) -> (PathBuf, image::RgbImage) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/real-window");
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(name);
        let status = Command::new("import")
            .args(["-window", window])
            .arg(&path)
            .env("DISPLAY", &self.display)
            .status()
            .expect("import runs (apt-get install imagemagick)");
        assert!(status.success(), "a screenshot of {window}");
        let pixels = image::open(&path).expect("a screenshot").to_rgb8();
        (path, pixels)
    }

    fn xdotool(&self, args: &[&str]) {
        let status = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .status()
            .expect("xdotool runs");
        assert!(status.success(), "xdotool {args:?} failed");
    }

    /// Types `text` as a person does: a key every 60 ms.
    pub fn type_text(&self, text: &str) {
        self.xdotool(&["type", "--delay", "60", text]);
        Self::settle();
    }

    /// A USB scanner's burst: the code at 5 ms a key, then Enter.
    pub fn scan(&self, code: &str) {
        self.xdotool(&["type", "--delay", "5", code]);
        self.xdotool(&["key", "Return"]);
        Self::settle();
    }

    /// Types `text`, then presses Enter twice `gap_ms` apart: a reflex double Enter.
    pub fn type_and_double_enter(&self, text: &str, gap_ms: u32) {
        self.xdotool(&["type", "--delay", "60", text]);
        self.xdotool(&["key", "--delay", &gap_ms.to_string(), "Return", "Return"]);
        Self::settle();
    }

    /// Keyboard input as a hurried cashier gives it: each step (xdotool's arguments, `type
    /// --delay 60 12.30` or `key --delay 60 F4 Return`) right after the last, no settling pause.
    pub fn without_pause(&self, steps: &[&[&str]]) {
        for step in steps {
            self.xdotool(step);
        }
    }

    /// Presses keys by their X names (`Return`, `Escape`, `F3`, `BackSpace`).
    pub fn key(&self, keys: &str) {
        self.xdotool(&["key", "--delay", "60", keys]);
        Self::settle();
    }

    /// Presses `key` twice, 60 ms apart, as a hurried cashier does.
    pub fn double_key(&self, key: &str) {
        self.xdotool(&["key", "--delay", "60", key, key]);
        Self::settle();
    }

    /// Clicks at a point of the window, in its own pixels.
    pub fn click(&self, x: u32, y: u32) {
        self.xdotool(&[
            "mousemove",
            "--window",
            &self.window,
            &x.to_string(),
            &y.to_string(),
            "click",
            "1",
        ]);
        Self::settle();
    }

    /// Gives the app a moment to take what was typed.
    fn settle() {
        std::thread::sleep(SETTLE);
    }

    /// The cashier's own words on the ledger: `cashier history --json`, one object per line.
    pub fn history(&self) -> Vec<Value> {
        self.cli(&["history", "--json"])
    }

    /// `cashier ARGS` on this till's ledger: its JSON lines.
    pub fn cli(&self, args: &[&str]) -> Vec<Value> {
        let output = Command::new(binary())
            .args(args)
            .args(["--sandbox-port", "0", "--data-dir"])
            .arg(self.data_dir.path())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .output()
            .expect("cashier runs");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    /// Today's orders, newest first.
    pub fn orders(&self) -> Vec<Value> {
        self.history()
            .into_iter()
            .filter(|line| line.get("order_no").is_some())
            .collect()
    }

    /// Waits until today's orders satisfy `done`, or fails after `timeout` saying `what`.
    pub fn wait_for_orders(
        &self,
        what: &str,
        timeout: Duration,
        done: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let orders = self.orders();
            if done(&orders) {
                return orders;
            }
            assert!(
                Instant::now() < deadline,
                "{what}; the ledger has {orders:#?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The bytes of the first file in the export folder named `prefix…suffix`, waiting up to
    /// 5 s for it.
    pub fn wait_for_file(&self, prefix: &str, suffix: &str) -> Vec<u8> {
        let dir = self.data_dir.path().join("exports");
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let found = std::fs::read_dir(&dir).ok().and_then(|entries| {
                entries.flatten().map(|e| e.path()).find(|path| {
                    path.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(prefix) && n.ends_with(suffix))
                })
            });
            if let Some(path) = found {
                std::thread::sleep(Duration::from_millis(100));
                return std::fs::read(path).expect("readable");
            }
            assert!(
                Instant::now() < deadline,
                "no {prefix}…{suffix} in {}",
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Types `amount`, charges the first method (a QR), gives up on it with Esc once it is
    /// shown; returns the pay page the customer's phone would open.
    pub fn qr_given_up(&self, amount: &str) -> String {
        self.type_text(amount);
        self.key("Return");
        let orders = self.wait_for_orders("a QR sale", Duration::from_secs(10), |o| {
            o.first()
                .and_then(|o| o.get("status"))
                .and_then(Value::as_str)
                == Some("pending")
        });
        let shown = orders[0].get("shown").and_then(Value::as_str).unwrap_or("");
        let pay_page = shown.to_owned();
        self.key("Escape");
        self.wait_for_orders("given up", Duration::from_secs(10), |o| {
            o.first()
                .and_then(|o| o.get("status"))
                .and_then(Value::as_str)
                == Some("unresolved")
        });
        pay_page
    }

    /// CPU time the app has used, in clock ticks (user + system, fields 14 and 15 of
    /// `/proc/PID/stat`).
    pub fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.app.id()))
            .expect("the app is running");
        // The command name may hold spaces: count fields after its closing parenthesis.
        let after_name = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        let user: u64 = fields.get(11).and_then(|f| f.parse().ok()).unwrap_or(0);
        let system: u64 = fields.get(12).and_then(|f| f.parse().ok()).unwrap_or(0);
        user + system
    }

    /// The share of one core the app used over `span`, in percent.
    pub fn cpu_percent_over(&self, span: Duration) -> f64 {
        let ticks_per_second = 100.0; // USER_HZ on Linux
        let before = self.cpu_ticks();
        std::thread::sleep(span);
        let used = self.cpu_ticks() - before;
        #[allow(clippy::cast_precision_loss)] // Tick counts are small.
        let percent = used as f64 / ticks_per_second / span.as_secs_f64() * 100.0;
        percent
    }

    /// Resizes the window (there is no window manager to do it).
    pub fn resize(&self, width: u32, height: u32) {
        self.xdotool(&[
            "windowsize",
            &self.window,
            &width.to_string(),
            &height.to_string(),
        ]);
        std::thread::sleep(Duration::from_millis(600));
    }

    /// The screen as pixels, through a screenshot saved as `name` (kept for a person).
    pub fn screen(&self, name: &str) -> image::RgbImage {
        self.screenshot(name);
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target/real-window")
            .join(name);
        image::open(&path)
            .expect("a screenshot (apt-get install imagemagick)")
            .to_rgb8()
    }

    /// Saves a screenshot of the display to `name` under `target/real-window/`, for a person.
    pub fn screenshot(&self, name: &str) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/real-window");
        let _ = std::fs::create_dir_all(&dir);
        let _ = Command::new("import")
            .args(["-window", "root"])
            .arg(dir.join(name))
            .env("DISPLAY", &self.display)
            .status();
    }
}

/// The cashier's window on `display`, with `home`'s config and `data_dir`.
fn spawn_window(display: &str, home: &Path, data_dir: &Path, no_opengl: bool) -> Child {
    let mut command = Command::new(binary());
    if no_opengl {
        command.env(
            "__EGL_VENDOR_LIBRARY_FILENAMES",
            "/nonexistent/no-egl-vendor.json",
        );
    }
    command
        .args(["--sandbox-port", "0", "--data-dir"])
        .arg(data_dir)
        .env("DISPLAY", display)
        .env("HOME", home)
        .env_remove("WAYLAND_DISPLAY")
        .env("XDG_CONFIG_HOME", home.join(".config"))
        // No keyring: keys saved in the window stay in the till's own config file.
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/no-keyring-bus",
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the cashier starts")
}

impl Drop for Till {
    fn drop(&mut self) {
        let _ = self.app.kill();
        let _ = self.app.wait();
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}
