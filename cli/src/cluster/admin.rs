//! `joule admin propose|accept|oracles|pause`.

use super::meter::{admin_signer, load_config};
use super::{input, landed_json, parse, CliError, CliResult, Ctx, Out};
use joule_client::flows::{self, admin as flow, registry as reg_flow};
use joule_client::Signer;
use joule_sdk::{certificates as cert, registry as reg, Pubkey};
use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgramArg {
    /// The registry admin (who also administers markets).
    Registry,
    /// The certificates authority.
    Certificates,
}

impl From<ProgramArg> for flow::Program {
    fn from(p: ProgramArg) -> Self {
        match p {
            ProgramArg::Registry => flow::Program::Registry,
            ProgramArg::Certificates => flow::Program::Certificates,
        }
    }
}

#[derive(clap::Subcommand, Clone, Debug)]
pub enum AdminCommand {
    /// Propose a new registry admin or certificates authority (current
    /// authority signs).
    Propose {
        new_authority: String,
        #[arg(long, value_enum, default_value_t = ProgramArg::Registry)]
        program: ProgramArg,
    },
    /// Accept a proposed hand-over (the proposed authority signs).
    Accept {
        #[arg(long, value_enum, default_value_t = ProgramArg::Registry)]
        program: ProgramArg,
    },
    /// Add or remove registry oracles (registry admin).
    Oracles {
        #[arg(long)]
        add: Vec<String>,
        #[arg(long)]
        remove: Vec<String>,
    },
    /// Pause parts of a program, or resume them with `--flags none`.
    /// Registry flags: registry, market, certificates, all. Certificates
    /// flags: issue, transfer, retire, all.
    Pause {
        #[arg(long, value_enum, default_value_t = ProgramArg::Registry)]
        program: ProgramArg,
        /// Comma-separated flags, `all`, or `none`.
        #[arg(long)]
        flags: String,
    },
}

/// Pause flag names → bits, per program.
pub fn pause_flags(program: ProgramArg, s: &str) -> CliResult<u8> {
    let names: &[(&str, u8)] = match program {
        ProgramArg::Registry => &[
            ("registry", reg::PAUSE_REGISTRY),
            ("market", reg::PAUSE_MARKET),
            ("certificates", reg::PAUSE_CERTIFICATES),
            ("all", reg::PAUSE_ALL),
        ],
        ProgramArg::Certificates => &[
            ("issue", cert::PAUSE_ISSUE),
            ("transfer", cert::PAUSE_TRANSFER),
            ("retire", cert::PAUSE_RETIRE),
            ("all", cert::PAUSE_ALL),
        ],
    };
    if s.trim() == "none" {
        return Ok(0);
    }
    let mut flags = 0u8;
    for part in s.split(',').map(str::trim) {
        let bit = names
            .iter()
            .find(|(n, _)| *n == part)
            .map(|(_, b)| *b)
            .ok_or_else(|| {
                CliError::Input(format!(
                    "pause flag '{part}' is not one of {}, or none",
                    names.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                ))
            })?;
        flags |= bit;
    }
    Ok(flags)
}

/// The current and pending authority of `program`.
async fn authorities(ctx: &Ctx<'_>, program: ProgramArg) -> CliResult<(Pubkey, Pubkey)> {
    match program {
        ProgramArg::Registry => {
            let c = load_config(ctx).await?;
            Ok((c.admin, c.pending_admin))
        }
        ProgramArg::Certificates => {
            let key = cert::config_address();
            let Some(a) = flows::account(ctx.chain, &ctx.sender, &key).await? else {
                return input("the certificates program is not initialised on this cluster");
            };
            let c = cert::decode_config(&a.data)
                .ok_or_else(|| CliError::Input(format!("{key} is not the certificates config")))?;
            Ok((c.authority, c.pending_authority))
        }
    }
}

fn role(program: ProgramArg) -> &'static str {
    match program {
        ProgramArg::Registry => "registry admin",
        ProgramArg::Certificates => "certificates authority",
    }
}

pub async fn run(command: &AdminCommand, ctx: &Ctx<'_>) -> CliResult<Out> {
    match command {
        AdminCommand::Propose {
            new_authority,
            program,
        } => {
            let new = parse::pubkey("new authority", new_authority)?;
            let (current, _) = authorities(ctx, *program).await?;
            let signer = ctx.signer()?;
            parse::require_signer(&signer, &current, role(*program))?;
            ctx.write(
                flow::propose(ctx.chain, &ctx.sender, (*program).into(), &signer, &new),
                |l| {
                    Out::new(
                        json!({ "program": format!("{program:?}").to_lowercase(), "pending": new.to_string(), "transaction": landed_json(&l) }),
                        format!("proposed {new} as the {}; they run `joule admin accept`", role(*program)),
                    )
                },
            )
            .await
        }
        AdminCommand::Accept { program } => {
            let (_, pending) = authorities(ctx, *program).await?;
            let signer = ctx.signer()?;
            if pending != signer.pubkey() {
                return input(format!(
                    "{} is not the proposed {} (proposed: {pending})",
                    signer.pubkey(),
                    role(*program)
                ));
            }
            ctx.write(flow::accept(ctx.chain, &ctx.sender, (*program).into(), &signer), |l| {
                Out::new(
                    json!({ "program": format!("{program:?}").to_lowercase(), "authority": signer.pubkey().to_string(), "transaction": landed_json(&l) }),
                    format!("{} is now the {}", signer.pubkey(), role(*program)),
                )
            })
            .await
        }
        AdminCommand::Oracles { add, remove } => {
            if add.is_empty() && remove.is_empty() {
                return input("name oracles to --add or --remove");
            }
            let add: Vec<Pubkey> = add
                .iter()
                .map(|a| parse::pubkey("add", a))
                .collect::<Result<_, _>>()?;
            let remove: Vec<Pubkey> = remove
                .iter()
                .map(|a| parse::pubkey("remove", a))
                .collect::<Result<_, _>>()?;
            let config = load_config(ctx).await?;
            let admin = admin_signer(ctx).await?;
            for r in &remove {
                if !config.oracles().contains(r) {
                    return input(format!("{r} is not an oracle"));
                }
            }
            ctx.write(
                reg_flow::set_oracles(ctx.chain, &ctx.sender, &admin, &add, &remove),
                |l| {
                    let mut now: Vec<Pubkey> = config
                        .oracles()
                        .iter()
                        .copied()
                        .filter(|o| !remove.contains(o))
                        .collect();
                    for a in &add {
                        if !now.contains(a) {
                            now.push(*a);
                        }
                    }
                    let list: Vec<String> = now.iter().map(|o| o.to_string()).collect();
                    Out::new(
                        json!({ "oracles": list, "transaction": landed_json(&l) }),
                        format!(
                            "oracles now: {}",
                            if list.is_empty() {
                                "none".to_string()
                            } else {
                                list.join(", ")
                            }
                        ),
                    )
                },
            )
            .await
        }
        AdminCommand::Pause { program, flags } => {
            let bits = pause_flags(*program, flags)?;
            let (current, _) = authorities(ctx, *program).await?;
            let signer = ctx.signer()?;
            parse::require_signer(&signer, &current, role(*program))?;
            ctx.write(
                flow::set_pause(ctx.chain, &ctx.sender, (*program).into(), &signer, bits),
                |l| {
                    Out::new(
                        json!({ "program": format!("{program:?}").to_lowercase(), "pause_flags": bits, "transaction": landed_json(&l) }),
                        if bits == 0 { "resumed: nothing is paused".to_string() } else { format!("pause flags set to {flags} ({bits:#04x})") },
                    )
                },
            )
            .await
        }
    }
}
