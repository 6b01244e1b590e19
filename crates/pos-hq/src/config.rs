//! Configuration: a TOML file, then environment overrides (`PHARMAPOS_HQ_LISTEN`,
//! `PHARMAPOS_HQ_DATABASE_URL`), so a service unit can keep secrets out of the file.
//!
//! ```toml
//! listen = "127.0.0.1:8080"
//! database_url = "host=/var/run/postgresql user=pharmapos dbname=pharmapos_hq"
//! ```
//!
//! TLS is not terminated by this binary (see README: nginx or caddy in front). `tls_cert` /
//! `tls_key` are read so a config that asks for TLS is refused loudly instead of silently served
//! in clear text.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
}

/// What the server runs with after the file and the environment are merged.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: String,
    pub database_url: String,
}

impl Config {
    pub fn from_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("bad config {}", path.display()))
    }

    /// Applies the environment overrides.
    pub fn with_env(mut self, env: impl Fn(&str) -> Option<String>) -> Config {
        if let Some(v) = env("PHARMAPOS_HQ_LISTEN") {
            self.listen = Some(v);
        }
        if let Some(v) = env("PHARMAPOS_HQ_DATABASE_URL") {
            self.database_url = Some(v);
        }
        self
    }

    pub fn settings(&self) -> Result<Settings> {
        if self.tls_cert.is_some() || self.tls_key.is_some() {
            bail!(
                "tls_cert/tls_key are set, but pharmapos-hq does not terminate TLS itself: \
                 listen on 127.0.0.1 and put nginx or caddy in front (crates/pos-hq/README.md)"
            );
        }
        let database_url = self.database_url.clone().context(
            "no database: set database_url in the config file or PHARMAPOS_HQ_DATABASE_URL",
        )?;
        Ok(Settings {
            listen: self
                .listen
                .clone()
                .unwrap_or_else(|| DEFAULT_LISTEN.to_string()),
            database_url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_overrides_the_file() {
        let c: Config = toml::from_str("listen = \"0.0.0.0:1\"\ndatabase_url = \"a\"").unwrap();
        let c = c.with_env(|k| (k == "PHARMAPOS_HQ_DATABASE_URL").then(|| "b".to_string()));
        let s = c.settings().unwrap();
        assert_eq!(s.listen, "0.0.0.0:1");
        assert_eq!(s.database_url, "b");
    }

    #[test]
    fn asking_for_tls_is_refused() {
        let c: Config = toml::from_str("database_url = \"a\"\ntls_cert = \"c.pem\"").unwrap();
        assert!(c.settings().is_err());
    }
}
