//! Smithy unions on the wire: a JSON object with exactly one member, whose key names the
//! variant. [`wire_union!`] declares such an enum with an `Other` variant that keeps members
//! this version does not know, so a new Bedrock block type never breaks a response parse.

use std::borrow::Cow;

use serde::de::{Deserialize, Deserializer, Error, Visitor};

/// A member name, borrowed from the input when it has no escapes.
pub(crate) struct Key<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Bedrock pads event payloads with a `"p"` member; it is never a union member, so unions
/// skip it too rather than count it as a second member.
pub(crate) const PADDING: &str = "p";

/// Declares an externally tagged union: `Variant(Type) = "wireKey",` per member.
macro_rules! wire_union {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident($ty:ty) = $key:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub enum $name {
            $( $(#[$vmeta])* $variant($ty), )+
            /// A member this version does not know, kept verbatim.
            Other { key: String, value: serde_json::Value },
        }

        impl $name {
            /// The member's name on the wire.
            pub fn key(&self) -> &str {
                match self {
                    $( $name::$variant(_) => $key, )+
                    $name::Other { key, .. } => key,
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(Some(1))?;
                match self {
                    $( $name::$variant(v) => m.serialize_entry($key, v)?, )+
                    $name::Other { key, value } => m.serialize_entry(key, value)?,
                }
                m.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(concat!(
                            "a ", stringify!($name), " object with exactly one member"
                        ))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        use $crate::wire::union::{Key, PADDING};
                        let mut found: Option<$name> = None;
                        while let Some(Key(key)) = map.next_key::<Key>()? {
                            if key == PADDING {
                                map.next_value::<serde::de::IgnoredAny>()?;
                                continue;
                            }
                            if let Some(first) = &found {
                                return Err(serde::de::Error::custom(format_args!(
                                    concat!(
                                        stringify!($name),
                                        " must have exactly one member, found `{}` and `{}`"
                                    ),
                                    first.key(),
                                    key
                                )));
                            }
                            found = Some(match key.as_ref() {
                                $( $key => $name::$variant(map.next_value()?), )+
                                _ => $name::Other {
                                    key: key.into_owned(),
                                    value: map.next_value()?,
                                },
                            });
                        }
                        found.ok_or_else(|| {
                            serde::de::Error::custom(concat!(stringify!($name), " has no member"))
                        })
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}

pub(crate) use wire_union;
