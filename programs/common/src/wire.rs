//! The wire contract: each instruction's accounts and arguments, declared
//! once in its program crate with [`instruction!`](crate::instruction).
//!
//! One declaration gives the program its parser (an `#[inline(always)]`
//! `Args::parse` over the Borsh data, and `Accounts::split` /
//! `Accounts::from_array` naming the account slice), gives off-chain code
//! its encoder (`Args::data`, and
//! `Accounts` filled with addresses in the order the program takes them),
//! and gives the IDL generator its description ([`IxSpec`]: the name,
//! discriminator, docs, every account with its flags and PDA seeds, the
//! arguments with their IDL types). So the parser, the encoder and the IDL
//! cannot drift apart.
//!
//! The parser reads the Borsh shape only (integers, addresses, byte arrays,
//! enum bytes, vectors of fixed-size items, strings); what the values must
//! satisfy (amounts above zero, text lengths, …) is checked by the handler.
//! Addresses and byte arrays can be read as references into the
//! instruction data (`&'a Address`, `&'a [u8; N]`): on-chain that is
//! usually cheaper than a copy, measured on the SBF build.

use crate::args::Args;
use alloc::vec::Vec;
use core::marker::PhantomData;
use pinocchio::{error::ProgramError, Address};

// ------------------------------------------------------------------ specs

/// One seed of a PDA, in the terms of Anchor's IDL (`IdlSeed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seed {
    /// Constant bytes (`IdlSeed::Const`).
    Const(&'static [u8]),
    /// A constant address's 32 bytes (`IdlSeed::Const`), e.g. the token
    /// program in an associated token account's seeds.
    Address(Address),
    /// An instruction argument (`IdlSeed::Arg`), as Anchor turns it into
    /// bytes: integers little-endian at their width, byte arrays as they are.
    Arg(&'static str),
    /// Another account's address (`IdlSeed::Account` without a type).
    Account(&'static str),
    /// A field of another account's data: `"account.field"` and the
    /// account's type (`IdlSeed::Account { path, account }`); Anchor
    /// fetches and decodes that account to read it.
    Field(&'static str, &'static str),
}

/// How an account's address derives (`IdlPda`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pda {
    pub seeds: &'static [Seed],
    /// The deriving program when it is not the instruction's program.
    pub program: Option<Address>,
}

/// One account of an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountSpec {
    pub name: &'static str,
    pub writable: bool,
    pub signer: bool,
    pub docs: &'static str,
    /// A fixed address (programs, sysvars).
    pub address: Option<Address>,
    /// The seeds of a PDA (of this program or, with `program`, another's).
    pub pda: Option<Pda>,
}

impl AccountSpec {
    const fn new(name: &'static str, writable: bool, signer: bool, docs: &'static str) -> Self {
        Self {
            name,
            writable,
            signer,
            docs,
            address: None,
            pda: None,
        }
    }

    /// This account with the seeds of a PDA of the instruction's program.
    pub const fn pda(mut self, seeds: &'static [Seed]) -> Self {
        self.pda = Some(Pda {
            seeds,
            program: None,
        });
        self
    }

    /// This account with the seeds of a PDA of `program`.
    pub const fn pda_of(mut self, program: Address, seeds: &'static [Seed]) -> Self {
        self.pda = Some(Pda {
            seeds,
            program: Some(program),
        });
        self
    }
}

/// `[writable, signer]`.
pub const fn ws(name: &'static str, docs: &'static str) -> AccountSpec {
    AccountSpec::new(name, true, true, docs)
}
/// `[writable]`.
pub const fn w(name: &'static str, docs: &'static str) -> AccountSpec {
    AccountSpec::new(name, true, false, docs)
}
/// `[signer]`.
pub const fn s(name: &'static str, docs: &'static str) -> AccountSpec {
    AccountSpec::new(name, false, true, docs)
}
/// `[]`.
pub const fn r(name: &'static str, docs: &'static str) -> AccountSpec {
    AccountSpec::new(name, false, false, docs)
}
/// A program or sysvar at a fixed address.
pub const fn fixed(name: &'static str, address: Address) -> AccountSpec {
    let mut spec = AccountSpec::new(name, false, false, "");
    spec.address = Some(address);
    spec
}

/// The Borsh type of an argument or of return data, in the terms of
/// Anchor's IDL: each variant is the `IdlType` of the same name (`Defined`
/// names a type of the program's IDL, without generics).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgType {
    Bool,
    U8,
    I8,
    U16,
    I16,
    U32,
    I32,
    U64,
    I64,
    U128,
    I128,
    Pubkey,
    String,
    Bytes,
    Option(&'static ArgType),
    Vec(&'static ArgType),
    /// A fixed-length array.
    Array(&'static ArgType, usize),
    Defined(&'static str),
}

/// An argument (or a field of an argument struct): name and type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArgSpec {
    pub name: &'static str,
    pub ty: ArgType,
}

/// One instruction, as the IDL describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IxSpec {
    /// The snake_case name, which the discriminator hashes.
    pub name: &'static str,
    pub docs: &'static str,
    /// The named accounts, in the order the program takes them.
    pub accounts: &'static [AccountSpec],
    /// Accounts that may follow the named ones (e.g. the meters of
    /// `submit_readings`); described in the docs, not in the IDL list.
    pub remaining: Option<AccountSpec>,
    pub args: &'static [ArgSpec],
    pub returns: Option<ArgType>,
}

impl IxSpec {
    /// The 8-byte Anchor discriminator, `sha256("global:<name>")[..8]`.
    pub const fn discriminator(&self) -> [u8; 8] {
        crate::disc::instruction(self.name)
    }
}

// ------------------------------------------------------------------ values

/// Where [`Wire::write`] appends bytes: a `Vec` off-chain, a [`Buf`] on
/// the stack for a CPI.
pub trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A stack buffer of `N` bytes for instruction data a program builds for a
/// CPI. Writing past its end is remembered, and [`bytes`](Self::bytes)
/// then returns `None`; for arguments of fixed size the check folds away.
pub struct Buf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Buf<N> {
    #[inline(always)]
    pub const fn new() -> Self {
        Self {
            bytes: [0; N],
            len: 0,
        }
    }

    /// The bytes written, or `None` if more than `N` were.
    #[inline(always)]
    pub fn bytes(&self) -> Option<&[u8]> {
        self.bytes.get(..self.len)
    }
}

impl<const N: usize> Default for Buf<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Sink for Buf<N> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        if let Some(dst) = self.bytes.get_mut(self.len..end) {
            dst.copy_from_slice(bytes);
        }
        self.len = end;
    }
}

/// A Borsh value that can be an instruction argument: its IDL type and its
/// encoding (used off-chain; the program reads it with [`Read`]).
pub trait Wire {
    /// Its type in the IDL.
    const TYPE: ArgType;
    /// Appends its Borsh encoding.
    fn write<S: Sink>(&self, out: &mut S);
}

/// How the program reads a [`Wire`] value from its instruction data, in two
/// steps: [`read`](Self::read) checks the bytes are there and returns a
/// view of them (the value itself for integers and enums, a reference into
/// the data for addresses and byte arrays); once every argument is read,
/// [`from_view`](Self::from_view) makes the value. So no 32-byte value is
/// copied through a `Result`, and a parse costs what reading the fields by
/// hand costs. Every implementation is `#[inline(always)]`.
pub trait Read<'a>: Sized {
    type View;
    fn read(args: &mut Args<'a>) -> Result<Self::View, ProgramError>;
    fn from_view(view: Self::View) -> Self;
}

/// A value whose Borsh encoding always has the same size: what a vector
/// argument ([`Items`]) may hold.
pub trait FixedSize {
    const SIZE: usize;
}

macro_rules! int {
    ($($t:ty => $ty:ident, $read:ident;)+) => {$(
        impl Wire for $t {
            const TYPE: ArgType = ArgType::$ty;
            #[inline(always)]
            fn write<S: Sink>(&self, out: &mut S) {
                out.put(&self.to_le_bytes());
            }
        }
        impl<'a> Read<'a> for $t {
            type View = Self;
            #[inline(always)]
            fn read(args: &mut Args<'a>) -> Result<Self, ProgramError> {
                args.$read()
            }
            #[inline(always)]
            fn from_view(view: Self) -> Self {
                view
            }
        }
        impl FixedSize for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
        }
    )+};
}

int! {
    u8 => U8, u8;
    u16 => U16, u16;
    u32 => U32, u32;
    u64 => U64, u64;
    i64 => I64, i64;
}

impl Wire for bool {
    const TYPE: ArgType = ArgType::Bool;
    #[inline(always)]
    fn write<S: Sink>(&self, out: &mut S) {
        out.put(&[u8::from(*self)]);
    }
}
impl<'a> Read<'a> for bool {
    type View = Self;
    #[inline(always)]
    fn read(args: &mut Args<'a>) -> Result<Self, ProgramError> {
        args.bool()
    }
    #[inline(always)]
    fn from_view(view: Self) -> Self {
        view
    }
}
impl FixedSize for bool {
    const SIZE: usize = 1;
}

impl Wire for Address {
    const TYPE: ArgType = ArgType::Pubkey;
    #[inline(always)]
    fn write<S: Sink>(&self, out: &mut S) {
        out.put(self.as_ref());
    }
}
impl<'a> Read<'a> for Address {
    type View = &'a Address;
    #[inline(always)]
    fn read(args: &mut Args<'a>) -> Result<&'a Address, ProgramError> {
        args.address()
    }
    #[inline(always)]
    fn from_view(view: &'a Address) -> Self {
        *view
    }
}
impl FixedSize for Address {
    const SIZE: usize = 32;
}

/// An address borrowed from the instruction data: no copy, which is often
/// cheaper on-chain than an owned [`Address`].
impl Wire for &Address {
    const TYPE: ArgType = ArgType::Pubkey;
    #[inline(always)]
    fn write<S: Sink>(&self, out: &mut S) {
        out.put(self.as_ref());
    }
}
impl<'a> Read<'a> for &'a Address {
    type View = Self;
    #[inline(always)]
    fn read(args: &mut Args<'a>) -> Result<Self, ProgramError> {
        args.address()
    }
    #[inline(always)]
    fn from_view(view: Self) -> Self {
        view
    }
}

/// A byte array (`[u8; N]` in the IDL).
impl<const N: usize> Wire for [u8; N] {
    const TYPE: ArgType = ArgType::Array(&ArgType::U8, N);
    #[inline(always)]
    fn write<S: Sink>(&self, out: &mut S) {
        out.put(self.as_slice());
    }
}
impl<'a, const N: usize> Read<'a> for [u8; N] {
    type View = &'a [u8; N];
    #[inline(always)]
    fn read(args: &mut Args<'a>) -> Result<&'a [u8; N], ProgramError> {
        args.bytes::<N>()
    }
    #[inline(always)]
    fn from_view(view: &'a [u8; N]) -> Self {
        *view
    }
}
impl<const N: usize> FixedSize for [u8; N] {
    const SIZE: usize = N;
}

/// A byte array borrowed from the instruction data (no copy).
impl<const N: usize> Wire for &[u8; N] {
    const TYPE: ArgType = ArgType::Array(&ArgType::U8, N);
    #[inline(always)]
    fn write<S: Sink>(&self, out: &mut S) {
        out.put(*self);
    }
}
impl<'a, const N: usize> Read<'a> for &'a [u8; N] {
    type View = Self;
    #[inline(always)]
    fn read(args: &mut Args<'a>) -> Result<Self, ProgramError> {
        args.bytes::<N>()
    }
    #[inline(always)]
    fn from_view(view: Self) -> Self {
        view
    }
}

/// A Borsh `Vec<T>` of fixed-size items, as the program reads it: the item
/// count and the items' raw bytes (all present), borrowed from the
/// instruction data. The handler reads the items it needs from
/// [`bytes`](Self::bytes); off-chain, [`EncodedItems`] builds one.
pub struct Items<'a, T> {
    bytes: &'a [u8],
    item: PhantomData<T>,
}

impl<'a, T: FixedSize> Items<'a, T> {
    /// The number of items.
    #[inline(always)]
    pub fn count(&self) -> usize {
        self.bytes.len() / T::SIZE
    }

    /// The items' Borsh bytes, `count × T::SIZE` of them.
    #[inline(always)]
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

impl<T> Clone for Items<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Items<'_, T> {}
impl<T> PartialEq for Items<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}
impl<T> Eq for Items<'_, T> {}
impl<T> core::fmt::Debug for Items<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Items").field("bytes", &self.bytes).finish()
    }
}

impl<T: Wire + FixedSize> Wire for Items<'_, T> {
    const TYPE: ArgType = ArgType::Vec(&T::TYPE);
    #[inline(always)]
    fn write<S: Sink>(&self, out: &mut S) {
        out.put(&(self.count() as u32).to_le_bytes());
        out.put(self.bytes);
    }
}
impl<'a, T: FixedSize> Read<'a> for Items<'a, T> {
    type View = Self;
    #[inline(always)]
    fn read(args: &mut Args<'a>) -> Result<Self, ProgramError> {
        let (_, bytes) = args.vec_raw(T::SIZE)?;
        Ok(Self {
            bytes,
            item: PhantomData,
        })
    }
    #[inline(always)]
    fn from_view(view: Self) -> Self {
        view
    }
}

/// Items encoded off-chain: the owner of the bytes an [`Items`] argument
/// borrows.
pub struct EncodedItems<T> {
    bytes: Vec<u8>,
    item: PhantomData<T>,
}

impl<T: Wire + FixedSize> EncodedItems<T> {
    pub fn new(items: &[T]) -> Self {
        let mut bytes = Vec::with_capacity(items.len().saturating_mul(T::SIZE));
        for item in items {
            item.write(&mut bytes);
        }
        Self {
            bytes,
            item: PhantomData,
        }
    }

    /// The argument value.
    pub fn items(&self) -> Items<'_, T> {
        Items {
            bytes: &self.bytes,
            item: PhantomData,
        }
    }
}

/// A Borsh `String`, as the program reads it: its bytes, borrowed from the
/// instruction data, not yet checked (the handler checks length and UTF-8
/// and names its own error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text<'a>(pub &'a [u8]);

impl Wire for Text<'_> {
    const TYPE: ArgType = ArgType::String;
    #[inline(always)]
    fn write<S: Sink>(&self, out: &mut S) {
        out.put(&(self.0.len() as u32).to_le_bytes());
        out.put(self.0);
    }
}
impl<'a> Read<'a> for Text<'a> {
    type View = Self;
    #[inline(always)]
    fn read(args: &mut Args<'a>) -> Result<Self, ProgramError> {
        let len = args.u32()? as usize;
        Ok(Text(args.slice(len)?))
    }
    #[inline(always)]
    fn from_view(view: Self) -> Self {
        view
    }
}

/// Every item of a program's wire module in IDL order, as [`IxSpec`]s.
pub type Instructions = &'static [&'static IxSpec];

// ------------------------------------------------------------------ macros

/// Declares one instruction's wire contract as a module named after it:
///
/// ```ignore
/// joule_common::instruction! {
///     /// What it does (Rust docs).
///     pub mod place_order {
///         docs: "What it does (IDL docs).",
///         accounts: {
///             owner: ws("The order owner."),
///             config: CONFIG,
///             // … every account in the order the program takes them
///         },
///         args: {
///             side: Side,
///             limit_tick: u16,
///         },
///         returns: ArgType::U32,
///     }
/// }
/// ```
///
/// `accounts` is either a list of `name: AccountSpec` or the name of an
/// account list several instructions share (declared with
/// [`accounts!`](crate::accounts)). `remaining: AccountSpec,` may follow it
/// for accounts after the named ones. `args<'a>: { … }` lets fields borrow
/// the instruction data ([`Items`], [`Text`]). The module gets:
///
/// - `Accounts<T>`: one field per account, in order. The program calls
///   `Accounts::split(accounts)` (the named accounts and the rest, or
///   `AccountNotEnoughKeys`) and names them with `Accounts::from_array`;
///   off-chain code fills `Accounts<Pubkey>` and calls `into_array()`.
/// - `Args`: one field per argument. `Args::parse(data)` reads the Borsh
///   arguments (after the discriminator), failing with
///   `InstructionDidNotDeserialize` on missing or trailing bytes;
///   `Args::data()` is the full instruction data off-chain.
/// - `SPEC: IxSpec`, `DISCRIMINATOR` and `DISCRIMINATOR_U64` (what the
///   program dispatches on).
#[macro_export]
macro_rules! instruction {
    (
        $(#[$attr:meta])*
        pub mod $name:ident {
            docs: $docs:expr,
            accounts: $accounts:tt,
            $(remaining: $remaining:expr,)?
            args $(<$lt:lifetime>)? : { $($(#[$fattr:meta])* $arg:ident : $ty:ty),* $(,)? },
            $(returns: $returns:expr,)?
        }
    ) => {
        $(#[$attr])*
        pub mod $name {
            #[allow(unused_imports)]
            use super::*;

            $crate::__wire_accounts!($accounts);
            $crate::__wire_args!([$($lt)?] $($(#[$fattr])* $arg: $ty),*);

            /// What the IDL says about this instruction.
            pub const SPEC: $crate::wire::IxSpec = $crate::wire::IxSpec {
                name: stringify!($name),
                docs: $docs,
                accounts: Accounts::<()>::SPECS,
                remaining: $crate::__wire_option!($($remaining)?),
                args: ARGS,
                returns: $crate::__wire_option!($($returns)?),
            };
            /// `sha256("global:<name>")[..8]`.
            pub const DISCRIMINATOR: [u8; 8] = SPEC.discriminator();
            /// The discriminator as a little-endian `u64`, what the program
            /// dispatches on.
            pub const DISCRIMINATOR_U64: u64 = u64::from_le_bytes(DISCRIMINATOR);
        }
    };
}

/// Declares an account list shared by several instructions (see
/// [`instruction!`](crate::instruction)): a struct with one field per
/// account, in the order the program takes them.
#[macro_export]
macro_rules! accounts {
    (
        $(#[$attr:meta])*
        pub struct $name:ident { $($acc:ident : $spec:expr),* $(,)? }
    ) => {
        $(#[$attr])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name<T> {
            $(pub $acc: T,)*
        }

        impl<T> $name<T> {
            /// How many accounts the instruction names.
            pub const LEN: usize = $crate::__wire_count!($($acc)*);
            /// Each account's name, flags, docs and address or seeds, in order.
            pub const SPECS: &'static [$crate::wire::AccountSpec] = &[$($spec),*];

            /// The accounts in the order the program takes them.
            pub fn into_array(self) -> [T; $crate::__wire_count!($($acc)*)] {
                [$(self.$acc),*]
            }
        }

        impl<'a> $name<&'a mut $crate::AccountView> {
            /// Splits off the instruction's named accounts: the first
            /// `LEN` of the slice and the accounts after them, or fails
            /// with `AccountNotEnoughKeys`. Name them with
            /// [`from_array`](Self::from_array) (two steps: a `Result`
            /// holding one reference rather than one per account keeps
            /// the program's code as tight as hand-written indexing).
            #[inline(always)]
            #[allow(clippy::type_complexity)]
            pub fn split(
                accounts: &'a mut [$crate::AccountView],
            ) -> Result<
                (
                    &'a mut [$crate::AccountView; $crate::__wire_count!($($acc)*)],
                    &'a mut [$crate::AccountView],
                ),
                $crate::ProgramError,
            > {
                $crate::validate::take::<{ $crate::__wire_count!($($acc)*) }>(accounts)
            }

            /// Names the accounts [`split`](Self::split) returned.
            #[inline(always)]
            pub fn from_array(
                accounts: &'a mut [$crate::AccountView; $crate::__wire_count!($($acc)*)],
            ) -> Self {
                let [$($acc),*] = accounts;
                Self { $($acc),* }
            }
        }

        impl<'a> $name<&'a $crate::Address> {
            /// The accounts as a CPI's account metas, in order, each
            /// writable and signer as the spec says.
            #[inline(always)]
            pub fn metas(
                &self,
            ) -> [$crate::wire::__InstructionAccount<'a>; $crate::__wire_count!($($acc)*)] {
                let addresses = [$(self.$acc),*];
                let specs = Self::SPECS;
                core::array::from_fn(|i| {
                    $crate::wire::__InstructionAccount::new(
                        addresses[i],
                        specs[i].writable,
                        specs[i].signer,
                    )
                })
            }
        }
    };
}

/// Declares a Borsh struct that instructions take as an argument (or as a
/// vector item): the struct, its [`Wire`], [`Read`] and [`FixedSize`]
/// implementations, and `LAYOUT`, its layout for the IDL (its IDL docs are
/// the `#[idl(docs = "…")]` line, as in [`layout`](crate::layout)). Every
/// field must be fixed-size.
#[macro_export]
macro_rules! wire_struct {
    (
        #[idl(docs = $idl:literal)]
        $(#[doc = $doc:literal])*
        pub struct $name:ident { $($(#[$fattr:meta])* pub $field:ident : $ty:ty),* $(,)? }
    ) => {
        #[doc = $idl]
        #[doc = ""]
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name {
            $($(#[$fattr])* pub $field: $ty,)*
        }

        impl $name {
            /// Its layout, for the IDL.
            pub const LAYOUT: $crate::layout::TypeSpec = $crate::layout::TypeSpec {
                name: stringify!($name),
                docs: $idl,
                body: $crate::layout::Body::Borsh(&[$(
                    $crate::layout::FieldSpec {
                        name: stringify!($field),
                        ty: <$ty as $crate::wire::Wire>::TYPE,
                        enumeration: None,
                    }
                ),*]),
            };
        }

        impl $crate::wire::Wire for $name {
            const TYPE: $crate::wire::ArgType = $crate::wire::ArgType::Defined(stringify!($name));
            #[inline(always)]
            fn write<S: $crate::wire::Sink>(&self, out: &mut S) {
                $($crate::wire::Wire::write(&self.$field, out);)*
            }
        }

        impl<'a> $crate::wire::Read<'a> for $name {
            type View = Self;
            #[inline(always)]
            fn read(args: &mut $crate::args::Args<'a>) -> Result<Self, $crate::ProgramError> {
                $(let $field = <$ty as $crate::wire::Read<'a>>::read(args)?;)*
                Ok(Self {
                    $($field: <$ty as $crate::wire::Read<'a>>::from_view($field),)*
                })
            }
            #[inline(always)]
            fn from_view(view: Self) -> Self {
                view
            }
        }

        impl $crate::wire::FixedSize for $name {
            const SIZE: usize = 0 $(+ <$ty as $crate::wire::FixedSize>::SIZE)*;
        }
    };
}

/// Makes a fieldless `#[repr(u8)]` enum with a `from_u8` an argument type
/// (one Borsh byte; `Defined` in the IDL). A byte with no variant fails
/// with `$invalid` (a `ProgramError` or anything that converts into one).
#[macro_export]
macro_rules! wire_enum {
    ($name:ident, $invalid:expr) => {
        impl $crate::wire::Wire for $name {
            const TYPE: $crate::wire::ArgType = $crate::wire::ArgType::Defined(stringify!($name));
            #[inline(always)]
            fn write<S: $crate::wire::Sink>(&self, out: &mut S) {
                out.put(&[*self as u8]);
            }
        }

        impl<'a> $crate::wire::Read<'a> for $name {
            type View = Self;
            #[inline(always)]
            fn read(args: &mut $crate::args::Args<'a>) -> Result<Self, $crate::ProgramError> {
                $name::from_u8(args.u8()?).ok_or($crate::ProgramError::from($invalid))
            }
            #[inline(always)]
            fn from_view(view: Self) -> Self {
                view
            }
        }

        impl $crate::wire::FixedSize for $name {
            const SIZE: usize = 1;
        }
    };
}

#[doc(hidden)]
pub use alloc::vec::Vec as __Vec;
#[doc(hidden)]
pub use pinocchio::instruction::InstructionAccount as __InstructionAccount;

#[doc(hidden)]
#[macro_export]
macro_rules! __wire_accounts {
    ({ $($acc:ident : $spec:expr),* $(,)? }) => {
        $crate::accounts! {
            /// The instruction's accounts, in the order the program takes them.
            pub struct Accounts { $($acc: $spec),* }
        }
    };
    ($shared:ident) => {
        /// The instruction's accounts, in the order the program takes them.
        pub type Accounts<T> = $shared<T>;
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __wire_args {
    ([] $($(#[$fattr:meta])* $arg:ident : $ty:ty),*) => {
        /// The instruction's arguments.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct Args {
            $($(#[$fattr])* pub $arg: $ty,)*
        }

        impl Args {
            $crate::__wire_args!(@body $($arg: $ty),*);

            /// Reads the Borsh arguments (the data after the discriminator).
            #[inline(always)]
            pub fn parse(data: &[u8]) -> Result<Self, $crate::ProgramError> {
                $crate::__wire_args!(@parse data $($arg: $ty),*)
            }
        }

        /// The instruction's arguments, for the IDL.
        pub const ARGS: &[$crate::wire::ArgSpec] = Args::FIELDS;
    };
    ([$lt:lifetime] $($(#[$fattr:meta])* $arg:ident : $ty:ty),*) => {
        /// The instruction's arguments.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct Args<$lt> {
            $($(#[$fattr])* pub $arg: $ty,)*
        }

        impl<$lt> Args<$lt> {
            $crate::__wire_args!(@body $($arg: $ty),*);

            /// Reads the Borsh arguments (the data after the discriminator).
            #[inline(always)]
            pub fn parse(data: &$lt [u8]) -> Result<Self, $crate::ProgramError> {
                $crate::__wire_args!(@parse data $($arg: $ty),*)
            }
        }

        /// The instruction's arguments, for the IDL.
        pub const ARGS: &[$crate::wire::ArgSpec] = Args::<'static>::FIELDS;
    };
    (@body $($arg:ident : $ty:ty),*) => {
        /// Each argument's name and IDL type, in order.
        pub const FIELDS: &'static [$crate::wire::ArgSpec] = &[$(
            $crate::wire::ArgSpec {
                name: stringify!($arg),
                ty: <$ty as $crate::wire::Wire>::TYPE,
            }
        ),*];

        /// Appends the Borsh arguments.
        #[allow(unused_variables)]
        #[inline(always)]
        pub fn write<S: $crate::wire::Sink>(&self, out: &mut S) {
            $($crate::wire::Wire::write(&self.$arg, out);)*
        }

        /// The instruction data in a stack buffer of `N` bytes, for a CPI
        /// (`None` from its `bytes()` if `N` is too small).
        #[inline(always)]
        pub fn data_in<const N: usize>(&self) -> $crate::wire::Buf<N> {
            let mut out = $crate::wire::Buf::new();
            $crate::wire::Sink::put(&mut out, &DISCRIMINATOR);
            self.write(&mut out);
            out
        }

        /// The instruction data: discriminator, then the Borsh arguments.
        pub fn data(&self) -> $crate::wire::__Vec<u8> {
            let mut out = $crate::wire::__Vec::from(DISCRIMINATOR);
            self.write(&mut out);
            out
        }
    };
    (@parse $data:ident $($arg:ident : $ty:ty),*) => {{
        #[allow(unused_mut)]
        let mut reader = $crate::args::Args::new($data);
        $(let $arg = <$ty as $crate::wire::Read<'_>>::read(&mut reader)?;)*
        reader.finish()?;
        Ok(Self { $($arg: <$ty as $crate::wire::Read<'_>>::from_view($arg)),* })
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __wire_option {
    () => {
        None
    };
    ($value:expr) => {
        Some($value)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __wire_count {
    () => { 0usize };
    ($head:ident $($tail:ident)*) => { 1usize + $crate::__wire_count!($($tail)*) };
}

/// Declares a program's instruction list, in IDL order:
/// `INSTRUCTIONS: &[&IxSpec]`, from the modules of
/// [`instruction!`](crate::instruction).
#[macro_export]
macro_rules! instructions {
    ($($name:ident),+ $(,)?) => {
        /// Every instruction of the program, in IDL order.
        pub const INSTRUCTIONS: $crate::wire::Instructions = &[$(&$name::SPEC),+];
    };
}

#[cfg(test)]
#[allow(dead_code)]
mod tests {
    extern crate std;
    use super::*;
    use crate::error::FrameworkError;

    #[repr(u8)]
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Color {
        Red = 0,
        Blue = 1,
    }
    impl Color {
        fn from_u8(v: u8) -> Option<Self> {
            match v {
                0 => Some(Color::Red),
                1 => Some(Color::Blue),
                _ => None,
            }
        }
    }
    crate::wire_enum!(Color, FrameworkError::InstructionDidNotDeserialize);

    crate::wire_struct! {
        #[idl(docs = "A pair.")]
        pub struct Pair {
            pub a: u16,
            pub b: Address,
        }
    }

    const OWNER: AccountSpec = s("owner", "The owner.");

    crate::accounts! {
        pub struct Shared { owner: OWNER, thing: w("thing", "A thing.") }
    }

    crate::instruction! {
        pub mod paint {
            docs: "Paints.",
            accounts: {
                owner: OWNER,
                canvas: w("canvas", "The canvas.").pda(&[Seed::Const(b"canvas"), Seed::Arg("id")]),
                system_program: fixed("system_program", Address::new_from_array([0; 32])),
            },
            args: { id: u64, color: Color, pair: Pair, tag: [u8; 4] },
            returns: ArgType::U32,
        }
    }

    crate::instruction! {
        pub mod label {
            docs: "Labels.",
            accounts: Shared,
            remaining: w("others", "More things."),
            args<'a>: { text: Text<'a>, ids: Items<'a, u32> },
        }
    }

    crate::instructions!(paint, label);

    #[test]
    fn specs_describe_the_declarations() {
        assert_eq!(INSTRUCTIONS.len(), 2);
        let p = &paint::SPEC;
        assert_eq!(p.name, "paint");
        assert_eq!(p.discriminator(), crate::disc::instruction("paint"));
        assert_eq!(
            paint::DISCRIMINATOR_U64,
            u64::from_le_bytes(crate::disc::instruction("paint"))
        );
        let names: std::vec::Vec<_> = p.accounts.iter().map(|a| a.name).collect();
        assert_eq!(names, ["owner", "canvas", "system_program"]);
        assert!(p.accounts[1].writable && !p.accounts[1].signer);
        assert!(p.accounts[1].pda.is_some() && p.accounts[2].address.is_some());
        let args: std::vec::Vec<_> = p.args.iter().map(|a| (a.name, a.ty)).collect();
        assert_eq!(
            args,
            [
                ("id", ArgType::U64),
                ("color", ArgType::Defined("Color")),
                ("pair", ArgType::Defined("Pair")),
                ("tag", ArgType::Array(&ArgType::U8, 4)),
            ]
        );
        assert_eq!(p.returns, Some(ArgType::U32));
        let crate::layout::Body::Borsh(fields) = Pair::LAYOUT.body else {
            panic!("Pair is Borsh");
        };
        assert_eq!((fields[1].name, fields[1].ty), ("b", ArgType::Pubkey));
        assert_eq!(<Pair as FixedSize>::SIZE, 34);

        let l = &label::SPEC;
        assert_eq!(l.accounts, Shared::<()>::SPECS);
        assert_eq!(l.remaining.map(|r| r.name), Some("others"));
        assert_eq!(l.args[0].ty, ArgType::String);
        assert_eq!(l.args[1].ty, ArgType::Vec(&ArgType::U32));
        assert_eq!(l.returns, None);
    }

    #[test]
    fn encode_then_parse_round_trips() {
        let args = paint::Args {
            id: 7,
            color: Color::Blue,
            pair: Pair {
                a: 3,
                b: Address::new_from_array([9; 32]),
            },
            tag: *b"abcd",
        };
        let data = args.data();
        assert_eq!(data[..8], paint::DISCRIMINATOR);
        assert_eq!(data.len(), 8 + 8 + 1 + 34 + 4);
        assert_eq!(paint::Args::parse(&data[8..]), Ok(args));

        let malformed = Err(ProgramError::from(
            FrameworkError::InstructionDidNotDeserialize,
        ));
        let mut bad = data[8..].to_vec();
        bad[8] = 2; // no such color
        assert_eq!(paint::Args::parse(&bad), malformed);
        assert_eq!(paint::Args::parse(&data[8..data.len() - 1]), malformed);
        let mut long = data[8..].to_vec();
        long.push(0);
        assert_eq!(paint::Args::parse(&long), malformed);

        let ids = EncodedItems::new(&[1u32, 2, 3]);
        let args = label::Args {
            text: Text(b"hi"),
            ids: ids.items(),
        };
        let data = args.data();
        assert_eq!(
            data[8..],
            [2, 0, 0, 0, b'h', b'i', 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]
        );
        let parsed = label::Args::parse(&data[8..]).expect("parses");
        assert_eq!((parsed.ids.count(), parsed.ids.bytes().len()), (3, 12));
        assert_eq!(parsed, args);
    }

    #[test]
    fn cpi_data_and_metas_follow_the_declaration() {
        let args = paint::Args {
            id: 7,
            color: Color::Red,
            pair: Pair {
                a: 1,
                b: Address::new_from_array([2; 32]),
            },
            tag: *b"wxyz",
        };
        let data = args.data();
        assert_eq!(args.data_in::<55>().bytes(), Some(data.as_slice()));
        assert_eq!(args.data_in::<54>().bytes(), None);
        let keys = [1u8, 2, 3].map(|b| Address::new_from_array([b; 32]));
        let metas = paint::Accounts {
            owner: &keys[0],
            canvas: &keys[1],
            system_program: &keys[2],
        }
        .metas();
        let flags: std::vec::Vec<_> = metas
            .iter()
            .map(|m| (*m.address, m.is_writable, m.is_signer))
            .collect();
        assert_eq!(
            flags,
            [
                (keys[0], false, true),
                (keys[1], true, false),
                (keys[2], false, false)
            ]
        );
    }

    #[test]
    fn accounts_keep_their_order() {
        let a = paint::Accounts {
            owner: 1,
            canvas: 2,
            system_program: 3,
        };
        assert_eq!(a.into_array(), [1, 2, 3]);
        assert_eq!(paint::Accounts::<()>::LEN, 3);
        assert_eq!(label::Accounts::<u8>::LEN, 2);
    }
}
