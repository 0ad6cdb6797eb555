use super::{Output, Result};
use joule_sdk::{certificates, market, registry};

/// `joule addresses`: program ids and the fixed PDAs.
#[derive(clap::Args, Clone, Debug)]
pub struct AddressesArgs {}

impl AddressesArgs {
    pub fn run(self, output: Output) -> Result {
        let rows = [
            ("registry program", registry::ID.to_string()),
            ("market program", market::ID.to_string()),
            ("certificates program", certificates::ID.to_string()),
            ("registry config", registry::config_address().to_string()),
            ("energy mint", registry::energy_mint_address().to_string()),
            (
                "certifier authority",
                registry::certifier_address().0.to_string(),
            ),
        ];
        match output {
            Output::Text => rows.iter().for_each(|(k, v)| println!("{k:<22} {v}")),
            Output::Json => {
                let map: serde_json::Map<String, serde_json::Value> = rows
                    .iter()
                    .map(|(k, v)| (k.replace(' ', "_"), serde_json::json!(v)))
                    .collect();
                println!("{}", serde_json::Value::Object(map));
            }
        }
        Ok(())
    }
}
