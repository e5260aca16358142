//! Voice announcements (收款语音播报): `cashier announce` speaks a sale's phrase through espeak-ng
//! into a WAV that sox measures (not silent, about as long as the phrase); a paid sale in the
//! window reaches the engine with the phrase; and an engine that hangs or is missing never holds
//! up a sale.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common;

use cashier::config::{Config, VoiceConfig};
use common::window::world_with_config;

/// sox's measure of a WAV: its length in seconds and its RMS amplitude.
fn measure(wav: &Path) -> (f64, f64) {
    let output = std::process::Command::new("sox")
        .arg(wav)
        .args(["-n", "stat"])
        .output()
        .expect("sox runs (tests/run.sh installs it)");
    let text = String::from_utf8_lossy(&output.stderr);
    let field = |name: &str| -> f64 {
        text.lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.rsplit(':').next())
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in sox's stat:\n{text}"))
    };
    (field("Length (seconds)"), field("RMS     amplitude"))
}

fn announce_to_wav(dir: &Path, amount: &str, wav: &Path) -> String {
    let output = common::cashier_in(
        dir,
        &[
            "announce",
            "--method",
            "alipay-qr",
            "--amount",
            amount,
            "--wav",
            wav.to_str().expect("a path"),
        ],
    );
    assert!(
        output.status.success(),
        "announce failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn cashier_announce_speaks_the_phrase_into_a_wav_as_long_as_the_phrase() {
    let dir = tempfile::tempdir().expect("dir");
    let (short, long) = (dir.path().join("short.wav"), dir.path().join("long.wav"));
    assert_eq!(announce_to_wav(dir.path(), "10", &short), "支付宝收款十元");
    assert_eq!(
        announce_to_wav(dir.path(), "123456.78", &long),
        "支付宝收款十二万三千四百五十六点七八元"
    );
    let (short_secs, short_rms) = measure(&short);
    let (long_secs, long_rms) = measure(&long);
    println!("十元: {short_secs:.2} s, RMS {short_rms}; 十二万…: {long_secs:.2} s, RMS {long_rms}");
    assert!(short_rms > 0.01 && long_rms > 0.01, "not silent");
    // About a syllable every 0.2–0.5 s: 7 and 20 syllables.
    assert!(
        (1.4..=3.5).contains(&short_secs),
        "{short_secs} s for 7 syllables"
    );
    assert!(
        (4.0..=10.0).contains(&long_secs),
        "{long_secs} s for 20 syllables"
    );
}

/// A speech "engine" that writes what it was asked to say into `said`, or sleeps a minute.
fn fake_engine(dir: &Path, hangs: bool) -> (std::path::PathBuf, std::path::PathBuf) {
    let said = dir.join("said.txt");
    let script = dir.join("fake-espeak");
    let body = if hangs {
        "sleep 60\n".to_owned()
    } else {
        format!("echo \"$@\" >> '{}'\n", said.display())
    };
    std::fs::write(&script, format!("#!/bin/sh\n{body}")).expect("script");
    let mut permissions = std::fs::metadata(&script).expect("written").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&script, permissions).expect("executable");
    (script, said)
}

fn voice_on(engine: &str) -> Config {
    Config {
        voice: VoiceConfig {
            on: true,
            volume: 80,
            engine: engine.to_owned(),
        },
        ..Config::default()
    }
}

#[test]
fn a_paid_sale_in_the_window_is_announced_with_its_wallet_and_amount() {
    let dir = tempfile::tempdir().expect("dir");
    let (engine, said) = fake_engine(dir.path(), false);
    let mut world = world_with_config(voice_on(engine.to_str().expect("path")));
    world.harness.run_steps(2);
    world.type_amount("8");
    world.press(egui::Key::F3);
    world.press(egui::Key::Enter);
    world.wait_for("请扫描顾客的付款码");
    world.scan("130000000000000001");
    world.wait_for("支付成功 ¥8.00");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&said).is_ok_and(|text| text.contains("收款")) {
        assert!(Instant::now() < deadline, "nothing was announced");
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(&said).expect("said");
    assert_eq!(text.trim(), "-v cmn -a 160 微信收款八元");
}

#[test]
fn an_engine_that_hangs_or_is_missing_never_holds_up_a_sale() {
    let dir = tempfile::tempdir().expect("dir");
    let (hung, _) = fake_engine(dir.path(), true);
    for engine in [hung.to_str().expect("path"), "no-such-speech-engine"] {
        let mut world = world_with_config(voice_on(engine));
        world.harness.run_steps(2);
        let started = Instant::now();
        for _ in 0..3 {
            world.type_amount("8");
            world.press(egui::Key::F3);
            world.press(egui::Key::Enter);
            world.wait_for("请扫描顾客的付款码");
            world.scan("130000000000000001");
            world.wait_for("支付成功 ¥8.00");
            world.new_sale();
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "three sales took {:?} beside {engine}",
            started.elapsed()
        );
        assert_eq!(world.order_count(), 3);
    }
}

/// 设置 → 语音播报: turned on, 试听 says a sample through the engine (or says why not), and 保存
/// keeps it.
#[test]
fn the_voice_is_turned_on_and_tried_in_the_settings() {
    use egui_kittest::kittest::Queryable;
    let mut world = common::window::world();
    world.harness.get_by_label("设置").click();
    world.wait_for("打印测试页");
    world
        .harness
        .get_by_label("语音播报（支付宝收款十二点三四元）")
        .click_accesskit();
    world.harness.run_steps(2);
    world.harness.get_by_label("试听").click_accesskit();
    // The machine's engine: espeak-ng here (tests/run.sh installs it); without a sound card it
    // still says the phrase into nothing and ends well.
    world.wait_for("已播报");
    world.harness.get_by_label("保存").click_accesskit();
    world.wait_for("已保存并生效");
    world.wait_for("· voice: off → on 80");
    let config = Config::load(&world.data_dir.path().join("config.toml")).expect("saved");
    assert!(config.voice.on);
}

#[test]
fn a_missing_engine_is_said_in_the_cashiers_words() {
    let error = cashier::app::announcer::say_now(
        &VoiceConfig {
            on: true,
            volume: 50,
            engine: "no-such-speech-engine".to_owned(),
        },
        &cashier::speech::Announcement {
            method: cashier::gateway::PayMethod::Cash,
            amount: cashier::money::Money::from_yuan(1),
            outcome: cashier::speech::Outcome::Paid,
            lang: cashier::i18n::Lang::Zh,
        },
        None,
    )
    .expect_err("no engine");
    assert_eq!(
        cashier::i18n::Localized::message(&error, cashier::i18n::Lang::Zh),
        "没有找到语音引擎：Windows 自带语音；Linux 请安装 espeak-ng"
    );
}
