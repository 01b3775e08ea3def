//! Developer credentials: access key, access secret and user id.

use std::fmt;
use std::sync::Arc;

use crate::error::Error;

/// The three values the console issues: the Access Key, its Access Secret and
/// the (sub-account) user id.
///
/// The secret is never printed: `Debug` masks it, and no error or log line of
/// this crate contains it.
///
/// ```
/// let creds = xportcn::Credentials::new("my-access-key", "my-secret", "2100007341207");
/// assert_eq!(creds.access_key(), "my-access-key");
/// assert!(!format!("{creds:?}").contains("my-secret"));
/// ```
#[derive(Clone)]
pub struct Credentials {
    inner: Arc<Inner>,
}

struct Inner {
    access_key: String,
    access_secret: String,
    user_id: String,
}

impl Credentials {
    /// Environment variable read by [`Credentials::from_env`] for the access
    /// key: `XPORTCN_ACCESS_KEY`.
    pub const ENV_ACCESS_KEY: &str = "XPORTCN_ACCESS_KEY";
    /// Environment variable read by [`Credentials::from_env`] for the access
    /// secret: `XPORTCN_ACCESS_SECRET`.
    pub const ENV_ACCESS_SECRET: &str = "XPORTCN_ACCESS_SECRET";
    /// Environment variable read by [`Credentials::from_env`] for the user
    /// id: `XPORTCN_USER_ID`.
    pub const ENV_USER_ID: &str = "XPORTCN_USER_ID";

    /// Credentials from the values shown in the developer console.
    pub fn new(
        access_key: impl Into<String>,
        access_secret: impl Into<String>,
        user_id: impl Into<String>,
    ) -> Self {
        Credentials {
            inner: Arc::new(Inner {
                access_key: access_key.into(),
                access_secret: access_secret.into(),
                user_id: user_id.into(),
            }),
        }
    }

    /// Credentials from `XPORTCN_ACCESS_KEY`, `XPORTCN_ACCESS_SECRET` and
    /// `XPORTCN_USER_ID`.
    ///
    /// # Errors
    /// [`Error::Config`] naming the first variable that is missing, empty or
    /// not valid Unicode.
    pub fn from_env() -> Result<Self, Error> {
        fn var(name: &str) -> Result<String, Error> {
            match std::env::var(name) {
                Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
                Ok(_) => Err(Error::Config(format!(
                    "environment variable {name} is empty"
                ))),
                Err(std::env::VarError::NotPresent) => Err(Error::Config(format!(
                    "environment variable {name} is not set"
                ))),
                Err(std::env::VarError::NotUnicode(_)) => Err(Error::Config(format!(
                    "environment variable {name} is not valid Unicode"
                ))),
            }
        }
        Ok(Credentials::new(
            var(Self::ENV_ACCESS_KEY)?,
            var(Self::ENV_ACCESS_SECRET)?,
            var(Self::ENV_USER_ID)?,
        ))
    }

    /// The Access Key (not secret: it travels in every request).
    pub fn access_key(&self) -> &str {
        &self.inner.access_key
    }

    /// The user id sent in the `user-id` header.
    pub fn user_id(&self) -> &str {
        &self.inner.user_id
    }

    /// Whether `signature` is the request signature of these credentials
    /// for `timestamp` and `nonce_str` (`docs/platform.md` §2: MD5 of
    /// access key, timestamp, nonce and secret; hex, either case), compared
    /// in constant time. For servers that check what a client signed (the
    /// `xportcn-sandbox` package) without reading the secret.
    pub fn verify_signature(&self, timestamp: &str, nonce_str: &str, signature: &str) -> bool {
        crate::signing::verify(
            self.access_key(),
            timestamp,
            nonce_str,
            self.access_secret(),
            signature,
        )
    }

    /// The Access Secret. Crate-private so that it cannot leak through a
    /// convenience accessor.
    pub(crate) fn access_secret(&self) -> &str {
        &self.inner.access_secret
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.inner.access_key)
            .field("access_secret", &"***")
            .field("user_id", &self.inner.user_id)
            .finish()
    }
}
