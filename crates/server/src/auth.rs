//! Bearer tokens: the owner token that guards owner endpoints, and the helpers invites share (random tokens,
//! hashing, constant-time comparison).
//!
//! Tokens are never compared as strings: both sides are hashed with SHA-256 and the digests compared in constant
//! time, so neither the length nor the first differing byte shows in the response time.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use axum::extract::Request;
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::security::Guards;

/// The file `crowdbox serve` keeps a generated owner token in, next to the database.
pub const OWNER_TOKEN_FILE: &str = "owner-token";
/// Shorter tokens are refused: a token is a password that is never typed by hand.
pub const MIN_TOKEN_LEN: usize = 16;

/// The owner token, kept only as its SHA-256 digest.
#[derive(Clone)]
pub struct OwnerToken {
    digest: [u8; 32],
}

impl std::fmt::Debug for OwnerToken {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("OwnerToken(..)")
    }
}

impl OwnerToken {
    pub fn new(token: &str) -> anyhow::Result<Self> {
        let token = token.trim();
        if token.len() < MIN_TOKEN_LEN {
            bail!("the owner token must be at least {MIN_TOKEN_LEN} characters long");
        }
        Ok(Self {
            digest: sha256(token),
        })
    }

    /// Whether `presented` is the token, in time that does not depend on where they differ.
    pub fn matches(&self, presented: &str) -> bool {
        constant_time_eq(&sha256(presented.trim()), &self.digest)
    }
}

pub fn sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// Compares two digests touching every byte whatever their content.
pub fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let difference = a
        .iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

/// A new random token: 32 bytes from the operating system, hex-encoded.
pub fn generate_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|error| anyhow::anyhow!("the system has no random numbers: {error}"))?;
    Ok(hex::encode(bytes))
}

/// The token of an `Authorization: Bearer <token>` header, if there is one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

/// Whether the request carries the owner token.
pub fn check_owner(guards: &Guards, headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    match (&guards.owner_token, bearer_token(headers)) {
        (_, None) => Err(ApiError::OwnerTokenMissing),
        (Some(token), Some(presented)) if token.matches(presented) => Ok(()),
        // Without a configured token nothing matches.
        (_, Some(_)) => Err(ApiError::OwnerTokenWrong),
    }
}

/// An extractor for an owner handler on a path it shares with volunteer routes: the request carries the owner
/// token (checked before the body is read, like [`require_owner`]).
pub struct Owner;

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Owner {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, ApiError> {
        let guards = parts
            .extensions
            .get::<std::sync::Arc<Guards>>()
            .ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("the security guards are not installed"))
            })?;
        check_owner(guards, &parts.headers)?;
        Ok(Owner)
    }
}

/// Middleware for owner routes: the request needs the owner token, else a JSON 401.
pub async fn require_owner(request: Request, next: Next) -> Response {
    let Some(guards) = request.extensions().get::<std::sync::Arc<Guards>>() else {
        return ApiError::Internal(anyhow::anyhow!("the security guards are not installed"))
            .into_response();
    };
    match check_owner(guards, request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// Where `crowdbox serve` got its owner token from, to tell the operator.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenSource {
    File(PathBuf),
    Environment,
    /// Read from the `owner-token` file next to the database, written by an earlier run.
    Stored(PathBuf),
    /// Made just now and written to the `owner-token` file next to the database (mode 0600).
    Generated(PathBuf),
}

impl std::fmt::Display for TokenSource {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(path) => write!(formatter, "read from {}", path.display()),
            Self::Environment => formatter.write_str("read from $CROWDBOX_OWNER_TOKEN"),
            Self::Stored(path) => write!(formatter, "stored in {}", path.display()),
            Self::Generated(path) => {
                write!(
                    formatter,
                    "generated and stored in {} (mode 0600)",
                    path.display()
                )
            }
        }
    }
}

/// The owner token: from `token_file` if given, else from `env_token`, else the `owner-token` file in `home` (the
/// SQLite file's folder, or the image store shared by the processes on a PostgreSQL database; see
/// [`crate::Storage::home`]), which is created with a random token if missing.
pub fn resolve_owner_token(
    home: &Path,
    token_file: Option<&Path>,
    env_token: Option<String>,
) -> anyhow::Result<(OwnerToken, TokenSource)> {
    if let Some(path) = token_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the owner token file {}", path.display()))?;
        let token = OwnerToken::new(&text).with_context(|| format!("in {}", path.display()))?;
        return Ok((token, TokenSource::File(path.to_owned())));
    }
    if let Some(text) = env_token.filter(|text| !text.trim().is_empty()) {
        let token = OwnerToken::new(&text).context("in $CROWDBOX_OWNER_TOKEN")?;
        return Ok((token, TokenSource::Environment));
    }
    let path = home.join(OWNER_TOKEN_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let token = OwnerToken::new(&text).with_context(|| format!("in {}", path.display()))?;
            Ok((token, TokenSource::Stored(path)))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            // Several processes on one PostgreSQL database may start together on a shared image store: the
            // token is written whole to a file of this process's own and then linked into place, which only
            // one of them wins; the others read the winner's.
            let text = generate_token()?;
            static ATTEMPT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let attempt = ATTEMPT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let own = path.with_extension(format!("{}-{attempt}.new", std::process::id()));
            let _ = std::fs::remove_file(&own);
            write_private(&own, &text)
                .with_context(|| format!("cannot write the owner token to {}", own.display()))?;
            let linked = std::fs::hard_link(&own, &path);
            let _ = std::fs::remove_file(&own);
            match linked {
                Ok(()) => Ok((OwnerToken::new(&text)?, TokenSource::Generated(path))),
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    let text = std::fs::read_to_string(&path).with_context(|| {
                        format!("cannot read the owner token {}", path.display())
                    })?;
                    let token =
                        OwnerToken::new(&text).with_context(|| format!("in {}", path.display()))?;
                    Ok((token, TokenSource::Stored(path)))
                }
                Err(error) => Err(error)
                    .with_context(|| format!("cannot write the owner token to {}", path.display())),
            }
        }
        Err(error) => {
            Err(error).with_context(|| format!("cannot read the owner token {}", path.display()))
        }
    }
}

/// Creates `path` readable and writable by its owner only, failing if it exists.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_owner_token_matches_only_itself() {
        let token = OwnerToken::new("correct horse battery staple").unwrap();
        assert!(token.matches("correct horse battery staple"));
        assert!(token.matches("correct horse battery staple\n"));
        assert!(!token.matches("correct horse battery stapl"));
        assert!(!token.matches(""));
        assert!(OwnerToken::new("short").is_err());
    }

    #[test]
    fn bearer_tokens_are_read_whatever_the_scheme_case() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_token(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer abc"),
        );
        assert_eq!(bearer_token(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&headers), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer_token(&headers), None);
    }

    #[test]
    fn a_generated_token_is_stored_privately_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let (first, source) = resolve_owner_token(dir.path(), None, None).unwrap();
        let path = dir.path().join(OWNER_TOKEN_FILE);
        assert_eq!(source, TokenSource::Generated(path.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(first.matches(&text));
        let (again, source) = resolve_owner_token(dir.path(), None, None).unwrap();
        assert_eq!(source, TokenSource::Stored(path));
        assert!(again.matches(&text));
    }

    #[test]
    fn processes_starting_together_on_one_folder_agree_on_one_generated_token() {
        let dir = tempfile::tempdir().unwrap();
        let tokens: Vec<OwnerToken> = std::thread::scope(|scope| {
            let started: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| resolve_owner_token(dir.path(), None, None).unwrap().0))
                .collect();
            started
                .into_iter()
                .map(|thread| thread.join().unwrap())
                .collect()
        });
        let stored = std::fs::read_to_string(dir.path().join(OWNER_TOKEN_FILE)).unwrap();
        assert!(
            tokens.iter().all(|token| token.matches(stored.trim())),
            "every one of them uses the stored token"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary files are left");
    }

    #[test]
    fn a_token_file_wins_over_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "from-the-file-0123456789\n").unwrap();
        let (token, source) = resolve_owner_token(
            dir.path(),
            Some(&file),
            Some("from-the-environment-0123".to_owned()),
        )
        .unwrap();
        assert_eq!(source, TokenSource::File(file));
        assert!(token.matches("from-the-file-0123456789"));
        let (token, source) = resolve_owner_token(
            dir.path(),
            None,
            Some("from-the-environment-0123".to_owned()),
        )
        .unwrap();
        assert_eq!(source, TokenSource::Environment);
        assert!(token.matches("from-the-environment-0123"));
        assert!(!dir.path().join(OWNER_TOKEN_FILE).exists());
    }
}
