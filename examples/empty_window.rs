//! An empty eframe window with the same options as the cashier's: the baseline the cashier's
//! start-up time and memory are compared with (`cargo run --release --example empty_window`).

fn main() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("empty")
            .with_inner_size([1100.0, 720.0]),
        ..eframe::NativeOptions::default()
    };
    eframe::run_ui_native("empty", options, |ui, _frame| {
        egui::CentralPanel::default().show(ui, |ui| ui.label("empty"));
    })
}
