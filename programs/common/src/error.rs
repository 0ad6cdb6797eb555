//! Errors.
//!
//! Structural account and argument checks use Anchor's framework error codes
//! (below 6000), so Anchor clients decode them as they decode any Anchor
//! program's. Each program declares its own append-only domain errors from
//! 6000 up with [`define_errors!`](crate::define_errors).

use pinocchio::error::ProgramError;

/// Anchor framework errors raised by the shared account and argument checks.
/// Codes and names are Anchor's (`anchor_lang::error::ErrorCode`).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameworkError {
    InstructionMissing = 100,
    InstructionFallbackNotFound = 101,
    InstructionDidNotDeserialize = 102,
    ConstraintMut = 2000,
    ConstraintSigner = 2002,
    ConstraintSeeds = 2006,
    ConstraintAddress = 2012,
    ConstraintTokenMint = 2014,
    ConstraintTokenOwner = 2015,
    AccountDiscriminatorMismatch = 3002,
    AccountNotEnoughKeys = 3005,
    AccountOwnedByWrongProgram = 3007,
    InvalidProgramId = 3008,
    AccountNotSystemOwned = 3011,
    AccountNotInitialized = 3012,
}

impl FrameworkError {
    /// Every framework error: (code, name, message).
    pub const ALL: &'static [(u32, &'static str, &'static str)] = &[
        (
            100,
            "InstructionMissing",
            "8 byte instruction identifier not provided",
        ),
        (
            101,
            "InstructionFallbackNotFound",
            "Fallback functions are not supported",
        ),
        (
            102,
            "InstructionDidNotDeserialize",
            "The program could not deserialize the given instruction",
        ),
        (2000, "ConstraintMut", "A mut constraint was violated"),
        (2002, "ConstraintSigner", "A signer constraint was violated"),
        (2006, "ConstraintSeeds", "A seeds constraint was violated"),
        (
            2012,
            "ConstraintAddress",
            "An address constraint was violated",
        ),
        (
            2014,
            "ConstraintTokenMint",
            "A token mint constraint was violated",
        ),
        (
            2015,
            "ConstraintTokenOwner",
            "A token owner constraint was violated",
        ),
        (
            3002,
            "AccountDiscriminatorMismatch",
            "8 byte discriminator did not match what was expected",
        ),
        (
            3005,
            "AccountNotEnoughKeys",
            "Not enough account keys given to the instruction",
        ),
        (
            3007,
            "AccountOwnedByWrongProgram",
            "The given account is owned by a different program than expected",
        ),
        (3008, "InvalidProgramId", "Program ID was not as expected"),
        (
            3011,
            "AccountNotSystemOwned",
            "The given account is not owned by the system program",
        ),
        (
            3012,
            "AccountNotInitialized",
            "The program expected this account to be already initialized",
        ),
    ];
}

impl From<FrameworkError> for ProgramError {
    #[inline(always)]
    fn from(e: FrameworkError) -> Self {
        ProgramError::Custom(e as u32)
    }
}

/// Declares a program's domain error enum: codes from 6000 up, in order,
/// append-only, each with a one-sentence message. Generates the enum, the
/// conversion into `ProgramError::Custom(code)` and an `ALL` table of
/// (code, name, message) used by the sdk and the IDL generator.
#[macro_export]
macro_rules! define_errors {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($variant:ident = $code:literal => $msg:literal,)+ }) => {
        $(#[$meta])*
        #[repr(u32)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        $vis enum $name {
            $(#[doc = $msg] $variant = $code,)+
        }

        impl $name {
            /// Every error of this program: (code, name, message).
            pub const ALL: &'static [(u32, &'static str, &'static str)] = &[
                $(($code, stringify!($variant), $msg),)+
            ];
        }

        impl From<$name> for $crate::ProgramError {
            #[inline(always)]
            fn from(e: $name) -> Self {
                $crate::ProgramError::Custom(e as u32)
            }
        }
    };
}
