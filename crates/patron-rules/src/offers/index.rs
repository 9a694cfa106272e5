//! The cart's paid lines by item code, item group (every ancestor too) and brand, built once per
//! cart so that each offer finds its lines without scanning the cart.
//!
//! One map from key to a range of one flat list of line numbers (four allocations per cart, where
//! a list per key made one per item, group and brand), hashed with the Fx multiply-rotate hash:
//! the keys are the company's own codes and ids, a few hundred at most, so the hash need not
//! resist chosen collisions, and SipHash was a tenth of the engine's time.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::{ApplyOn, Cart};

/// What an offer's lines are looked up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'a> {
    Code(&'a str),
    Group(i64),
    Brand(i64),
}

/// The cart's lines by key.
pub(super) struct LineIndex<'a> {
    /// Key -> its slot; slot `k`'s lines are `lines[starts[k]..starts[k + 1]]`.
    slots: HashMap<Key<'a>, u32, BuildHasherDefault<FxHasher>>,
    starts: Vec<u32>,
    lines: Vec<u32>,
    /// Every paid line (qty above zero), in cart order.
    pub(super) all: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// The index of `cart`'s lines whose qty is above zero (`paid` says which).
    pub(super) fn new(cart: &'a Cart, paid: impl Fn(usize) -> bool) -> LineIndex<'a> {
        let n = cart.lines.len();
        let mut slots: HashMap<Key<'a>, u32, BuildHasherDefault<FxHasher>> =
            HashMap::with_capacity_and_hasher(n * 2, BuildHasherDefault::default());
        // (slot, line) in cart order, then counted into ranges.
        let mut entries: Vec<(u32, u32)> = Vec::with_capacity(n * 4);
        let mut all = Vec::with_capacity(n);
        for (i, line) in cart.lines.iter().enumerate() {
            if !paid(i) {
                continue;
            }
            all.push(i);
            let keys = std::iter::once(Key::Code(line.item_code.as_str()))
                .chain(line.item_groups.iter().map(|g| Key::Group(*g)))
                .chain(line.brand_id.map(Key::Brand));
            for key in keys {
                let next = slots.len() as u32;
                let slot = *slots.entry(key).or_insert(next);
                entries.push((slot, i as u32));
            }
        }
        let mut starts = vec![0u32; slots.len() + 1];
        for &(slot, _) in &entries {
            starts[slot as usize + 1] += 1;
        }
        for k in 1..starts.len() {
            starts[k] += starts[k - 1];
        }
        let mut fill = starts.clone();
        let mut lines = vec![0u32; entries.len()];
        for &(slot, line) in &entries {
            let at = &mut fill[slot as usize];
            lines[*at as usize] = line;
            *at += 1;
        }
        LineIndex {
            slots,
            starts,
            lines,
            all,
        }
    }

    /// The paid lines an offer applies on, in cart order.
    pub(super) fn lines_of(&self, apply_on: &ApplyOn) -> Lines<'_> {
        match apply_on {
            ApplyOn::ItemCode(code) => self.of_key(Key::Code(code.as_str())),
            ApplyOn::ItemGroup(group) => self.of_key(Key::Group(*group)),
            ApplyOn::Brand(brand) => self.of_key(Key::Brand(*brand)),
            ApplyOn::Transaction => Lines::All(self.all.iter()),
        }
    }

    /// The first paid line of item `code`.
    pub(super) fn first_of(&self, code: &str) -> Option<usize> {
        self.of_key(Key::Code(code)).next()
    }

    fn of_key(&self, key: Key) -> Lines<'_> {
        let found = self.slots.get(&key).map_or(&[][..], |&slot| {
            let slot = slot as usize;
            &self.lines[self.starts[slot] as usize..self.starts[slot + 1] as usize]
        });
        Lines::Some(found.iter())
    }
}

/// The lines of one key, or every paid line.
#[derive(Clone)]
pub(super) enum Lines<'s> {
    All(std::slice::Iter<'s, usize>),
    Some(std::slice::Iter<'s, u32>),
}

impl Iterator for Lines<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Lines::All(lines) => lines.next().copied(),
            Lines::Some(lines) => lines.next().map(|&i| i as usize),
        }
    }
}

/// The Fx hash (rustc's): rotate, xor, multiply per word.
#[derive(Default)]
pub(super) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_i64(&mut self, n: i64) {
        self.add(n as u64);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}
