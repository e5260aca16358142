//! 设置 → 打印机: the receipt printer's address (a network printer, a Windows printer, a serial
//! port or a USB device; the machine's printers and ports are listed), the paper's width, the shop's
//! name on the slips, printing after every sale, and 打印测试页 to try what is typed before it is
//! saved; and the customer's pole display (客显): its port and kind. Saved with the rest of the
//! settings (保存), and audited like them.

use egui::{RichText, Ui};

use super::SettingsAction;
use crate::i18n::{Lang, Localized, tr};
use crate::receipt::pole_display::{DisplayConfig, DisplayKind};
use crate::receipt::printer::BadAddress;
use crate::receipt::{Paper, PrinterConfig, ShopConfig};
use crate::ui::backend::Problem;
use crate::ui::theme;

/// The printer form's state.
#[derive(Debug, Clone, Default)]
pub struct PrinterForm {
    /// The address, typed (empty: no printer).
    pub address: String,
    /// 80 mm paper (else 58 mm).
    pub wide: bool,
    /// Print a receipt after every paid sale.
    pub auto_print: bool,
    /// The shop's name, as the slips head it.
    pub shop_name: String,
    /// The machine's printers and ports as addresses (`printer:POS-58`, `/dev/usb/lp0`,
    /// `serial:COM3?baud=9600`), once read.
    pub ports: Vec<String>,
    /// The pole display's address, typed (empty: none).
    pub display_address: String,
    /// Which pole display hangs there.
    pub display_kind: DisplayKind,
    /// The customer's screen (客显副屏) as chosen.
    pub customer_screen: crate::config::CustomerScreenConfig,
    /// The voice announcements as chosen.
    pub voice: crate::config::VoiceConfig,
    /// How the last 试听 went.
    pub voice_tried: Option<Result<(), String>>,
    /// A test page is on its way.
    pub testing: bool,
    /// How the last test page went.
    pub tested: Option<Result<(), Problem>>,
}

impl PrinterForm {
    /// The form filled from the configuration in force.
    #[must_use]
    pub fn from_config(config: &crate::config::Config) -> PrinterForm {
        let (printer, shop): (Option<&PrinterConfig>, &ShopConfig) =
            (config.printer.as_ref(), &config.shop);
        let display = config.display.as_ref();
        PrinterForm {
            address: printer.map(|p| p.address.clone()).unwrap_or_default(),
            wide: printer.is_some_and(|p| p.width == Paper::Mm80),
            auto_print: printer.is_some_and(|p| p.auto_print),
            shop_name: shop.name.clone(),
            display_address: display.map(|d| d.address.clone()).unwrap_or_default(),
            display_kind: display.map(|d| d.kind).unwrap_or_default(),
            customer_screen: config.customer_screen.clone(),
            voice: config.voice.clone(),
            ..PrinterForm::default()
        }
    }

    /// The pole display as typed: none when no address is, or why the address does not do.
    /// # Errors
    /// When the address is not one the till understands.
    pub fn display(&self) -> Result<Option<DisplayConfig>, BadAddress> {
        let address = self.display_address.trim();
        if address.is_empty() {
            return Ok(None);
        }
        address.parse::<crate::receipt::PrinterAddress>()?;
        Ok(Some(DisplayConfig {
            address: address.to_owned(),
            kind: self.display_kind,
        }))
    }

    /// The printer as typed: none when no address is, or why the address does not do.
    /// # Errors
    /// When the address is not one the till understands.
    pub fn config(&self) -> Result<Option<PrinterConfig>, BadAddress> {
        let address = self.address.trim();
        if address.is_empty() {
            return Ok(None);
        }
        address.parse::<crate::receipt::PrinterAddress>()?;
        Ok(Some(PrinterConfig {
            address: address.to_owned(),
            width: if self.wide { Paper::Mm80 } else { Paper::Mm58 },
            auto_print: self.auto_print,
        }))
    }
}

/// The printer's fields and 打印测试页.
pub(super) fn printer_form_ui(
    ui: &mut Ui,
    form: &mut PrinterForm,
    lang: Lang,
) -> Option<SettingsAction> {
    let mut action = None;
    ui.strong(tr(lang, "打印机", "Receipt printer"));
    egui::Grid::new("printer-form")
        .num_columns(2)
        .spacing(theme::FORM_SPACING)
        .show(ui, |ui| {
            let label = ui.label(tr(lang, "地址", "Address"));
            ui.add(
                egui::TextEdit::singleline(&mut form.address)
                    .hint_text("tcp://192.168.1.50:9100")
                    .desired_width(theme::FIELD_WIDTH * 2.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            ui.label("");
            ui.label(
                RichText::new(tr(
                    lang,
                    "网络打印机 tcp://IP:9100；Windows 打印机 printer:POS-58\n串口 serial:COM3?baud=9600；USB /dev/usb/lp0；留空为不打印",
                    "Network tcp://IP:9100; Windows printer printer:POS-58\nSerial serial:COM3?baud=9600; USB /dev/usb/lp0; empty: none",
                ))
                .color(theme::MUTED),
            );
            ui.end_row();
            if !form.ports.is_empty() {
                ui.label("");
                ui.horizontal_wrapped(|ui| {
                    let here = tr(lang, "本机打印机和端口：", "This machine's printers and ports: ");
                    ui.label(RichText::new(here).color(theme::MUTED));
                    for address in form.ports.clone() {
                        if ui.small_button(&address).clicked() {
                            form.address = address;
                        }
                    }
                });
                ui.end_row();
            }
            ui.label(tr(lang, "纸宽", "Paper"));
            ui.horizontal(|ui| {
                ui.radio_value(&mut form.wide, false, "58 mm");
                ui.radio_value(&mut form.wide, true, "80 mm");
            });
            ui.end_row();
            let label = ui.label(tr(lang, "店名", "Shop name"));
            ui.add(
                egui::TextEdit::singleline(&mut form.shop_name)
                    .char_limit(32)
                    .desired_width(theme::FIELD_WIDTH),
            )
            .labelled_by(label.id);
            ui.end_row();
            ui.label("");
            ui.checkbox(
                &mut form.auto_print,
                tr(lang, "每笔收款后自动打印小票", "Print a receipt after every sale"),
            );
            ui.end_row();
        });
    let typed = form.config();
    ui.horizontal(|ui| {
        let can_test = !form.testing && matches!(typed, Ok(Some(_)));
        if ui
            .add_enabled(
                can_test,
                egui::Button::new(tr(lang, "打印测试页", "Print a test page")),
            )
            .clicked()
            && let Ok(Some(printer)) = &typed
        {
            form.testing = true;
            form.tested = None;
            action = Some(SettingsAction::TestPrint(
                printer.clone(),
                form.shop_name.trim().to_owned(),
            ));
        }
        if form.testing {
            ui.label(RichText::new(tr(lang, "正在打印…", "Printing…")).color(theme::MUTED));
        }
    });
    match (&typed, &form.tested) {
        (Err(bad), _) => {
            ui.label(RichText::new(bad.message(lang)).color(theme::FAILED));
        }
        (_, Some(Ok(()))) => {
            ui.label(
                RichText::new(tr(
                    lang,
                    "测试页已发送：请看打印机是否打出",
                    "Test page sent: check the printer",
                ))
                .color(theme::PAID),
            );
        }
        (_, Some(Err(problem))) => {
            ui.label(RichText::new(problem.message(lang)).color(theme::FAILED));
        }
        (_, None) => {}
    }
    action
}

/// 客显: the pole display's port and kind, and why the address does not do (if it does not).
pub(super) fn display_form_ui(ui: &mut Ui, form: &mut PrinterForm, lang: Lang) {
    egui::Grid::new("pole_display")
        .num_columns(2)
        .spacing(theme::FORM_SPACING)
        .show(ui, |ui| {
            let label = ui.label(tr(lang, "客显", "Pole display"));
            ui.add(
                egui::TextEdit::singleline(&mut form.display_address)
                    .hint_text("serial:COM4?baud=2400")
                    .desired_width(theme::FIELD_WIDTH * 2.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            ui.label("");
            ui.horizontal(|ui| {
                let (vfd, led) = (
                    tr(lang, "两行字符 (VFD)", "Two lines (VFD)"),
                    tr(lang, "8 位数字 (LED)", "8 digits (LED)"),
                );
                ui.radio_value(&mut form.display_kind, DisplayKind::Vfd, vfd);
                ui.radio_value(&mut form.display_kind, DisplayKind::Led, led);
            });
            ui.end_row();
        });
    if let Err(bad) = form.display() {
        ui.label(RichText::new(bad.message(lang)).color(theme::FAILED));
    }
}

/// 顾客屏: the customer's second window, on or off, and where (a window of its own, or full screen
/// on a monitor).
pub(super) fn customer_screen_form_ui(ui: &mut Ui, form: &mut PrinterForm, lang: Lang) {
    let screen = &mut form.customer_screen;
    ui.checkbox(
        &mut screen.on,
        tr(
            lang,
            "顾客屏（第二个显示器上的副屏）",
            "Customer screen (a second monitor)",
        ),
    );
    if !screen.on {
        return;
    }
    ui.horizontal(|ui| {
        ui.radio_value(&mut screen.monitor, None, tr(lang, "窗口", "A window"));
        for index in 0..MONITORS_OFFERED {
            let words = match lang {
                Lang::Zh => format!("全屏：显示器 {}", index + 1),
                Lang::En => format!("Full screen on monitor {}", index + 1),
            };
            ui.radio_value(&mut screen.monitor, Some(index), words);
        }
    });
}

/// 语音播报: paid sales said aloud, on or off, how loud, and 试听 to hear it before saving.
pub(super) fn voice_form_ui(
    ui: &mut Ui,
    form: &mut PrinterForm,
    lang: Lang,
) -> Option<SettingsAction> {
    let voice = &mut form.voice;
    ui.checkbox(
        &mut voice.on,
        tr(
            lang,
            "语音播报（支付宝收款十二点三四元）",
            "Announce payments aloud",
        ),
    );
    if !voice.on {
        return None;
    }
    let mut action = None;
    ui.horizontal(|ui| {
        let label = ui.label(tr(lang, "音量", "Volume"));
        ui.add(egui::Slider::new(&mut voice.volume, 0..=100))
            .labelled_by(label.id);
        if ui.button(tr(lang, "试听", "Try it")).clicked() {
            form.voice_tried = None;
            action = Some(SettingsAction::TryVoice(voice.clone()));
        }
    });
    match &form.voice_tried {
        Some(Ok(())) => {
            ui.label(RichText::new(tr(lang, "已播报", "Spoken")).color(theme::PAID));
        }
        Some(Err(why)) => {
            ui.label(RichText::new(why).color(theme::FAILED));
        }
        None => {}
    }
    action
}

/// Monitors offered for the customer's screen (a till has two, now and then three).
const MONITORS_OFFERED: usize = 3;
