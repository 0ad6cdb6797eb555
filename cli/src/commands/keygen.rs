use super::{Output, Result};
use joule_client::{Keypair, Signer};

/// `joule keygen <OUTFILE>`: a new keypair in a Solana CLI keypair file
/// (never overwrites an existing file).
#[derive(clap::Args, Clone, Debug)]
pub struct KeygenArgs {
    outfile: std::path::PathBuf,
}

impl KeygenArgs {
    pub fn run(self, output: Output) -> Result {
        let keypair = Keypair::new();
        if let Some(dir) = self.outfile.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        crate::cluster::parse::write_keypair(&self.outfile, &keypair).map_err(|e| e.to_string())?;
        match output {
            Output::Text => println!("{} written to {}", keypair.pubkey(), self.outfile.display()),
            Output::Json => println!(
                "{}",
                serde_json::json!({ "pubkey": keypair.pubkey().to_string(), "path": self.outfile.display().to_string() })
            ),
        }
        Ok(())
    }
}
