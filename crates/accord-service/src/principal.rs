//! Who is calling. The edge authenticates every request and stores a [`Principal`] in the
//! request's extensions; handlers take [`Caller`] to require one.

use accord_core::Snowflake;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::ApiError;

/// An authenticated caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub user_id: Snowflake,
    pub kind: PrincipalKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// A person, through a login session's access token.
    User { session_id: Snowflake },
    /// A bot, through its bot token.
    Bot,
}

impl Principal {
    pub fn is_bot(&self) -> bool {
        self.kind == PrincipalKind::Bot
    }
}

/// Extractor that requires an authenticated caller (401 otherwise).
#[derive(Debug, Clone, Copy)]
pub struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Principal>().copied().map(Caller).ok_or_else(ApiError::unauthorized)
    }
}
