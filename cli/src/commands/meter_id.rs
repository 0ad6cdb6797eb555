use super::{Output, Result};
use joule_sdk::registry;

/// `joule meter-id <SERIAL>`: the id a utility serial maps to.
#[derive(clap::Args, Clone, Debug)]
pub struct MeterIdArgs {
    /// The utility's meter serial (case, spaces and dashes do not matter).
    serial: String,
}

impl MeterIdArgs {
    pub fn run(self, output: Output) -> Result {
        if registry::normalize_serial(&self.serial).is_empty() {
            return Err(format!("serial '{}' is empty once normalised", self.serial));
        }
        let id = registry::meter_id_from_serial(&self.serial);
        let (meter, bump) = registry::meter_address(&id);
        let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
        match output {
            Output::Text => {
                println!("serial     {}", registry::normalize_serial(&self.serial));
                println!("meter id   {hex}");
                println!("meter PDA  {meter} (bump {bump})");
            }
            Output::Json => println!(
                "{}",
                serde_json::json!({
                    "serial": registry::normalize_serial(&self.serial),
                    "meter_id": hex,
                    "meter": meter.to_string(),
                    "bump": bump,
                })
            ),
        }
        Ok(())
    }
}
