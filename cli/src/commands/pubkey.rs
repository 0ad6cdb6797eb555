use super::{Output, Result};
use joule_sdk::Pubkey;

/// `joule pubkey <KEYPAIR_FILE>`: the public key of a Solana CLI keypair
/// file (a JSON array of 64 bytes: secret key then public key).
#[derive(clap::Args, Clone, Debug)]
pub struct PubkeyArgs {
    keypair: std::path::PathBuf,
}

impl PubkeyArgs {
    pub fn run(self, output: Output) -> Result {
        let text = std::fs::read_to_string(&self.keypair)
            .map_err(|e| format!("{}: {e}", self.keypair.display()))?;
        let bytes: Vec<u8> = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: not a Solana CLI keypair file: {e}",
                self.keypair.display()
            )
        })?;
        if bytes.len() != 64 {
            return Err(format!(
                "{}: a keypair file holds 64 bytes, found {}",
                self.keypair.display(),
                bytes.len()
            ));
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes[32..]);
        let pubkey = Pubkey::new_from_array(key);
        match output {
            Output::Text => println!("{pubkey}"),
            Output::Json => println!("{}", serde_json::json!({ "pubkey": pubkey.to_string() })),
        }
        Ok(())
    }
}
