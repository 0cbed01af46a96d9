//! What the server allows and announces: the [`ServerConfig`] (`crowdbox serve` flags), the per-request
//! [`Guards`] (owner token, rate limiters), security headers on every response, and CORS for listed origins.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use axum::http::{header, HeaderName, HeaderValue, Method, Uri};
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::auth::OwnerToken;
use crate::clock::Clock;
use crate::limits::{RateLimiter, RateLimits};

/// How the server is exposed. `Default` is what tests get: no owner token (owner endpoints refuse everyone),
/// frames from the same origin only, no CORS, default rate limits, uploads up to 2 GiB.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub owner_token: Option<OwnerToken>,
    /// CSP `frame-ancestors` sources; empty means `'self'` (plus `X-Frame-Options: SAMEORIGIN`).
    pub frame_ancestors: Vec<String>,
    /// Origins allowed to call the API from other sites (CORS), e.g. `https://portal.example`.
    pub cors_origins: Vec<String>,
    pub rate_limits: RateLimits,
    /// The largest upload body `POST /api/jobs/{job}/images` takes (`serve --max-upload-mb`).
    pub max_upload_bytes: u64,
}

/// `serve --max-upload-mb`'s default.
pub const DEFAULT_MAX_UPLOAD_MB: u64 = 2048;

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            owner_token: None,
            frame_ancestors: Vec::new(),
            cors_origins: Vec::new(),
            rate_limits: RateLimits::default(),
            max_upload_bytes: DEFAULT_MAX_UPLOAD_MB << 20,
        }
    }
}

impl ServerConfig {
    /// Checks the frame ancestors and CORS origins given on the command line, naming the bad one.
    pub fn validate(&self) -> anyhow::Result<()> {
        for source in &self.frame_ancestors {
            check_frame_ancestor(source)?;
        }
        for origin in &self.cors_origins {
            normalize_origin(origin)?;
        }
        Ok(())
    }
}

/// One CSP source expression: a keyword, `*`, a scheme (`https:`) or a host source without path separators of
/// the policy itself (`;`, `,`) or quotes.
fn check_frame_ancestor(source: &str) -> anyhow::Result<()> {
    let allowed_keyword = matches!(source, "'self'" | "'none'");
    let plain = !source.is_empty()
        && source
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, ';' | ',' | '\'' | '"'));
    if allowed_keyword || plain {
        Ok(())
    } else {
        bail!("--frame-ancestors: {source:?} is not a CSP source (e.g. 'self' or https://portal.example)")
    }
}

/// `https://host[:port]` as browsers send it in `Origin` (no path, no trailing slash).
fn normalize_origin(origin: &str) -> anyhow::Result<HeaderValue> {
    let bad = || format!("--cors-origin: {origin:?} is not an origin like https://portal.example");
    let uri: Uri = origin.parse().with_context(bad)?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let path_ok = matches!(uri.path(), "" | "/") && uri.query().is_none();
    let (Some(authority), true, true) = (uri.authority(), scheme_ok, path_ok) else {
        bail!(bad());
    };
    let scheme = uri.scheme_str().unwrap_or("https");
    HeaderValue::from_str(&format!("{scheme}://{authority}")).with_context(bad)
}

/// What handlers and middleware reach through the request extensions.
pub struct Guards {
    pub owner_token: Option<OwnerToken>,
    pub per_worker: RateLimiter,
    pub per_ip: RateLimiter,
    pub clock: Arc<dyn Clock>,
    pub max_upload_bytes: u64,
}

impl Guards {
    pub fn new(config: &ServerConfig, clock: Arc<dyn Clock>) -> Self {
        Self {
            owner_token: config.owner_token.clone(),
            per_worker: RateLimiter::new(config.rate_limits.per_worker_per_minute),
            per_ip: RateLimiter::new(config.rate_limits.per_ip_per_minute),
            clock,
            max_upload_bytes: config.max_upload_bytes,
        }
    }
}

/// The pages of the static folder whose inline scripts the CSP allows: the volunteer app, a server job's
/// volunteer app (sent for `/`, see [`crate::app_pages`]) and the owner console (`/owner/`, its own bundle).
pub const APP_PAGES: [&str; 3] = [
    "index.html",
    crate::app_pages::SERVER_JOB_PAGE,
    "owner/index.html",
];

/// The headers every response carries, computed once at start-up.
pub struct SecurityHeaders {
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl SecurityHeaders {
    /// Builds the CSP for the apps in `static_dir`: inline scripts of their pages ([`APP_PAGES`], trunk's
    /// loaders) are allowed by their SHA-256 hash, nothing else inline.
    pub fn new(config: &ServerConfig, static_dir: &Path) -> Self {
        let mut hashes: Vec<String> = Vec::new();
        for page in APP_PAGES {
            let html = std::fs::read_to_string(static_dir.join(page)).unwrap_or_default();
            for hash in inline_script_hashes(&html) {
                if !hashes.contains(&hash) {
                    hashes.push(hash);
                }
            }
        }
        let script_hashes: String = hashes
            .iter()
            .map(|hash| format!(" 'sha256-{hash}'"))
            .collect();
        let frame_ancestors = if config.frame_ancestors.is_empty() {
            "'self'".to_owned()
        } else {
            config.frame_ancestors.join(" ")
        };
        // A host page that embeds the app hands it images of its own (`init` tasks): those load from the host.
        let host_images: String = config
            .frame_ancestors
            .iter()
            .filter(|source| !source.starts_with('\''))
            .map(|source| format!(" {source}"))
            .collect();
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{script_hashes}; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:{host_images}; connect-src 'self'; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors {frame_ancestors}"
        );
        let mut headers = vec![
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (
                HeaderName::from_static("permissions-policy"),
                HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
            ),
        ];
        // Validated sources are visible ASCII, so this cannot fail; fall back to the strictest policy if it did.
        let csp = HeaderValue::from_str(&csp)
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
        headers.push((header::CONTENT_SECURITY_POLICY, csp));
        if config.frame_ancestors.is_empty() {
            headers.push((
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("SAMEORIGIN"),
            ));
        }
        Self { headers }
    }
}

/// Adds the security headers to a response (keeping any a handler set itself).
pub async fn add_security_headers(
    axum::extract::State(headers): axum::extract::State<Arc<SecurityHeaders>>,
    mut response: Response,
) -> Response {
    let target = response.headers_mut();
    for (name, value) in &headers.headers {
        if !target.contains_key(name) {
            target.insert(name.clone(), value.clone());
        }
    }
    response
}

/// Base64 SHA-256 of the text of every `<script>` without a `src` attribute, as CSP hashes them.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut at = 0;
    while let Some(start) = lower[at..].find("<script").map(|offset| at + offset) {
        let Some(tag_end) = lower[start..].find('>').map(|offset| start + offset) else {
            break;
        };
        let Some(close) = lower[tag_end..]
            .find("</script")
            .map(|offset| tag_end + offset)
        else {
            break;
        };
        let tag = &lower[start..tag_end];
        let has_src = tag
            .split(|c: char| c.is_ascii_whitespace())
            .any(|attribute| attribute.starts_with("src="));
        let body = &html[tag_end + 1..close];
        if !has_src && !body.is_empty() {
            hashes.push(base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body)));
        }
        at = close;
    }
    hashes
}

/// CORS for the listed origins (none: no CORS headers at all, so browsers keep other sites out).
pub fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|origin| normalize_origin(origin).ok())
        .collect();
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
            .expose_headers([header::RETRY_AFTER])
            .max_age(Duration::from_secs(600)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_skipped() {
        let html =
            "<html><script src=\"/a.js\"></script><SCRIPT type=\"module\">alert(1)</SCRIPT></html>";
        let hashes = inline_script_hashes(html);
        assert_eq!(
            hashes,
            [base64::engine::general_purpose::STANDARD.encode(Sha256::digest("alert(1)"))]
        );
    }

    #[test]
    fn origins_must_be_scheme_and_host_only() {
        assert_eq!(
            normalize_origin("https://portal.example/").unwrap(),
            "https://portal.example"
        );
        assert_eq!(
            normalize_origin("http://localhost:3000").unwrap(),
            "http://localhost:3000"
        );
        for bad in [
            "portal.example",
            "ftp://x.example",
            "https://x.example/path",
            "",
        ] {
            assert!(normalize_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn frame_ancestors_may_also_serve_images_to_the_embedded_app() {
        let config = ServerConfig {
            frame_ancestors: vec!["'self'".into(), "https://portal.example".into()],
            ..ServerConfig::default()
        };
        let headers = SecurityHeaders::new(&config, Path::new("/nonexistent"));
        let csp = headers
            .headers
            .iter()
            .find(|(name, _)| name == header::CONTENT_SECURITY_POLICY)
            .map(|(_, value)| value.to_str().unwrap().to_owned())
            .unwrap();
        assert!(
            csp.contains("img-src 'self' data: blob: https://portal.example;"),
            "{csp}"
        );
        assert!(
            csp.contains("frame-ancestors 'self' https://portal.example"),
            "{csp}"
        );
        let default = SecurityHeaders::new(&ServerConfig::default(), Path::new("/nonexistent"));
        assert!(default.headers.iter().any(|(name, value)| name
            == header::CONTENT_SECURITY_POLICY
            && value
                .to_str()
                .unwrap()
                .contains("img-src 'self' data: blob:;")));
    }

    #[test]
    fn frame_ancestors_cannot_smuggle_directives() {
        for good in [
            "'self'",
            "'none'",
            "https://portal.example",
            "https:",
            "*.example.org",
        ] {
            assert!(check_frame_ancestor(good).is_ok(), "{good}");
        }
        for bad in ["https://a; script-src *", "'unsafe-inline'", "a,b", ""] {
            assert!(check_frame_ancestor(bad).is_err(), "{bad}");
        }
    }
}
