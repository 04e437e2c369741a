//! Sign-in with Microsoft's `azure_identity` credentials (feature `azure-identity`).

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use azure_core::cloud::CloudConfiguration;
use azure_core::credentials::{AccessToken, Secret, TokenCredential};
use azure_core::http::ClientOptions;
use azure_core::time::{Duration, OffsetDateTime};
use azure_identity::{
    ClientAssertionCredentialOptions, ClientSecretCredential, ClientSecretCredentialOptions,
    DeveloperToolsCredential, ManagedIdentityCredential, ManagedIdentityCredentialOptions,
    UserAssignedId, WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};
use futures_core::future::BoxFuture;

use super::token::{Token, TokenProvider};
use crate::{Error, GraphCloud, ServiceRoot};

/// How long before its expiry a cached token is replaced, so that no request
/// leaves with a token that expires on the way (the margin Azure's SDKs use).
const REFRESH_MARGIN: Duration = Duration::minutes(5);

/// A [`TokenProvider`] backed by a credential of Microsoft's `azure_identity`
/// crate: any [`TokenCredential`], or one made by the constructors here for a
/// client secret, a managed identity, workload identity or the developer tools
/// (Azure CLI, Azure Developer CLI).
///
/// Tokens are asked for the scopes of the service root (`<origin>/.default`, e.g.
/// `https://graph.microsoft.com/.default`, or a national cloud's own), unless set
/// with [`with_scopes`](Self::with_scopes), and kept until five minutes before
/// they expire. Credentials for a national cloud's Graph root sign in at that
/// cloud's authority (`login.microsoftonline.us`, `login.chinacloudapi.cn`).
///
/// `Debug` shows the scopes only, never the credential or a token.
///
/// ```no_run
/// # fn run() -> Result<(), odata_codegen_runtime::Error> {
/// use odata_codegen_runtime::{AzureTokenProvider, Client, GraphCloud, GraphVersion, ServiceRoot};
///
/// let root = ServiceRoot::graph(GraphCloud::Global, GraphVersion::V1);
/// let secret = std::env::var("CLIENT_SECRET").unwrap_or_default();
/// let provider = AzureTokenProvider::client_secret(&root, "contoso.onmicrosoft.com", "app-id", secret)?;
/// let client = Client::builder().service_root(root).token_provider(provider).build()?;
/// # let _ = client;
/// # Ok(()) }
/// ```
pub struct AzureTokenProvider {
    credential: Arc<dyn TokenCredential>,
    scopes: Vec<String>,
    cached: Mutex<Option<AccessToken>>,
}

impl AzureTokenProvider {
    /// Wraps `credential`, asking it for tokens for `root`'s
    /// [default scopes](Self::default_scopes).
    ///
    /// ```
    /// # fn run(credential: std::sync::Arc<dyn odata_codegen_runtime::azure_core::credentials::TokenCredential>) -> Result<(), odata_codegen_runtime::Error> {
    /// use odata_codegen_runtime::{AzureTokenProvider, ServiceRoot};
    ///
    /// let root = ServiceRoot::new("https://graph.microsoft.com/beta")?;
    /// let provider = AzureTokenProvider::new(credential, &root);
    /// assert_eq!(provider.scopes(), ["https://graph.microsoft.com/.default"]);
    /// # Ok(()) }
    /// ```
    pub fn new(credential: Arc<dyn TokenCredential>, root: &ServiceRoot) -> Self {
        Self {
            credential,
            scopes: Self::default_scopes(root),
            cached: Mutex::new(None),
        }
    }

    /// The scopes a token is asked for by default: `<origin>/.default`, all the
    /// permissions the application was granted on the service at `root`. For
    /// Graph that is `https://graph.microsoft.com/.default`, and in the national
    /// clouds `https://graph.microsoft.us/.default`,
    /// `https://dod-graph.microsoft.us/.default` or
    /// `https://microsoftgraph.chinacloudapi.cn/.default`.
    pub fn default_scopes(root: &ServiceRoot) -> Vec<String> {
        // A ServiceRoot is an absolute http(s) URL, which always has an origin.
        let origin = url::Url::parse(root.as_str())
            .map(|url| url.origin().ascii_serialization())
            .unwrap_or_else(|_| root.as_str().to_owned());
        vec![format!("{origin}/.default")]
    }

    /// Asks for `scopes` instead of the defaults: delegated permissions such as
    /// `User.Read`, or another resource's `.default`.
    #[must_use]
    pub fn with_scopes(mut self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The scopes tokens are asked for.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Signs in as an application with a client secret: `tenant_id` (a GUID or a
    /// domain such as `contoso.onmicrosoft.com`), the application's `client_id`
    /// and its `secret`, at the authority of `root`'s cloud.
    pub fn client_secret(
        root: &ServiceRoot,
        tenant_id: &str,
        client_id: &str,
        secret: impl Into<String>,
    ) -> Result<Self, Error> {
        install_crypto_provider();
        let options = ClientSecretCredentialOptions {
            client_options: client_options(root),
        };
        let credential = ClientSecretCredential::new(
            tenant_id,
            client_id.to_owned(),
            Secret::new(secret.into()),
            Some(options),
        )
        .map_err(|e| configuration("client secret credential", &e))?;
        Ok(Self::new(credential, root))
    }

    /// Signs in as the managed identity of the Azure resource the program runs on:
    /// the system-assigned one, or the user-assigned `identity`.
    pub fn managed_identity(
        root: &ServiceRoot,
        identity: Option<UserAssignedId>,
    ) -> Result<Self, Error> {
        install_crypto_provider();
        let options = ManagedIdentityCredentialOptions {
            user_assigned_id: identity,
            ..ManagedIdentityCredentialOptions::default()
        };
        let credential = ManagedIdentityCredential::new(Some(options))
            .map_err(|e| configuration("managed identity credential", &e))?;
        Ok(Self::new(credential, root))
    }

    /// Signs in with Kubernetes workload identity federation, configured by the
    /// `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_FEDERATED_TOKEN_FILE`
    /// environment variables that the workload identity webhook sets.
    pub fn workload_identity(root: &ServiceRoot) -> Result<Self, Error> {
        install_crypto_provider();
        let options = WorkloadIdentityCredentialOptions {
            credential_options: ClientAssertionCredentialOptions {
                client_options: client_options(root),
            },
            ..WorkloadIdentityCredentialOptions::default()
        };
        let credential = WorkloadIdentityCredential::new(Some(options))
            .map_err(|e| configuration("workload identity credential", &e))?;
        Ok(Self::new(credential, root))
    }

    /// Signs in as the developer logged in to the Azure CLI (`az login`) or the
    /// Azure Developer CLI (`azd auth login`), for tools and local runs.
    pub fn developer_tools(root: &ServiceRoot) -> Result<Self, Error> {
        let credential = DeveloperToolsCredential::new(None)
            .map_err(|e| configuration("developer tools credential", &e))?;
        Ok(Self::new(credential, root))
    }

    async fn fetch(&self) -> Result<Token, Error> {
        let now = OffsetDateTime::now_utc();
        if let Some(cached) = self.lock().as_ref() {
            if cached.expires_on > now + REFRESH_MARGIN {
                return Ok(Token::new(cached.token.secret()));
            }
        }
        let scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
        let fresh = self
            .credential
            .get_token(&scopes, None)
            .await
            .map_err(|e| Error::Authentication(Box::new(e)))?;
        let token = Token::new(fresh.token.secret());
        *self.lock() = Some(fresh);
        Ok(token)
    }

    /// The cache; a panic elsewhere while it was held leaves at worst a token
    /// that is still checked for expiry.
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<AccessToken>> {
        self.cached.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl TokenProvider for AzureTokenProvider {
    fn token(&self) -> BoxFuture<'_, Result<Token, Error>> {
        Box::pin(self.fetch())
    }

    /// `azure_identity` 1.x takes no claims in a token request, so the challenge
    /// cannot be met: the cached token, which the service revoked, is dropped,
    /// and an error says which claims were asked for. Sending the revoked token
    /// again would only be refused again.
    fn token_with_claims<'a>(&'a self, claims: &'a str) -> BoxFuture<'a, Result<Token, Error>> {
        *self.lock() = None;
        Box::pin(std::future::ready(Err(Error::Authentication(
            format!(
                "the service asked for a token with these claims (continuous access evaluation): \
                 {claims}; azure_identity's credentials cannot request claims, so sign in again \
                 with a token provider that can"
            )
            .into(),
        ))))
    }
}

impl fmt::Debug for AzureTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureTokenProvider")
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// The sign-in authority of `root`'s cloud: the US Government clouds and China
/// have their own; any other root leaves `azure_identity`'s default (the public
/// cloud, or `AZURE_AUTHORITY_HOST`).
fn client_options(root: &ServiceRoot) -> ClientOptions {
    let cloud = match GraphCloud::of(root) {
        Some(GraphCloud::UsGovL4 | GraphCloud::UsGovL5) => {
            Some(CloudConfiguration::AzureGovernment)
        }
        Some(GraphCloud::China) => Some(CloudConfiguration::AzureChina),
        _ => None,
    };
    ClientOptions {
        cloud: cloud.map(Arc::new),
        ..ClientOptions::default()
    }
}

/// `azure_core` builds its reqwest client (rustls, no crypto provider of its own)
/// with the credential, so the process-wide provider must be there first.
fn install_crypto_provider() {
    // Fails only when a provider is already installed, which is then used.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn configuration(what: &str, error: &azure_core::Error) -> Error {
    Error::InvalidConfiguration {
        reason: format!("{what}: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes(root: &str) -> Vec<String> {
        AzureTokenProvider::default_scopes(&ServiceRoot::new(root).unwrap())
    }

    #[test]
    fn default_scopes_per_cloud() {
        use crate::GraphVersion;
        let expected = [
            (GraphCloud::Global, "https://graph.microsoft.com/.default"),
            (GraphCloud::UsGovL4, "https://graph.microsoft.us/.default"),
            (
                GraphCloud::UsGovL5,
                "https://dod-graph.microsoft.us/.default",
            ),
            (
                GraphCloud::China,
                "https://microsoftgraph.chinacloudapi.cn/.default",
            ),
        ];
        for (cloud, scope) in expected {
            for version in [GraphVersion::V1, GraphVersion::Beta] {
                let root = ServiceRoot::graph(cloud, version);
                assert_eq!(AzureTokenProvider::default_scopes(&root), [scope]);
            }
        }
        assert_eq!(
            scopes("https://Graph.Microsoft.com:443/v1.0/"),
            ["https://graph.microsoft.com/.default"]
        );
        assert_eq!(
            scopes("https://contoso.sharepoint.com/_api"),
            ["https://contoso.sharepoint.com/.default"]
        );
        assert_eq!(
            scopes("http://127.0.0.1:8080/odata"),
            ["http://127.0.0.1:8080/.default"]
        );
    }

    #[test]
    fn national_clouds_sign_in_at_their_authority() {
        use crate::GraphVersion;
        let cloud = |cloud| client_options(&ServiceRoot::graph(cloud, GraphVersion::V1)).cloud;
        assert_eq!(
            cloud(GraphCloud::UsGovL4).as_deref(),
            Some(&CloudConfiguration::AzureGovernment)
        );
        assert_eq!(
            cloud(GraphCloud::UsGovL5).as_deref(),
            Some(&CloudConfiguration::AzureGovernment)
        );
        assert_eq!(
            cloud(GraphCloud::China).as_deref(),
            Some(&CloudConfiguration::AzureChina)
        );
        assert_eq!(cloud(GraphCloud::Global), None);
    }
}
