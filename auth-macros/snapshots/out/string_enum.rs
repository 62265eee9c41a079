// Expansion of auth-macros/snapshots/in/string_enum.rs: generated, do not edit.
// Regenerate with `SNAPSHOTS=overwrite cargo test -p auth-macros`.

/// A chain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Chain {
    /// Solana.
    Solana,
    /// Polygon PoS.
    PolygonPos,
    /// A value this version does not know, kept exactly as received.
    Other(::auth_sdk::__private::String),
}
impl Chain {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        #[allow(unreachable_patterns)]
        match self {
            Self::Other(s) => s,
            Self::Solana => "solana",
            Self::PolygonPos => "polygon-pos",
        }
    }
}
impl ::core::fmt::Display for Chain {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(self.as_str())
    }
}
impl ::core::convert::From<&str> for Chain {
    fn from(s: &str) -> Self {
        match s {
            "solana" => Self::Solana,
            "polygon-pos" => Self::PolygonPos,
            other => Self::Other(::core::convert::Into::into(other)),
        }
    }
}
impl ::core::str::FromStr for Chain {
    type Err = ::core::convert::Infallible;
    fn from_str(s: &str) -> ::auth_sdk::__private::Result<Self, Self::Err> {
        ::auth_sdk::__private::Result::Ok(Self::from(s))
    }
}
impl ::auth_sdk::__private::ToParam for Chain {
    fn to_param(&self) -> ::std::borrow::Cow<'_, str> {
        ::std::borrow::Cow::Borrowed(self.as_str())
    }
}
impl ::auth_sdk::__private::serde::Serialize for Chain {
    fn serialize<S: ::auth_sdk::__private::serde::Serializer>(
        &self,
        s: S,
    ) -> ::auth_sdk::__private::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
impl<'de> ::auth_sdk::__private::serde::Deserialize<'de> for Chain {
    fn deserialize<D: ::auth_sdk::__private::serde::Deserializer<'de>>(
        d: D,
    ) -> ::auth_sdk::__private::Result<Self, D::Error> {
        let s = <::auth_sdk::__private::String as ::auth_sdk::__private::serde::Deserialize>::deserialize(
            d,
        )?;
        ::auth_sdk::__private::Result::Ok(Self::from(s.as_str()))
    }
}
