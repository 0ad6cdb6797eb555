//! The layouts of the programs' accounts, events and enums, described once
//! next to their types, as [`define_errors!`](crate::define_errors)
//! describes the errors and [`instruction!`](crate::instruction) the
//! instructions: [`define_layout!`](crate::define_layout) declares a Pod
//! struct, [`define_event!`](crate::define_event) an event and
//! [`define_enum!`](crate::define_enum) an enum, and each gives its type a
//! `LAYOUT` ([`TypeSpec`]: name, IDL docs, fields and their IDL types) that
//! the IDL generator reads. [`borsh_layout!`](crate::borsh_layout)
//! describes a Borsh value no Pod struct holds (a variable-size event,
//! return data).
//!
//! The IDL docs of a type are its `#[idl(docs = "…")]` line, which is also
//! the first paragraph of its Rust docs; the `///` lines that follow are
//! Rust docs only.
//!
//! A `u8` field that holds an enum is written `kind: u8 as MeterKind`: the
//! struct keeps the byte (a Pod cannot hold an enum), the layout names the
//! enum.

use crate::wire::ArgType;
use alloc::{string::String, vec::Vec};
use pinocchio::Address;

/// A type of a program's IDL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeSpec {
    pub name: &'static str,
    /// Its IDL docs (one paragraph).
    pub docs: &'static str,
    pub body: Body,
}

/// What a [`TypeSpec`] describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// A `#[repr(C)]` Pod struct read in place, an account body (Anchor's
    /// `bytemuck` serialisation).
    ZeroCopy(&'static [FieldSpec]),
    /// A Borsh struct: an event or an item of one (a packed Pod struct, whose
    /// bytes are its Borsh encoding), an argument struct, return data.
    Borsh(&'static [FieldSpec]),
    /// A fieldless enum (one Borsh byte): its variants, the `i`-th with
    /// discriminant `i`.
    Enum(&'static [&'static str]),
}

/// One field of a struct layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// Its IDL name: the Rust name without a leading `_`.
    pub name: &'static str,
    /// Its IDL type.
    pub ty: ArgType,
    /// For a `u8` that holds an enum (`kind: u8 as MeterKind`): the enum.
    pub enumeration: Option<&'static TypeSpec>,
}

/// A type a layout's field may have, and its IDL type.
pub trait FieldType {
    const TYPE: ArgType;
}

macro_rules! field_types {
    ($($t:ty => $ty:ident),+ $(,)?) => {$(
        impl FieldType for $t {
            const TYPE: ArgType = ArgType::$ty;
        }
    )+};
}

field_types! {
    u8 => U8, i8 => I8, u16 => U16, i16 => I16, u32 => U32, i32 => I32,
    u64 => U64, i64 => I64, u128 => U128, i128 => I128, Address => Pubkey,
}

impl<T: FieldType, const N: usize> FieldType for [T; N] {
    const TYPE: ArgType = ArgType::Array(&T::TYPE, N);
}
/// A Borsh vector (for [`borsh_layout!`](crate::borsh_layout)).
impl<T: FieldType> FieldType for Vec<T> {
    const TYPE: ArgType = ArgType::Vec(&T::TYPE);
}
/// A Borsh `bytes` (`Vec<u8>`, which Anchor's IDL calls `bytes`).
impl FieldType for &[u8] {
    const TYPE: ArgType = ArgType::Bytes;
}
/// A Borsh string.
impl FieldType for String {
    const TYPE: ArgType = ArgType::String;
}

/// A field's IDL name: unused padding (`_padding`) is `padding`.
pub const fn field_name(name: &'static str) -> &'static str {
    match name.as_bytes() {
        [b'_', ..] => name.split_at(1).1,
        _ => name,
    }
}

/// Whether fields at `offsets` of `sizes` bytes each follow the previous one
/// without a gap and fill `size` bytes: what an IDL reader, which reads
/// them one after another, assumes.
pub const fn contiguous(offsets: &[usize], sizes: &[usize], size: usize) -> bool {
    if offsets.len() != sizes.len() {
        return false;
    }
    let mut at = 0;
    let mut i = 0;
    while i < offsets.len() {
        if offsets[i] != at {
            return false;
        }
        at += sizes[i];
        i += 1;
    }
    at == size
}

/// Declares a Pod struct and its layout (`LAYOUT`, see the
/// [module docs](crate::layout)):
///
/// ```ignore
/// joule_common::define_layout! {
///     #[idl(docs = "A physical meter, PDA [\"meter\", meter_id].")]
///     /// More Rust docs.
///     #[repr(C)]
///     pub struct Meter {
///         pub owner: Address,
///         pub kind: u8 as MeterKind,
///         pub _padding: [u8; 7],
///     }
/// }
/// ```
///
/// `#[repr(C)]` is an account body (zero-copy in the IDL), `#[repr(C,
/// packed)]` a Borsh struct whose bytes are its encoding. Either derives
/// `Clone`, `Copy`, `bytemuck::Pod` and `bytemuck::Zeroable` (the program
/// crate depends on `bytemuck`); attributes after the `repr` are kept. A
/// compile-time check proves the fields follow each other without padding,
/// as the IDL reads them, and that every enum-typed field has the enum's
/// size.
#[macro_export]
macro_rules! define_layout {
    (
        #[idl(docs = $idl:literal)]
        $(#[doc = $doc:literal])*
        #[repr(C $(, $packed:ident)?)]
        $(#[$attr:meta])*
        pub struct $name:ident {
            $($(#[$fattr:meta])* pub $field:ident : $ty:ty $(as $enum:ty)?),* $(,)?
        }
    ) => {
        #[doc = $idl]
        #[doc = ""]
        $(#[doc = $doc])*
        #[repr(C $(, $packed)?)]
        #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
        $(#[$attr])*
        pub struct $name {
            $($(#[$fattr])* pub $field: $ty,)*
        }

        impl $name {
            /// Its layout, for the IDL.
            pub const LAYOUT: $crate::layout::TypeSpec = $crate::layout::TypeSpec {
                name: stringify!($name),
                docs: $idl,
                body: $crate::__layout_body!(
                    [$($packed)?]
                    &[$($crate::__layout_field!($field: $ty $(as $enum)?)),*]
                ),
            };
        }

        impl $crate::layout::FieldType for $name {
            const TYPE: $crate::wire::ArgType = $crate::wire::ArgType::Defined(stringify!($name));
        }

        const _: () = {
            assert!(
                $crate::layout::contiguous(
                    &[$(core::mem::offset_of!($name, $field)),*],
                    &[$(core::mem::size_of::<$ty>()),*],
                    core::mem::size_of::<$name>(),
                ),
                concat!("the fields of ", stringify!($name), " are not contiguous"),
            );
            $($(
                assert!(
                    core::mem::size_of::<$ty>() == core::mem::size_of::<$enum>(),
                    concat!(stringify!($name), "::", stringify!($field), " is not the size of its enum"),
                );
            )?)*
        };
    };
}

/// Describes a Borsh value no Pod struct holds (a variable-size event,
/// return data) as a `TypeSpec` constant:
///
/// ```ignore
/// joule_common::borsh_layout! {
///     #[idl(docs = "A batch of readings was recorded.")]
///     /// Rust docs of the constant.
///     pub const READINGS_SUBMITTED_LAYOUT = ReadingsSubmitted {
///         oracle: Address,
///         readings: Vec<ReadingApplied>,
///         mask: &[u8],
///     };
/// }
/// ```
#[macro_export]
macro_rules! borsh_layout {
    (
        #[idl(docs = $idl:literal)]
        $(#[doc = $doc:literal])*
        pub const $const:ident = $name:ident {
            $($field:ident : $ty:ty $(as $enum:ty)?),* $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub const $const: $crate::layout::TypeSpec = $crate::layout::TypeSpec {
            name: stringify!($name),
            docs: $idl,
            body: $crate::layout::Body::Borsh(&[
                $($crate::__layout_field!($field: $ty $(as $enum)?)),*
            ]),
        };
    };
}

/// Declares a fieldless `#[repr(u8)]` enum whose `i`-th variant has
/// discriminant `i` (checked at compile time), with `ALL` (every variant,
/// in order), `name()` and its layout (`LAYOUT`, see the
/// [module docs](crate::layout)):
///
/// ```ignore
/// joule_common::define_enum! {
///     #[idl(docs = "Order side.")]
///     pub enum Side {
///         /// Buys energy.
///         Buy = 0,
///         Sell = 1,
///     }
/// }
/// ```
#[macro_export]
macro_rules! define_enum {
    (
        #[idl(docs = $idl:literal)]
        $(#[doc = $doc:literal])*
        pub enum $name:ident {
            $($(#[$vattr:meta])* $variant:ident = $value:literal),+ $(,)?
        }
    ) => {
        #[doc = $idl]
        #[doc = ""]
        $(#[doc = $doc])*
        #[repr(u8)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vattr])* $variant = $value,)+
        }

        impl $name {
            /// Every variant, in discriminant order.
            pub const ALL: [$name; $crate::__wire_count!($($variant)+)] = [$($name::$variant),+];

            /// Its layout, for the IDL.
            pub const LAYOUT: $crate::layout::TypeSpec = $crate::layout::TypeSpec {
                name: stringify!($name),
                docs: $idl,
                body: $crate::layout::Body::Enum(&[$(stringify!($variant)),+]),
            };

            /// The variant's name.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($variant),)+
                }
            }
        }

        impl $crate::layout::FieldType for $name {
            const TYPE: $crate::wire::ArgType = $crate::wire::ArgType::Defined(stringify!($name));
        }

        const _: () = {
            let mut i = 0;
            while i < $name::ALL.len() {
                assert!(
                    $name::ALL[i] as usize == i,
                    concat!("the variants of ", stringify!($name), " are not numbered 0, 1, 2, …"),
                );
                i += 1;
            }
        };
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __layout_body {
    ([] $fields:expr) => {
        $crate::layout::Body::ZeroCopy($fields)
    };
    ([packed] $fields:expr) => {
        $crate::layout::Body::Borsh($fields)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __layout_field {
    ($field:ident : $ty:ty as $enum:ty) => {
        $crate::layout::FieldSpec {
            name: $crate::layout::field_name(stringify!($field)),
            ty: <$ty as $crate::layout::FieldType>::TYPE,
            enumeration: Some(&<$enum>::LAYOUT),
        }
    };
    ($field:ident : $ty:ty) => {
        $crate::layout::FieldSpec {
            name: $crate::layout::field_name(stringify!($field)),
            ty: <$ty as $crate::layout::FieldType>::TYPE,
            enumeration: None,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::define_enum! {
        #[idl(docs = "A color.")]
        pub enum Color {
            Red = 0,
            /// The sky's.
            Blue = 1,
        }
    }

    crate::define_layout! {
        #[idl(docs = "A thing.")]
        /// More about it.
        #[repr(C)]
        #[derive(Debug)]
        pub struct Thing {
            pub owner: Address,
            pub count: u64,
            /// Its color.
            pub color: u8 as Color,
            pub _padding: [u8; 7],
        }
    }

    crate::define_layout! {
        #[idl(docs = "An item.")]
        #[repr(C, packed)]
        pub struct Item {
            pub id: u32,
            pub amount: u64,
        }
    }

    crate::borsh_layout! {
        #[idl(docs = "Things.")]
        pub const THINGS = Things { items: Vec<Item>, note: String, raw: &[u8], color: Color };
    }

    #[test]
    fn layouts_describe_the_declarations() {
        assert_eq!(Color::ALL, [Color::Red, Color::Blue]);
        assert_eq!(Color::Blue.name(), "Blue");
        assert_eq!(Color::LAYOUT.body, Body::Enum(&["Red", "Blue"]));

        assert_eq!(
            (Thing::LAYOUT.name, Thing::LAYOUT.docs),
            ("Thing", "A thing.")
        );
        let Body::ZeroCopy(fields) = Thing::LAYOUT.body else {
            panic!("Thing is zero-copy");
        };
        let names: Vec<_> = fields.iter().map(|f| (f.name, f.ty)).collect();
        assert_eq!(
            names,
            [
                ("owner", ArgType::Pubkey),
                ("count", ArgType::U64),
                ("color", ArgType::U8),
                ("padding", ArgType::Array(&ArgType::U8, 7)),
            ]
        );
        assert_eq!(fields[2].enumeration, Some(&Color::LAYOUT));
        assert_eq!(fields[0].enumeration, None);

        assert!(matches!(Item::LAYOUT.body, Body::Borsh(f) if f.len() == 2));
        let Body::Borsh(fields) = THINGS.body else {
            panic!("Things is Borsh");
        };
        let types: Vec<_> = fields.iter().map(|f| f.ty).collect();
        assert_eq!(
            types,
            [
                ArgType::Vec(&ArgType::Defined("Item")),
                ArgType::String,
                ArgType::Bytes,
                ArgType::Defined("Color"),
            ]
        );
    }

    #[test]
    fn contiguity() {
        assert!(contiguous(&[0, 8, 12], &[8, 4, 4], 16));
        assert!(!contiguous(&[0, 8, 16], &[8, 4, 4], 20)); // a gap
        assert!(!contiguous(&[0, 8], &[8, 4], 16)); // trailing padding
        assert!(!contiguous(&[0], &[8, 4], 12));
    }
}
