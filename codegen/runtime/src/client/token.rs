//! Access tokens and where they come from.

use std::fmt;
use std::sync::Arc;

use futures_core::future::BoxFuture;
use http::HeaderValue;

use crate::Error;

/// A bearer access token.
///
/// Its `Debug` output is redacted, and it has no `Display`, so it does not end up
/// in logs or error messages by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps the secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself.
    pub fn secret(&self) -> &str {
        &self.0
    }

    /// The `Authorization` header value, marked sensitive so HTTP libraries keep
    /// it out of their debug output too.
    pub(crate) fn authorization(&self) -> Result<HeaderValue, Error> {
        let mut value = HeaderValue::try_from(format!("Bearer {}", self.0)).map_err(|_| {
            Error::Authentication(
                "the token contains characters not allowed in an HTTP header".into(),
            )
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl From<String> for Token {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Supplies the access token for each request.
///
/// Called before every attempt, so an implementation can cache a token and
/// refresh it when it nears expiry. Errors should be
/// [`Error::Authentication`](crate::Error::Authentication).
pub trait TokenProvider: Send + Sync {
    /// The token to send with the next request.
    fn token(&self) -> BoxFuture<'_, Result<Token, Error>>;

    /// A fresh token that carries `claims`, the JSON claims request of a claims
    /// challenge (decoded from the `claims` parameter of a `401`'s
    /// `WWW-Authenticate`): continuous access evaluation asks for one when it has
    /// revoked the current token, e.g. after a password change or a move to
    /// another network. The client retries the request once with it.
    ///
    /// Providers that can pass claims to their identity platform (MSAL's
    /// `WithClaims`, the `claims` parameter of a token request) should. The
    /// default ignores the claims and asks [`token`](Self::token) again, which
    /// helps a provider whose cache the revocation already reached; the retry's
    /// `401`, if it comes, is returned as the error.
    ///
    /// ```
    /// use odata_codegen_runtime::{BoxFuture, Error, Token, TokenProvider};
    ///
    /// struct Prompting;
    ///
    /// impl TokenProvider for Prompting {
    ///     fn token(&self) -> BoxFuture<'_, Result<Token, Error>> {
    ///         Box::pin(async { Ok(Token::new("cached")) })
    ///     }
    ///
    ///     fn token_with_claims<'a>(&'a self, claims: &'a str) -> BoxFuture<'a, Result<Token, Error>> {
    ///         // A real provider asks its identity platform for a token with `claims`.
    ///         Box::pin(async move { Ok(Token::new(format!("fresh for {claims}"))) })
    ///     }
    /// }
    /// ```
    fn token_with_claims<'a>(&'a self, claims: &'a str) -> BoxFuture<'a, Result<Token, Error>> {
        let _ = claims;
        self.token()
    }
}

impl<P: TokenProvider + ?Sized> TokenProvider for Arc<P> {
    fn token(&self) -> BoxFuture<'_, Result<Token, Error>> {
        (**self).token()
    }

    fn token_with_claims<'a>(&'a self, claims: &'a str) -> BoxFuture<'a, Result<Token, Error>> {
        (**self).token_with_claims(claims)
    }
}

/// A fixed token, for scripts and tests; real applications refresh tokens.
#[derive(Clone, Debug)]
pub struct StaticToken {
    token: Token,
}

impl StaticToken {
    /// Always supplies `secret`.
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            token: Token::new(secret),
        }
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<Token, Error>> {
        Box::pin(std::future::ready(Ok(self.token.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_is_redacted() {
        let provider = StaticToken::new("s3cr3t-value");
        let debug = format!("{provider:?} {:?}", Token::from("s3cr3t-value".to_owned()));
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(debug.contains("<redacted>"));
    }

    #[test]
    fn authorization_header_is_sensitive() {
        let value = Token::new("abc").authorization().unwrap();
        assert_eq!(value, "Bearer abc");
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("abc"));

        let error = Token::new("line\nbreak-secret")
            .authorization()
            .unwrap_err();
        assert!(!error.to_string().contains("secret"), "{error}");
    }

    #[tokio::test]
    async fn static_token_supplies_its_secret() {
        let provider: Arc<dyn TokenProvider> = Arc::new(StaticToken::new("abc"));
        assert_eq!(provider.token().await.unwrap().secret(), "abc");
    }
}
