//! `joule reading submit`: the oracle's cumulative register readings,
//! from arguments or a CSV file.
//!
//! CSV columns (a header row is required, in this order):
//! `serial,timestamp,export_kwh,import_kwh` — the utility serial (or the
//! meter's address), unix seconds or RFC 3339 UTC, and the two cumulative
//! registers in exact kWh (at most 3 decimals).

use super::meter::{load_config, load_meter};
use super::{input, landed_json, parse, CliError, CliResult, Ctx, Out};
use joule_client::flows::registry::{self as flow, ReadingOutcome};
use joule_client::Signer;
use joule_sdk::registry::{MeterStatus, Reading};
use joule_sdk::Pubkey;
use serde_json::json;
use std::path::PathBuf;

#[derive(clap::Subcommand, Clone, Debug)]
pub enum ReadingCommand {
    /// Submit readings as an oracle: one from the flags, or every row of
    /// `--file`.
    Submit(SubmitArgs),
}

#[derive(clap::Args, Clone, Debug)]
pub struct SubmitArgs {
    /// The meter (serial or address) for a single reading.
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    pub meter: Option<String>,
    /// When the registers were read (unix seconds or RFC 3339).
    #[arg(long, requires = "meter")]
    pub at: Option<String>,
    /// The cumulative export register, kWh.
    #[arg(long = "export", requires = "meter")]
    pub export_kwh: Option<String>,
    /// The cumulative import register, kWh.
    #[arg(long = "import", requires = "meter")]
    pub import_kwh: Option<String>,
    /// A CSV file of readings (`serial,timestamp,export_kwh,import_kwh`).
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Send v0 transactions through an address lookup table of the meters
    /// (created by the oracle unless --lookup-table names one of its own).
    #[arg(long)]
    pub v0: bool,
    /// An existing lookup table to use (and extend) with --v0.
    #[arg(long = "lookup-table", requires = "v0")]
    pub lookup_table: Option<String>,
}

/// One parsed row: what the user wrote for the meter, and the reading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub meter: String,
    pub reading: Reading,
}

fn reading(line: &str, at: &str, export: &str, import: &str) -> CliResult<Reading> {
    let ctx = |e: CliError| CliError::Input(format!("{line}{e}"));
    Ok(Reading {
        timestamp: parse::timestamp("timestamp", at).map_err(ctx)?,
        export_register_wh: parse::kwh("export", export).map_err(ctx)?,
        import_register_wh: parse::kwh("import", import).map_err(ctx)?,
    })
}

/// Parses a readings CSV file (see the module docs).
pub fn parse_csv(text: &str) -> CliResult<Vec<Row>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut header = true;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if header {
            let want = ["serial", "timestamp", "export_kwh", "import_kwh"];
            if cells
                .iter()
                .map(|c| c.to_ascii_lowercase())
                .ne(want.iter().map(|w| w.to_string()))
            {
                return input(format!(
                    "line {}: the header must be `{}`",
                    n + 1,
                    want.join(",")
                ));
            }
            header = false;
            continue;
        }
        if cells.len() != 4 {
            return input(format!(
                "line {}: expected 4 columns, found {}",
                n + 1,
                cells.len()
            ));
        }
        rows.push(Row {
            meter: cells[0].to_string(),
            reading: reading(&format!("line {}: ", n + 1), cells[1], cells[2], cells[3])?,
        });
    }
    if header {
        return input("the file has no header row");
    }
    if rows.is_empty() {
        return input("the file holds no readings");
    }
    Ok(rows)
}

pub async fn run(command: &ReadingCommand, ctx: &Ctx<'_>) -> CliResult<Out> {
    let ReadingCommand::Submit(a) = command;
    let rows = match (&a.file, &a.meter) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
            parse_csv(&text).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?
        }
        (None, Some(meter)) => {
            let (Some(at), Some(export), Some(import)) = (&a.at, &a.export_kwh, &a.import_kwh)
            else {
                return input("a single reading needs --at, --export and --import");
            };
            vec![Row {
                meter: meter.clone(),
                reading: reading("", at, export, import)?,
            }]
        }
        (None, None) => return input("name a meter or pass --file"),
    };
    let table = a
        .lookup_table
        .as_deref()
        .map(|t| parse::pubkey("lookup table", t))
        .transpose()?;

    let config = load_config(ctx).await?;
    let oracle = ctx.signer()?;
    if !config.oracles().contains(&oracle.pubkey()) {
        return input(format!(
            "the keypair {} is not in the registry's oracle set",
            oracle.pubkey()
        ));
    }
    let mut pairs: Vec<(Pubkey, Reading)> = Vec::with_capacity(rows.len());
    for row in &rows {
        let (key, m) = load_meter(ctx, &row.meter).await?;
        if m.status != MeterStatus::Active as u8 {
            return input(format!(
                "meter {} ({key}) is {}; readings are only taken for active meters",
                row.meter,
                super::meter::status_name(m.status)
            ));
        }
        pairs.push((key, row.reading));
    }
    let flow = async {
        if a.v0 {
            flow::submit_readings_v0(ctx.chain, &ctx.sender, &oracle, table.as_ref(), &pairs).await
        } else {
            flow::submit_readings(ctx.chain, &ctx.sender, &oracle, &pairs).await
        }
    };
    ctx.write(flow, |r| {
        let applied = r.applied();
        let skipped = r.skipped();
        let outcomes: Vec<_> = pairs
            .iter()
            .zip(&r.outcomes)
            .map(|((k, rd), o)| {
                json!({
                    "meter": k.to_string(),
                    "timestamp": rd.timestamp,
                    "outcome": if *o == ReadingOutcome::Applied { "applied" } else { "skipped" },
                })
            })
            .collect();
        let txs: Vec<_> = r
            .transactions
            .iter()
            .map(|t| {
                let mut v = landed_json(&t.landed);
                v["readings"] = json!(t.readings);
                v["bytes"] = json!(t.size);
                v
            })
            .collect();
        let mut text = format!(
            "{applied} reading(s) applied, {skipped} skipped (stale or duplicate) in {} transaction(s)\n",
            r.transactions.len()
        );
        if let Some(t) = r.lookup_table {
            text.push_str(&format!("  lookup table {t}\n"));
        }
        for t in &r.transactions {
            text.push_str(&format!(
                "  {} readings, {} bytes, {} CU  {}\n",
                t.readings, t.size, t.landed.simulated_units, t.landed.signature
            ));
        }
        Out::new(
            json!({
                "applied": applied,
                "skipped": skipped,
                "lookup_table": r.lookup_table.map(|t| t.to_string()),
                "readings": outcomes,
                "transactions": txs,
            }),
            text,
        )
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_parse_exactly_and_errors_name_the_line() {
        let rows = parse_csv("\u{feff}serial,timestamp,export_kwh,import_kwh\nSN-1, 1000 ,1.5,0.25\n\n# note\nSN-2,1970-01-01T00:16:40Z,2,0\n")
            .unwrap_or_default();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].reading.export_register_wh, 1_500);
        assert_eq!(rows[1].reading.timestamp, 1_000);
        let err = |t: &str| {
            parse_csv(t)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(err("serial,timestamp,export_kwh,import_kwh\nSN,1,1.2345,0\n").contains("line 2"));
        assert!(err("serial,timestamp,export_kwh,import_kwh\nSN,1,-1,0\n").contains("negative"));
        assert!(err("serial,timestamp,export_kwh,import_kwh\nSN,1,1\n").contains("4 columns"));
        assert!(err("meter,ts\n").contains("header"));
        assert!(err("serial,timestamp,export_kwh,import_kwh\n").contains("no readings"));
    }
}
