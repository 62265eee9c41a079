// `#[string_enum]` with `rename_all` and `#[wire]`.

/// A chain.
#[auth_sdk::string_enum(rename_all = "lowercase")]
pub enum Chain {
    /// Solana.
    Solana,
    /// Polygon PoS.
    #[wire("polygon-pos")]
    PolygonPos,
}
