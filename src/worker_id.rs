//! Random ids made in the browser: the anonymous volunteer id (kept across visits) and submission ids.
//!
//! Both come from `crypto.getRandomValues`, which every browser offers, also on plain-http origins.

/// Where the volunteer id is kept between visits.
pub const WORKER_ID_KEY: &str = "crowdbox.worker_id";

/// The anonymous id of this browser's volunteer: read from localStorage, or made and stored on the first visit.
/// When storage is unavailable (blocked, private mode) a fresh id is used for this page's lifetime; the server
/// then sees a new volunteer after a reload, which costs nothing but a resumed lease.
pub fn worker_id() -> String {
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    if let Some(stored) = storage
        .as_ref()
        .and_then(|s| s.get_item(WORKER_ID_KEY).ok().flatten())
        .filter(|id| is_valid_worker_id(id))
    {
        return stored;
    }
    let id = random_hex(16);
    if let Some(storage) = storage {
        // Failing to store (quota, blocked) only means the next visit gets a new id.
        let _ = storage.set_item(WORKER_ID_KEY, &id);
    }
    id
}

/// A stored id is reused only if it looks like one this module made, so a corrupted value is replaced.
fn is_valid_worker_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A fresh submission id, formatted like a version-4 UUID (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`).
pub fn new_submission_id() -> String {
    let mut bytes = random_bytes::<16>();
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex = to_hex(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// `n` random bytes as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    fill_random(&mut bytes);
    to_hex(&bytes)
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    fill_random(&mut bytes);
    bytes
}

/// Fills `buf` from `crypto.getRandomValues`; falls back to `Math.random` only where no Web Crypto exists
/// (these ids need to be unique, not secret).
fn fill_random(buf: &mut [u8]) {
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(buf).is_ok());
    if !filled {
        for b in buf.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn hex_is_lowercase_and_two_digits_per_byte() {
        assert_eq!(to_hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }

    #[test]
    fn only_well_formed_stored_ids_are_reused() {
        assert!(is_valid_worker_id("0123456789abcdef0123456789abcdef"));
        assert!(!is_valid_worker_id(""));
        assert!(!is_valid_worker_id("not-an-id"));
        assert!(!is_valid_worker_id("0123456789abcdef0123456789abcdeg"));
    }
}
