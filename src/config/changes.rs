//! What a save of the settings changes, field by field, for the audit trail: `old → new` for
//! where the money goes (the gateway, merchant, till id, store, methods, printer, shop), "changed"
//! for a key, never its value, and a URL's password masked.

use super::{Config, GatewayConfig};
use crate::masking::url_without_password;

/// The changes from `old` to `new`, one line each; none when nothing changed.
#[must_use]
pub fn changes(old: &Config, new: &Config) -> Vec<String> {
    let mut lines = Vec::new();
    let field = |lines: &mut Vec<String>, name: &str, before: String, after: String| {
        if before != after {
            lines.push(format!("{name}: {before} → {after}"));
        }
    };
    let merchant = |gateway: Option<&GatewayConfig>| {
        gateway.map_or_else(
            || "sandbox".to_owned(),
            |g| format!("{} {}", g.provider.id(), g.merchant_id),
        )
    };
    field(
        &mut lines,
        "gateway",
        merchant(old.gateway.as_ref()),
        merchant(new.gateway.as_ref()),
    );
    if let (Some(before), Some(after)) = (&old.gateway, &new.gateway) {
        field(
            &mut lines,
            "gateway.base_url",
            url_without_password(&before.base_url),
            url_without_password(&after.base_url),
        );
        if before.key.expose() != after.key.expose() {
            lines.push("gateway.key: changed".to_owned());
        }
    }
    field(
        &mut lines,
        "till.id",
        old.till.id.clone(),
        new.till.id.clone(),
    );
    let methods = |config: &Config| {
        config
            .till
            .methods
            .as_ref()
            .map_or_else(|| "all".to_owned(), |methods| methods.join(","))
    };
    field(&mut lines, "till.methods", methods(old), methods(new));
    field(
        &mut lines,
        "till.blind_close",
        old.till.blind_close.to_string(),
        new.till.blind_close.to_string(),
    );
    let store = |config: &Config| {
        config.store.as_ref().map_or_else(
            || "none".to_owned(),
            |store| url_without_password(store.url.expose()),
        )
    };
    field(&mut lines, "store.url", store(old), store(new));
    let printer = |config: &Config| {
        config
            .printer
            .as_ref()
            .map_or_else(|| "none".to_owned(), |printer| printer.address.clone())
    };
    field(&mut lines, "printer", printer(old), printer(new));
    let customer_screen =
        |config: &Config| match (config.customer_screen.on, config.customer_screen.monitor) {
            (false, _) => "off".to_owned(),
            (true, None) => "window".to_owned(),
            (true, Some(monitor)) => format!("monitor {monitor}"),
        };
    let voice = |config: &Config| {
        if config.voice.on {
            format!("on {}", config.voice.volume)
        } else {
            "off".to_owned()
        }
    };
    field(&mut lines, "voice", voice(old), voice(new));
    field(
        &mut lines,
        "customer_screen",
        customer_screen(old),
        customer_screen(new),
    );
    field(
        &mut lines,
        "shop.name",
        old.shop.name.clone(),
        new.shop.name.clone(),
    );
    match (old.owner_pin_hash(), new.owner_pin_hash()) {
        (None, Some(_)) => lines.push("owner PIN: set".to_owned()),
        (Some(_), None) => lines.push("owner PIN: removed".to_owned()),
        (Some(before), Some(after)) if before != after => {
            lines.push("owner PIN: changed".to_owned());
        }
        _ => {}
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::Provider;

    #[test]
    fn a_save_is_described_field_by_field_without_secrets() {
        let old = Config::default();
        let mut new = old.clone();
        let mut merchant = GatewayConfig::sandbox(Provider::Qht, "https://u:pw-1@pay.example.com");
        merchant.merchant_id = "M42".into();
        merchant.key = crate::secret::Secret::new("key-secret-1");
        new.gateway = Some(merchant.clone());
        new.till.id = "K2".into();
        new.store = Some(crate::store::StoreConfig {
            url: crate::secret::Secret::new("postgres://till:pg-9@db/shop"),
        });
        let lines = changes(&old, &new);
        assert!(
            lines.contains(&"gateway: sandbox → qht M42".to_owned()),
            "{lines:?}"
        );
        assert!(lines.contains(&"till.id: T01 → K2".to_owned()), "{lines:?}");
        assert!(
            lines.contains(&"store.url: none → postgres://till:******@db/shop".to_owned()),
            "{lines:?}"
        );
        let text = lines.join("\n");
        for secret in ["pw-1", "key-secret-1", "pg-9"] {
            assert!(!text.contains(secret), "{text}");
        }
        let mut rekeyed = new.clone();
        if let Some(gateway) = &mut rekeyed.gateway {
            gateway.key = crate::secret::Secret::new("key-secret-2");
        }
        assert_eq!(changes(&new, &rekeyed), ["gateway.key: changed"]);
        assert!(changes(&new, &new).is_empty());
    }
}
