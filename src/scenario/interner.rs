//! Names to dense ids (user and host names of a connection log), in order of first
//! appearance; [`Interner::sorted`] renumbers them by name.
//!
//! The names sit end to end in one string and the hash table holds only their ids, so a
//! lookup touches two small arrays instead of following a pointer to each name it compares:
//! with a million lookups among cache-thrashing log rows, that pointer chase was most of the
//! interning's cost.

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

/// Interned names.
#[derive(Default)]
pub struct Interner {
    table: HashTable<u32>,
    text: String,
    /// Where each name ends in `text`.
    ends: Vec<usize>,
}

/// Name `id` of `text` and `ends`.
fn name<'a>(text: &'a str, ends: &[usize], id: u32) -> &'a str {
    let id = id as usize;
    let start = if id == 0 { 0 } else { ends[id - 1] };
    &text[start..ends[id]]
}

impl Interner {
    /// The id of `name`, new ones numbered in order of first appearance.
    pub fn id(&mut self, wanted: &str) -> u32 {
        let hash = FxBuildHasher.hash_one(wanted);
        let (text, ends) = (&mut self.text, &mut self.ends);
        let entry = self.table.entry(
            hash,
            |&id| name(text, ends, id) == wanted,
            |&id| FxBuildHasher.hash_one(name(text, ends, id)),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(e) => *e.get(),
            hashbrown::hash_table::Entry::Vacant(e) => {
                let id = ends.len() as u32;
                text.push_str(wanted);
                ends.push(text.len());
                e.insert(id);
                id
            }
        }
    }

    /// (new id of each old id, names sorted).
    pub fn sorted(self) -> (Vec<u32>, Vec<String>) {
        let at = |id: u32| name(&self.text, &self.ends, id);
        let mut order: Vec<u32> = (0..self.ends.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| at(a).cmp(at(b)));
        let mut new_id = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_id[old as usize] = new as u32;
        }
        let names = order.iter().map(|&old| at(old).to_string()).collect();
        (new_id, names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_first_appearance_and_sorting_renumbers_by_name() {
        let mut i = Interner::default();
        let ids: Vec<u32> = ["zed", "amy", "zed", "bob", "amy"].iter().map(|n| i.id(n)).collect();
        assert_eq!(ids, [0, 1, 0, 2, 1]);
        let (new_id, names) = i.sorted();
        assert_eq!(names, ["amy", "bob", "zed"]);
        assert_eq!(new_id, [2, 0, 1]);
    }

    #[test]
    fn many_names_survive_the_table_growing() {
        let mut i = Interner::default();
        for n in 0..10_000 {
            assert_eq!(i.id(&format!("user{n}")), n);
        }
        assert_eq!(i.id("user1234"), 1234);
        assert_eq!(i.id(""), 10_000);
    }
}
