//! One PostgreSQL role per till (`cashier store add-till`): made by the store's owner with the
//! admin URL, bound to its till id in `till_roles`, given only what a till does (read the store's
//! day; insert and update its own orders and claims; row-level security holds it to its till:
//! `schema.rs`), with a fresh password. What is returned is the URL that till puts in its settings.

use super::{Store, StoreConfig, StoreError};
use crate::secret::Secret;

/// A till's role, as made.
#[derive(Debug)]
pub struct TillRole {
    /// The till id it is bound to.
    pub till_id: String,
    /// The role's name.
    pub role: String,
    /// The URL the till connects with (its role and password, the admin URL's host, database and
    /// options).
    pub url: Secret,
}

/// The role name for `till_id` (1–8 letters or digits: a safe identifier once lowercased).
fn role_name(till_id: &str) -> Option<String> {
    let valid = !till_id.is_empty()
        && till_id.len() <= 8
        && till_id.bytes().all(|b| b.is_ascii_alphanumeric());
    valid.then(|| format!("cashier_till_{}", till_id.to_ascii_lowercase()))
}

/// `admin_url` (a `postgres://` URL) with its user and password replaced.
fn url_for(admin_url: &str, role: &str, password: &str) -> Option<String> {
    let (scheme, rest) = admin_url.split_once("://")?;
    if !scheme.starts_with("postgres") {
        return None;
    }
    let host_and_rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    Some(format!("{scheme}://{role}:{password}@{host_and_rest}"))
}

/// Makes (or, run again, gives a fresh password to) the role of `till_id` in the store `admin`
/// reaches, which must be its owner's.
pub async fn add_till(admin: &StoreConfig, till_id: &str) -> Result<TillRole, StoreError> {
    let role = role_name(till_id).ok_or(StoreError::Url)?;
    let password = uuid::Uuid::new_v4().simple().to_string();
    let url = url_for(admin.url.expose(), &role, &password).ok_or(StoreError::Url)?;
    let store = Store::connect(admin).await?;
    let client = store.client().await?;
    let exists = client
        .query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&role])
        .await?
        .is_some();
    let verb = if exists { "ALTER" } else { "CREATE" };
    // The name is made of checked letters and digits, the password of hex: neither needs
    // quoting beyond this (DDL takes no bind parameters).
    client
        .batch_execute(&format!(
            "{verb} ROLE {role} LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB NOCREATEROLE \
             NOBYPASSRLS;
             GRANT USAGE ON SCHEMA public TO {role};
             GRANT SELECT, INSERT, UPDATE ON orders, tills, till_claims_refused TO {role};
             GRANT SELECT, INSERT ON audit, refunds TO {role};
             GRANT SELECT ON paid_by_hour, store_schema, till_roles TO {role};"
        ))
        .await?;
    client
        .execute(
            "INSERT INTO till_roles (role_name, till_id) VALUES ($1, $2)
             ON CONFLICT (role_name) DO UPDATE SET till_id = EXCLUDED.till_id",
            &[&role, &till_id],
        )
        .await?;
    tracing::info!(%role, till = %till_id, "till role made or given a new password");
    Ok(TillRole {
        till_id: till_id.to_owned(),
        role,
        url: Secret::new(url),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_till_url_keeps_the_admin_urls_host_database_and_options() {
        assert_eq!(
            url_for(
                "postgres://owner:pw@10.0.0.5:5432/shop?sslmode=require",
                "r",
                "x"
            )
            .as_deref(),
            Some("postgres://r:x@10.0.0.5:5432/shop?sslmode=require")
        );
        assert_eq!(
            url_for("postgresql://10.0.0.5/shop", "r", "x").as_deref(),
            Some("postgresql://r:x@10.0.0.5/shop")
        );
        assert_eq!(url_for("host=h dbname=shop", "r", "x"), None);
        assert_eq!(role_name("K1").as_deref(), Some("cashier_till_k1"));
        assert_eq!(role_name("K1; DROP"), None);
        assert_eq!(role_name(""), None);
    }
}
