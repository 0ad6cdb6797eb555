//! Program errors, typed: which program, which instruction, which code, and
//! the name and message from the program's own error table (or Anchor's
//! framework codes), so every face prints
//! `NotOracle (6002): The signer is not in the current oracle set.`
//! rather than a hex code.

use joule_sdk::{Instruction, Pubkey};
use solana_instruction_error::InstructionError;
use solana_transaction_error::TransactionError;
use std::fmt;
use std::sync::OnceLock;

/// The compute budget program (the sender's own instructions).
pub const COMPUTE_BUDGET_PROGRAM_ID: Pubkey =
    Pubkey::from_str_const("ComputeBudget111111111111111111111111111111");

/// What an instruction failed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProgramErrorKind {
    /// A custom error code: the program's own (6000 up) or an Anchor
    /// framework code, with its name and message when the table knows it.
    Custom {
        code: u32,
        name: Option<&'static str>,
        message: Option<&'static str>,
    },
    /// A runtime error (account checks the runtime makes, missing
    /// signatures, privilege escalation, compute budget exceeded, ...).
    Runtime(InstructionError),
}

impl fmt::Display for ProgramErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgramErrorKind::Custom {
                code,
                name: Some(name),
                message: Some(message),
            } => write!(f, "{name} ({code}): {message}"),
            ProgramErrorKind::Custom { code, .. } => {
                write!(f, "custom program error {code} ({code:#x})")
            }
            ProgramErrorKind::Runtime(e) => write!(f, "{e}"),
        }
    }
}

/// An instruction of a transaction failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramFailure {
    /// The program that failed.
    pub program: Pubkey,
    /// Its short name, for the programs this workspace knows.
    pub program_name: Option<&'static str>,
    /// Index of the failing instruction in the caller's list (the sender's
    /// compute-budget instructions are not counted). `None` if the failing
    /// instruction was one the sender added.
    pub instruction_index: Option<usize>,
    /// The instruction's name, for the Joule programs.
    pub instruction_name: Option<&'static str>,
    pub error: ProgramErrorKind,
    /// Program logs of the failed run (simulation or landed transaction).
    pub logs: Vec<String>,
}

impl ProgramFailure {
    /// The custom error code, if it is one.
    pub fn code(&self) -> Option<u32> {
        match self.error {
            ProgramErrorKind::Custom { code, .. } => Some(code),
            ProgramErrorKind::Runtime(_) => None,
        }
    }

    /// The error's name from the program's table, if it is a known code.
    pub fn error_name(&self) -> Option<&'static str> {
        match self.error {
            ProgramErrorKind::Custom { name, .. } => name,
            ProgramErrorKind::Runtime(_) => None,
        }
    }

    /// Types `err` if it is an instruction error. `instructions` are the
    /// caller's; `offset` is how many instructions the sender put before
    /// them.
    pub fn from_transaction_error(
        err: &TransactionError,
        instructions: &[Instruction],
        offset: usize,
        logs: Vec<String>,
    ) -> Option<ProgramFailure> {
        let TransactionError::InstructionError(index, ix_err) = err else {
            return None;
        };
        let index = usize::from(*index);
        let caller_index = index.checked_sub(offset);
        let ix = caller_index.and_then(|i| instructions.get(i));
        let program = match ix {
            Some(ix) => ix.program_id,
            None => COMPUTE_BUDGET_PROGRAM_ID,
        };
        let error = match ix_err {
            InstructionError::Custom(code) => {
                let described = joule_sdk::errors::describe(&program, *code);
                ProgramErrorKind::Custom {
                    code: *code,
                    name: described.map(|(n, _)| n),
                    message: described.map(|(_, m)| m),
                }
            }
            other => ProgramErrorKind::Runtime(other.clone()),
        };
        Some(ProgramFailure {
            program,
            program_name: program_name(&program),
            instruction_index: if ix.is_some() { caller_index } else { None },
            instruction_name: ix.and_then(|ix| instruction_name(&ix.program_id, &ix.data)),
            error,
            logs,
        })
    }
}

impl fmt::Display for ProgramFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.program_name {
            Some(p) => write!(f, "{p}")?,
            None => write!(f, "{}", self.program)?,
        }
        if let Some(name) = self.instruction_name {
            write!(f, "::{name}")?;
        }
        match self.instruction_index {
            Some(i) => write!(f, " (instruction {i}): {}", self.error),
            None => write!(f, " (compute budget): {}", self.error),
        }
    }
}

impl std::error::Error for ProgramFailure {}

/// Short name of a program this workspace knows.
pub fn program_name(program: &Pubkey) -> Option<&'static str> {
    [
        (joule_sdk::registry::ID, "registry"),
        (joule_sdk::market::ID, "market"),
        (joule_sdk::certificates::ID, "certificates"),
        (joule_sdk::SYSTEM_PROGRAM_ID, "system"),
        (joule_sdk::TOKEN_PROGRAM_ID, "token"),
        (joule_sdk::ASSOCIATED_TOKEN_PROGRAM_ID, "associated-token"),
        (COMPUTE_BUDGET_PROGRAM_ID, "compute-budget"),
        (
            solana_address_lookup_table_interface::program::ID,
            "address-lookup-table",
        ),
    ]
    .into_iter()
    .find(|(id, _)| id == program)
    .map(|(_, name)| name)
}

/// Name of a Joule instruction from its program and data (Anchor
/// discriminator), from the sdk's instruction specs.
pub fn instruction_name(program: &Pubkey, data: &[u8]) -> Option<&'static str> {
    static TABLE: OnceLock<Vec<(Pubkey, [u8; 8], &'static str)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = Vec::new();
        for (id, specs) in [
            (joule_sdk::registry::ID, joule_sdk::registry::specs()),
            (joule_sdk::market::ID, joule_sdk::market::specs()),
            (
                joule_sdk::certificates::ID,
                joule_sdk::certificates::specs(),
            ),
        ] {
            t.extend(specs.iter().map(|s| (id, s.discriminator(), s.name)));
        }
        t
    });
    let disc = data.get(..8)?;
    table
        .iter()
        .find(|(id, d, _)| id == program && d.as_slice() == disc)
        .map(|(_, _, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_oracles() -> Instruction {
        joule_sdk::registry::SetOracles {
            admin: Pubkey::new_unique(),
            add: &[],
            remove: &[],
        }
        .instruction()
    }

    #[test]
    fn custom_errors_read_like_the_error_table() {
        let ixs = [set_oracles()];
        let err = TransactionError::InstructionError(2, InstructionError::Custom(6002));
        let f = ProgramFailure::from_transaction_error(&err, &ixs, 2, vec![]).expect("typed");
        assert_eq!(f.program, joule_sdk::registry::ID);
        assert_eq!(f.instruction_index, Some(0));
        assert_eq!(f.instruction_name, Some("set_oracles"));
        assert_eq!(f.code(), Some(6002));
        assert_eq!(f.error_name(), Some("NotOracle"));
        assert_eq!(
            f.error.to_string(),
            "NotOracle (6002): The signer is not in the current oracle set."
        );
        assert_eq!(
            f.to_string(),
            "registry::set_oracles (instruction 0): NotOracle (6002): The signer is not in the current oracle set."
        );
    }

    #[test]
    fn framework_codes_unknown_codes_and_runtime_errors() {
        let ixs = [set_oracles()];
        let typed = |e| {
            ProgramFailure::from_transaction_error(
                &TransactionError::InstructionError(0, e),
                &ixs,
                0,
                vec![],
            )
            .expect("typed")
        };
        assert_eq!(
            typed(InstructionError::Custom(3012)).error.to_string(),
            "AccountNotInitialized (3012): The program expected this account to be already initialized"
        );
        assert_eq!(
            typed(InstructionError::Custom(9999)).error.to_string(),
            "custom program error 9999 (0x270f)"
        );
        let rt = typed(InstructionError::MissingRequiredSignature);
        assert_eq!(
            rt.error,
            ProgramErrorKind::Runtime(InstructionError::MissingRequiredSignature)
        );
        assert_eq!(rt.code(), None);
    }

    #[test]
    fn a_failing_sender_instruction_is_the_compute_budget_programs() {
        let ixs = [set_oracles()];
        let err = TransactionError::InstructionError(1, InstructionError::InvalidInstructionData);
        let f = ProgramFailure::from_transaction_error(&err, &ixs, 2, vec![]).expect("typed");
        assert_eq!(f.program, COMPUTE_BUDGET_PROGRAM_ID);
        assert_eq!(f.instruction_index, None);
        assert_eq!(f.instruction_name, None);
        assert!(ProgramFailure::from_transaction_error(
            &TransactionError::AccountInUse,
            &ixs,
            2,
            vec![]
        )
        .is_none());
    }
}
