//! Which renderer draws the window. OpenGL 2 or later through glow, by default: the lightest, and
//! what start-up and idle CPU are measured against. A PC on the basic display driver, in a VM or
//! over Remote Desktop may have only OpenGL 1.1, and glow then opens no window ("Found no glutin
//! configs"): the counter would stay blank. The software renderer is wgpu on an adapter that needs
//! no GPU driver — Direct3D 12's WARP on Windows 10 and later, Mesa's lavapipe (Vulkan) on Linux —
//! or, failing one, whatever adapter wgpu finds. `cli::window` falls back to it when glow fails;
//! `--renderer software` asks for it outright.

use std::sync::Arc;

use eframe::egui_wgpu::{WgpuConfiguration, WgpuSetup, WgpuSetupCreateNew};
use eframe::wgpu;

/// How the window is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Drawing {
    /// OpenGL 2+ (glow), the graphics driver's.
    #[default]
    Gpu,
    /// wgpu on a CPU adapter: no graphics driver needed.
    Software,
}

/// Sets `options` to draw as `drawing` says.
pub(super) fn apply(drawing: Drawing, options: &mut eframe::NativeOptions) {
    match drawing {
        Drawing::Gpu => options.renderer = eframe::Renderer::Glow,
        Drawing::Software => {
            options.renderer = eframe::Renderer::Wgpu;
            let mut setup = WgpuSetupCreateNew::without_display_handle();
            setup.instance_descriptor.backends = wgpu::Backends::all();
            setup.power_preference = wgpu::PowerPreference::LowPower;
            setup.native_adapter_selector = Some(Arc::new(software_adapter));
            options.wgpu_options = WgpuConfiguration {
                wgpu_setup: WgpuSetup::CreateNew(setup),
                ..WgpuConfiguration::default()
            };
        }
    }
}

/// A CPU adapter that can draw to the window, else any that can.
fn software_adapter(
    adapters: &[wgpu::Adapter],
    surface: Option<&wgpu::Surface<'_>>,
) -> Result<wgpu::Adapter, String> {
    let draws = |adapter: &&wgpu::Adapter| surface.is_none_or(|s| adapter.is_surface_supported(s));
    let cpu = |adapter: &&wgpu::Adapter| adapter.get_info().device_type == wgpu::DeviceType::Cpu;
    let chosen = adapters
        .iter()
        .filter(draws)
        .find(cpu)
        .or_else(|| adapters.iter().find(draws))
        .cloned()
        .ok_or_else(|| "no adapter can draw to the window".to_owned())?;
    let info = chosen.get_info();
    tracing::info!(adapter = %info.name, backend = ?info.backend, kind = ?info.device_type, "software renderer");
    Ok(chosen)
}
