//! The bookkeeping of a tile cache bounded by bytes: which keys it holds, how big each is, and which to evict.
//!
//! The app keeps the decoded tiles (image bitmaps) in a map of its own and asks this which ones to drop, so the
//! policy is tested natively and the browser code stays a lookup.

/// A cache budget that holds a 1920 × 1080 canvas's tiles several times over at 2 device pixels per CSS pixel
/// (about 40 tiles of 1 MB a screen), and stays far below the 48 MB one decoded 12 Mpx image takes.
pub const DEFAULT_TILE_CACHE_BYTES: usize = 160 * 1024 * 1024;

#[derive(Clone, Debug)]
struct Entry<K> {
    key: K,
    bytes: usize,
    last_use: u64,
}

/// Least-recently-used bookkeeping by bytes: inserting past the budget evicts the keys used longest ago,
/// except pinned ones (the shown image's overview tile, which stands in for every tile not loaded yet).
///
/// A plain list searched from end to end: a budget holds a few hundred tiles at most, which a scan handles in
/// microseconds, and the worker app's bundle stays smaller than with hash and tree maps.
#[derive(Clone, Debug)]
pub struct TileCache<K> {
    capacity_bytes: usize,
    used_bytes: usize,
    clock: u64,
    entries: Vec<Entry<K>>,
    pinned: Vec<K>,
}

impl<K: Clone + Eq> TileCache<K> {
    pub fn new(capacity_bytes: usize) -> Self {
        TileCache {
            capacity_bytes,
            used_bytes: 0,
            clock: 0,
            entries: Vec::new(),
            pinned: Vec::new(),
        }
    }

    /// Keeps `key` from being evicted (whether or not it is cached yet) until [`TileCache::unpin`]. Pinned keys
    /// still count against the budget.
    pub fn pin(&mut self, key: K) {
        if !self.pinned.contains(&key) {
            self.pinned.push(key);
        }
    }

    pub fn unpin(&mut self, key: &K) {
        self.pinned.retain(|k| k != key);
    }

    pub fn capacity_bytes(&self) -> usize {
        self.capacity_bytes
    }

    pub fn used_bytes(&self) -> usize {
        self.used_bytes
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, key: &K) -> Option<usize> {
        self.entries.iter().position(|e| e.key == *key)
    }

    pub fn contains(&self, key: &K) -> bool {
        self.position(key).is_some()
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// Notes that `key` was used (drawn) now; false when the cache does not hold it.
    pub fn touch(&mut self, key: &K) -> bool {
        let now = self.tick();
        let Some(i) = self.position(key) else {
            return false;
        };
        self.entries[i].last_use = now;
        true
    }

    /// Adds `key` of `bytes` as the most recently used (or updates its size), then evicts the least recently used
    /// keys until the total fits the budget. Returns the evicted keys, oldest first: the caller drops their data.
    /// A key larger than the whole budget is not kept: it comes back as evicted at once.
    pub fn insert(&mut self, key: K, bytes: usize) -> Vec<K> {
        self.remove(&key);
        if bytes > self.capacity_bytes {
            return vec![key];
        }
        let now = self.tick();
        self.used_bytes += bytes;
        self.entries.push(Entry {
            key,
            bytes,
            last_use: now,
        });
        let mut evicted = Vec::new();
        while self.used_bytes > self.capacity_bytes {
            let oldest = self
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| !self.pinned.contains(&e.key))
                .min_by_key(|(_, e)| e.last_use)
                .map(|(i, _)| i);
            let Some(i) = oldest else {
                break; // everything left is pinned
            };
            let entry = self.entries.swap_remove(i);
            self.used_bytes -= entry.bytes;
            evicted.push(entry.key);
        }
        evicted
    }

    /// Forgets `key`; false when the cache did not hold it.
    pub fn remove(&mut self, key: &K) -> bool {
        let Some(i) = self.position(key) else {
            return false;
        };
        let entry = self.entries.swap_remove(i);
        self.used_bytes -= entry.bytes;
        true
    }

    /// The keys, least recently used first.
    pub fn keys_by_age(&self) -> impl Iterator<Item = &K> {
        let mut by_age: Vec<&Entry<K>> = self.entries.iter().collect();
        by_age.sort_by_key(|e| e.last_use);
        by_age.into_iter().map(|e| &e.key)
    }
}
