use super::{Output, Result};

/// `joule demo`: prosumers and consumers on an embedded chain.
#[derive(clap::Args, Clone, Debug)]
pub struct DemoArgs {}

impl DemoArgs {
    pub fn run(self, output: Output) -> Result {
        let mut text = Vec::new();
        let report = crate::demo::run(&mut text).map_err(|e| e.to_string())?;
        if !report.invariants_hold {
            print!("{}", String::from_utf8_lossy(&text));
            return Err("an invariant did not hold (see above)".into());
        }
        match output {
            Output::Text => print!("{}", String::from_utf8_lossy(&text)),
            Output::Json => println!(
                "{}",
                serde_json::json!({
                    "minted_wh": report.minted_wh,
                    "redeemed_wh": report.redeemed_wh,
                    "readings_applied": report.readings_applied,
                    "readings_skipped": report.readings_skipped,
                    "readings_per_legacy_tx": report.readings_per_legacy_tx,
                    "readings_per_v0_tx": report.readings_per_v0_tx,
                    "transactions": report.transactions,
                    "clearing_price": report.clearing_price,
                    "volume_wh": report.volume_wh,
                    "retired_wh": report.retired_wh,
                    "invariants_hold": report.invariants_hold,
                })
            ),
        }
        Ok(())
    }
}
