//! Counted places per key: at most `max` holders per key at once, each place freed when its
//! [`Slot`] is dropped. The compute limiter counts a tenant's calculations with it, and the
//! web server a client address's connections.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

/// Places per key; clones share the counts.
#[derive(Debug)]
pub struct KeyedSlots<K: Eq + Hash> {
    max: usize,
    counts: Arc<Mutex<HashMap<K, usize>>>,
}

impl<K: Eq + Hash> Clone for KeyedSlots<K> {
    fn clone(&self) -> Self {
        KeyedSlots {
            max: self.max,
            counts: self.counts.clone(),
        }
    }
}

impl<K: Eq + Hash + Clone> KeyedSlots<K> {
    /// At most `max` (at least 1) places per key.
    pub fn new(max: usize) -> Self {
        KeyedSlots {
            max: max.max(1),
            counts: Default::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<K, usize>> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A place for `key`, or `None` when its places are taken.
    pub fn try_acquire(&self, key: K) -> Option<Slot<K>> {
        let mut counts = self.lock();
        let n = counts.entry(key.clone()).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(Slot {
            owner: self.clone(),
            key,
        })
    }

    /// Whether no key holds a place.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

/// One place of a key; freed when dropped.
#[derive(Debug)]
pub struct Slot<K: Eq + Hash + Clone> {
    owner: KeyedSlots<K>,
    key: K,
}

impl<K: Eq + Hash + Clone> Drop for Slot<K> {
    fn drop(&mut self) {
        let mut counts = self.owner.lock();
        if let Some(n) = counts.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_at_most_its_places_and_gets_them_back() {
        let slots = KeyedSlots::new(2);
        let first = slots.try_acquire("a").unwrap();
        let _second = slots.try_acquire("a").unwrap();
        assert!(slots.try_acquire("a").is_none());
        assert!(slots.try_acquire("b").is_some());
        drop(first);
        let third = slots.try_acquire("a");
        assert!(third.is_some());
        drop((third, _second));
        assert!(slots.is_empty());
    }
}
