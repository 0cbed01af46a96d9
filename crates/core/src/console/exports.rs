//! The export links: every format `GET /api/jobs/{job}/export` writes, consolidated or as every worker's boxes or
//! one worker's.

/// The export formats, as the API names them, with what the console calls them.
pub const FORMATS: [(&str, &str); 5] = [
    ("coco", "COCO JSON"),
    ("groundtruth", "Ground Truth manifest"),
    ("openimages", "Open Images CSV"),
    ("voc", "Pascal VOC (zip)"),
    ("yolo", "YOLO (zip)"),
];

/// Whose boxes an export holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportScope {
    /// One set of boxes per image (reviewed images' final boxes).
    Consolidated,
    /// Every worker's submissions as they are.
    Submissions,
    /// One worker's boxes.
    Worker(String),
}

/// The export's path and query (`/api/jobs/{job}/export?…`), every value percent-encoded.
pub fn export_path(job: &str, format: &str, scope: &ExportScope) -> String {
    let mut path = format!("/api/jobs/{}/export?format={}", encode(job), encode(format));
    match scope {
        ExportScope::Consolidated => path.push_str("&consolidated=true"),
        ExportScope::Submissions => {}
        ExportScope::Worker(worker) => {
            path.push_str("&worker=");
            path.push_str(&encode(worker));
        }
    }
    path
}

/// The file name the server's `Content-Disposition` gives, for the download link.
pub use crate::owner::export_file_name as file_name;

/// Percent-encodes everything but the unreserved characters (RFC 3986), so any value is one path segment or
/// one query value.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
