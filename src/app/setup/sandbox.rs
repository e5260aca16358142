//! The sandbox gateway a till with no merchant runs on: this process's, one started here on the
//! sandbox port, or the one another process of this till already runs there.

use super::{Paths, Resources, SetupError};
use crate::sandbox::{Sandbox, SandboxConfig};

/// The sandbox's base URL: the one this process already runs, else one started here on the
/// sandbox port with its orders kept in the data directory, else the one another process
/// (`cashier sandbox`) already runs there.
pub(super) async fn sandbox_gateway(
    paths: &Paths,
    resources: &mut Resources,
) -> Result<String, SetupError> {
    if let Some(sandbox) = &resources.sandbox {
        return Ok(sandbox.base_url());
    }
    let port = paths.sandbox_port;
    let config = SandboxConfig {
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        state_file: Some(paths.sandbox_state_file()),
        ..SandboxConfig::default()
    };
    match Sandbox::start(config.clone()).await {
        Ok(sandbox) => {
            let base_url = sandbox.base_url();
            resources.sandbox = Some(sandbox);
            Ok(base_url)
        }
        Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
            let base_url = format!("http://127.0.0.1:{port}");
            let ours = crate::sandbox::health_text(Some(&paths.sandbox_state_file()));
            match sandbox_health(&base_url).await {
                // `cashier sandbox` in a terminal, or this data directory's window: shared.
                Some(health) if health == crate::sandbox::HEALTH_TEXT || health == ours => {
                    Ok(base_url)
                }
                // Another till's window (another data directory): its sandbox goes when it
                // closes, and its orders are not this till's. This till runs its own.
                Some(_) => {
                    let sandbox = Sandbox::start(SandboxConfig {
                        listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
                        ..config
                    })
                    .await
                    .map_err(|error| SetupError::Sandbox(error.to_string()))?;
                    let base_url = sandbox.base_url();
                    tracing::info!(%base_url, "port {port} holds another till's sandbox: started this till's own");
                    resources.sandbox = Some(sandbox);
                    Ok(base_url)
                }
                None => Err(SetupError::Sandbox(format!(
                    "端口 {port} 已被其他程序占用 (port {port} is taken by another program)"
                ))),
            }
        }
        Err(error) => Err(SetupError::Sandbox(error.to_string())),
    }
}

/// What a cashier sandbox at `base_url` says of itself ([`crate::sandbox::health_text`]), or
/// `None` when what answers there is no cashier sandbox.
async fn sandbox_health(base_url: &str) -> Option<String> {
    let Ok(client) = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(2))
        .build()
    else {
        return None;
    };
    match client
        .get(format!("{base_url}/sandbox/health"))
        .send()
        .await
    {
        Ok(response) => response
            .text()
            .await
            .ok()
            .filter(|body| body.starts_with(crate::sandbox::HEALTH_TEXT)),
        Err(_) => None,
    }
}
