//! The Solana CLI's config file (`~/.config/solana/cli/config.yml`), read
//! the way `solana` reads it: `json_rpc_url`, `websocket_url`,
//! `keypair_path` and `commitment` at the top level of a YAML mapping.

use super::{input, CliResult};
use std::path::{Path, PathBuf};

/// The URL when neither a flag nor a config file names one (`solana`'s
/// default: mainnet-beta; a localnet developer sets `-u localhost`).
pub const DEFAULT_URL: &str = "https://api.mainnet-beta.solana.com";

/// What the config file says (absent keys stay `None`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SolanaConfig {
    pub json_rpc_url: Option<String>,
    pub websocket_url: Option<String>,
    pub keypair_path: Option<String>,
    pub commitment: Option<String>,
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `~/.config/solana/cli/config.yml`.
pub fn default_config_path() -> PathBuf {
    home().join(".config/solana/cli/config.yml")
}

/// `~/.config/solana/id.json`.
pub fn default_keypair_path() -> PathBuf {
    home().join(".config/solana/id.json")
}

/// Reads `path`, or the default file if `path` is `None` (a missing
/// default file means defaults; a missing named file is an error).
pub fn load(path: Option<&Path>) -> CliResult<SolanaConfig> {
    let (path, named) = match path {
        Some(p) => (p.to_path_buf(), true),
        None => (default_config_path(), false),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text).or_else(|e| input(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => Ok(SolanaConfig::default()),
        Err(e) => input(format!("config file {}: {e}", path.display())),
    }
}

/// Parses the top-level scalar keys of the YAML the Solana CLI writes
/// (nested mappings such as `address_labels` are skipped).
pub fn parse(text: &str) -> Result<SolanaConfig, String> {
    let mut c = SolanaConfig::default();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_end();
        if trimmed.is_empty()
            || trimmed.starts_with('#')
            || trimmed == "---"
            || line.starts_with(' ')
            || line.starts_with('\t')
            || line.starts_with('-')
        {
            continue;
        }
        let Some((key, value)) = trimmed
            .split_once(':')
            .filter(|(k, _)| !k.trim().is_empty() && !k.trim().contains(char::is_whitespace))
        else {
            return Err(format!("line {}: expected `key: value`", n + 1));
        };
        let value = unquote(value.trim());
        let slot = match key.trim() {
            "json_rpc_url" => &mut c.json_rpc_url,
            "websocket_url" => &mut c.websocket_url,
            "keypair_path" => &mut c.keypair_path,
            "commitment" => &mut c.commitment,
            _ => continue,
        };
        if !value.is_empty() {
            *slot = Some(value);
        }
    }
    Ok(c)
}

fn unquote(v: &str) -> String {
    let v = match v.find(" #") {
        Some(i) if !v.starts_with('"') && !v.starts_with('\'') => v[..i].trim_end(),
        _ => v,
    };
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.to_string();
        }
    }
    v.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_file_solana_config_set_writes() {
        let text = "---\njson_rpc_url: \"http://127.0.0.1:8899\"\nwebsocket_url: \"\"\nkeypair_path: /home/me/.config/solana/id.json\naddress_labels:\n  \"11111111111111111111111111111111\": System Program\ncommitment: confirmed\n";
        let c = parse(text).unwrap_or_default();
        assert_eq!(c.json_rpc_url.as_deref(), Some("http://127.0.0.1:8899"));
        assert_eq!(c.websocket_url, None);
        assert_eq!(
            c.keypair_path.as_deref(),
            Some("/home/me/.config/solana/id.json")
        );
        assert_eq!(c.commitment.as_deref(), Some("confirmed"));
        assert!(parse("json_rpc_url http://x\n").is_err());
    }
}
