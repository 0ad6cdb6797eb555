//! Compute units per instruction of a transaction, from its message and its
//! logs (a landed transaction's metadata, or a simulation's): the units a
//! top-level instruction consumed are those its program logged at depth 1
//! (`Program <id> consumed <n> of <m> compute units`), CPIs included.
//! Builtins (the compute-budget program) log no units.

use crate::errors::instruction_name;
use joule_sdk::Pubkey;
use solana_message::VersionedMessage;

/// One top-level instruction and what it consumed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstructionUnits {
    pub program: Pubkey,
    /// The Joule instruction's name, if it is one.
    pub name: Option<&'static str>,
    pub data: Vec<u8>,
    /// How many accounts it names.
    pub accounts: usize,
    /// `None`: it logged no units (a builtin, or it never ran).
    pub units: Option<u64>,
}

/// Every top-level instruction of `message`, in order, with the units the
/// logs say it consumed.
pub fn per_instruction(message: &VersionedMessage, logs: &[String]) -> Vec<InstructionUnits> {
    let keys = message.static_account_keys();
    let mut out: Vec<InstructionUnits> = message
        .instructions()
        .iter()
        .map(|ix| {
            let program = keys
                .get(usize::from(ix.program_id_index))
                .copied()
                .unwrap_or_default();
            InstructionUnits {
                program,
                name: instruction_name(&program, &ix.data),
                data: ix.data.clone(),
                accounts: ix.accounts.len(),
                units: None,
            }
        })
        .collect();
    // The instruction a depth-1 invoke of `program` runs: the next one of
    // that program (builtins may log nothing).
    let mut next = 0usize;
    let mut current: Option<usize> = None;
    let mut depth = 0usize;
    for line in logs {
        let Some(rest) = line.strip_prefix("Program ") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(program), Some(verb)) = (words.next(), words.next()) else {
            continue;
        };
        match verb {
            "invoke" => {
                depth = words
                    .next()
                    .and_then(|w| w.trim_matches(|c| c == '[' || c == ']').parse().ok())
                    .unwrap_or(depth.saturating_add(1));
                if depth == 1 {
                    current = out
                        .iter()
                        .enumerate()
                        .skip(next)
                        .find(|(_, ix)| ix.program.to_string() == program)
                        .map(|(i, _)| i);
                    if let Some(i) = current {
                        next = i.saturating_add(1);
                    }
                }
            }
            "success" | "failed:" => depth = depth.saturating_sub(1),
            "consumed" if depth == 1 => {
                let units = words.next().and_then(|w| w.parse::<u64>().ok());
                if let (Some(i), Some(u)) = (current, units) {
                    if let Some(ix) = out.get_mut(i) {
                        if ix.program.to_string() == program {
                            ix.units = Some(u);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The units the Joule instructions of a transaction consumed together
/// (their CPIs included, compute-budget instructions not).
pub fn joule_units(message: &VersionedMessage, logs: &[String]) -> Option<u64> {
    per_instruction(message, logs)
        .iter()
        .filter(|ix| ix.name.is_some())
        .map(|ix| ix.units)
        .try_fold(0u64, |sum, u| u.map(|u| sum.saturating_add(u)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use joule_sdk::Instruction;
    use solana_message::legacy::Message;

    fn message() -> VersionedMessage {
        let payer = Pubkey::new_unique();
        let budget = crate::errors::COMPUTE_BUDGET_PROGRAM_ID;
        let ixs = [
            Instruction::new_with_bytes(budget, &[2, 0, 0, 1, 0], vec![]),
            joule_sdk::registry::SetPause {
                admin: payer,
                flags: 0,
            }
            .instruction(),
            Instruction::new_with_bytes(joule_sdk::market::ID, &[9; 8], vec![]),
        ];
        VersionedMessage::Legacy(Message::new(&ixs, Some(&payer)))
    }

    #[test]
    fn units_follow_each_top_level_invoke_and_skip_cpis_and_builtins() {
        let reg = joule_sdk::registry::ID;
        let market = joule_sdk::market::ID;
        let budget = crate::errors::COMPUTE_BUDGET_PROGRAM_ID;
        let logs: Vec<String> = [
            format!("Program {budget} invoke [1]"),
            format!("Program {budget} success"),
            format!("Program {reg} invoke [1]"),
            format!("Program {market} invoke [2]"),
            format!("Program {market} consumed 100 of 1000 compute units"),
            format!("Program {market} success"),
            format!("Program {reg} consumed 420 of 1400 compute units"),
            format!("Program {reg} success"),
            format!("Program {market} invoke [1]"),
            format!("Program {market} consumed 77 of 980 compute units"),
            format!("Program {market} failed: custom program error: 0x1770"),
        ]
        .into_iter()
        .collect();
        let got = per_instruction(&message(), &logs);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].units, None);
        assert_eq!(got[1].name, Some("set_pause"));
        assert_eq!(got[1].units, Some(420));
        assert_eq!(got[2].name, None);
        assert_eq!(got[2].units, Some(77));
        // The unknown market instruction is not a Joule instruction.
        assert_eq!(joule_units(&message(), &logs), Some(420));
    }

    #[test]
    fn an_instruction_that_never_ran_has_no_units() {
        let reg = joule_sdk::registry::ID;
        let logs = vec![
            format!("Program {reg} invoke [1]"),
            format!("Program {reg} failed: missing required signature"),
        ];
        let got = per_instruction(&message(), &logs);
        assert_eq!(got[1].units, None);
        assert_eq!(joule_units(&message(), &logs), None);
    }
}
